// Package ids has uuid types shaped as github.com/google/uuid's UUID and
// NullUUID, for the sqlc overrides of the round trip.
package ids

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// UUID is a uuid's 16 bytes.
type UUID [16]byte

// NullUUID is a uuid or NULL.
type NullUUID struct {
	UUID  UUID
	Valid bool
}

// Scan implements sql.Scanner, which pgx uses to read a uuid into it.
func (n *NullUUID) Scan(src any) error {
	switch s := src.(type) {
	case nil:
		*n = NullUUID{}
		return nil
	case string:
		b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
		if err != nil || len(b) != 16 {
			return fmt.Errorf("ids: bad uuid %q", s)
		}
		n.UUID, n.Valid = UUID(b), true
		return nil
	}
	return fmt.Errorf("ids: cannot scan %T", src)
}
