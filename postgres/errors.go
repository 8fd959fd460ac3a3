package postgres

import "errors"

var (
	// ErrExecMode is returned for an unknown exec mode name.
	ErrExecMode = errors.New("unknown exec mode")
	// ErrConfig is returned when a DSN cannot be parsed. The message never
	// contains the password.
	ErrConfig = errors.New("invalid database configuration")
)
