package api

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/aquila-go/aquila/query"
)

// QueryValues parses r's query string strictly. r.URL.Query() silently
// drops malformed pairs (e.g. ones containing ';'), which would turn a
// filter the client asked for into no filter at all; here they are a 400.
// Every name and value must be valid UTF-8 without U+0000 (ValidateText),
// after percent-decoding.
func QueryValues(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Message: "malformed query string", Err: err}
	}
	for k, vs := range v {
		if problem := textProblem(k); problem != "" {
			return nil, &Error{Code: CodeInvalid, Message: "query parameter name " + problem}
		}
		for _, s := range vs {
			if err := ValidateText(k, s); err != nil {
				return nil, err
			}
		}
	}
	return v, nil
}

// ValidateParams parses r's query string as QueryValues does and rejects
// parameters outside allowed (query.ValidateNames: the first unknown one is
// named, with the nearest allowed name and the list of them).
func ValidateParams(r *http.Request, allowed ...string) (url.Values, error) {
	v, err := QueryValues(r)
	if err != nil {
		return nil, err
	}
	if err := query.ValidateNames(v, allowed...); err != nil {
		return nil, ParamError(err)
	}
	return v, nil
}

// ParamError turns a *query.ParamError (from query.Endpoint.Parse or
// query.ValidateNames) into a 400 naming the parameter, with its suggestion
// and what is allowed in the message and as data (Error.Allowed,
// Error.Suggest); other errors are returned unchanged.
func ParamError(err error) error {
	var pe *query.ParamError
	if errors.As(err, &pe) {
		return &Error{Code: CodeInvalid, Field: pe.Param, Message: pe.Message(),
			Allowed: pe.Allowed, Suggest: pe.Suggest, Err: err}
	}
	return err
}

// PathID parses the path value name as a positive int64.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, Errorf(CodeInvalid, name, "must be a positive integer")
	}
	return id, nil
}

// The page size of a keyset list (the query parameter limit).
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Limit parses the query parameter limit of a list: DefaultLimit when it
// is absent, otherwise an integer from 1 to MaxLimit, or a 400 naming
// limit.
func Limit(v url.Values) (int32, error) {
	s := v.Get("limit")
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, Errorf(CodeInvalid, "limit", "must be an integer from 1 to %d", MaxLimit)
	}
	return int32(n), nil
}

// AfterID parses the query parameter after of a list keyed by an integer
// id (the cursor of the next page is the id of the last row): 0, the start,
// when it is absent, otherwise a non-negative integer, or a 400 naming
// after.
func AfterID(v url.Values) (int64, error) {
	s := v.Get("after")
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, Errorf(CodeInvalid, "after", "must be a cursor from a previous page")
	}
	return n, nil
}
