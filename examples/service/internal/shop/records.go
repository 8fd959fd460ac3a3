package shop

import (
	"errors"
	"strconv"

	"github.com/aquila-go/aquila/api"
)

// recordError is an error about one record of a bulk request.
type recordError struct {
	index int64
	err   error
}

func (e *recordError) Error() string {
	return "record " + strconv.FormatInt(e.index, 10) + ": " + e.err.Error()
}

func (e *recordError) Unwrap() error { return e.err }

// apiError is the *api.Error a client sees: the field is records[i] or
// records[i].field.
func (e *recordError) apiError() error {
	field := "records[" + strconv.FormatInt(e.index, 10) + "]"
	var ae *api.Error
	if !errors.As(api.DBError(e.err, "record"), &ae) {
		return e // not the client's fault: a 500
	}
	if ae.Field != "" {
		field += "." + ae.Field
	}
	return &api.Error{Code: ae.Code, Field: field, Message: ae.Message, Err: e}
}
