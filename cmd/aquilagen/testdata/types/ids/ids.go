// Package ids has a uuid type defined on [16]byte, as
// github.com/google/uuid.UUID is, for the sqlc overrides of the round trip.
package ids

// UUID is a uuid's 16 bytes.
type UUID [16]byte
