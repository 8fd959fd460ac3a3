package api

import (
	"errors"
	"strconv"
)

// RecordError names record index (0-based) of a bulk request in err, an
// error about that record: a decoding or validation *Error, a database
// error (classified by DBError, what naming the resource), or a
// *model.RowError's cause. When the client can fix it (invalid,
// conflict, unprocessable, not found) the result is an *Error with the
// same code and message whose field is records[i], or records[i].field
// when err names a field; any other error (unavailable, timeout, a 500)
// is returned as DBError returns it, since no record is to blame.
//
//	for in, err := range api.Records[BookInput](body, ndjson) {
//		i++
//		if err == nil {
//			err = in.Validate()
//		}
//		if err != nil {
//			return api.RecordError(i, err, "book")
//		}
//		...
//	}
func RecordError(index int64, err error, what string) error {
	err = DBError(err, what)
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code {
	case CodeInvalid, CodeConflict, CodeUnprocessable, CodeNotFound:
	default:
		return err
	}
	field := "records[" + strconv.FormatInt(index, 10) + "]"
	if e.Field != "" {
		field += "." + e.Field
	}
	return &Error{Code: e.Code, Field: field, Message: e.Message, Err: err}
}
