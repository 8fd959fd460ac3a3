package api

import (
	"net/http"
	"net/url"
)

// CheckParams is ValidateParams.
//
// Deprecated: use ValidateParams.
func CheckParams(r *http.Request, allowed ...string) (url.Values, error) {
	return ValidateParams(r, allowed...)
}

// CheckMediaType is ValidateMediaType.
//
// Deprecated: use ValidateMediaType.
func CheckMediaType(r *http.Request, types ...string) (string, error) {
	return ValidateMediaType(r, types...)
}
