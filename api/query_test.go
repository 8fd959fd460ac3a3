package api_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/aquila-go/aquila/api"
)

func TestLimitAndAfterID(t *testing.T) {
	for _, tc := range []struct {
		query string
		limit int32
		after int64
		field string // the parameter a 400 names, "" when valid
	}{
		{"", api.DefaultLimit, 0, ""},
		{"limit=1&after=0", 1, 0, ""},
		{"limit=500&after=9223372036854775807", api.MaxLimit, 9223372036854775807, ""},
		{"limit=0", 0, 0, "limit"},
		{"limit=501", 0, 0, "limit"},
		{"limit=ten", 0, 0, "limit"},
		{"after=-1", 50, 0, "after"},
		{"after=9223372036854775808", 50, 0, "after"},
		{"after=abc", 50, 0, "after"},
	} {
		v, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		limit, lerr := api.Limit(v)
		after, aerr := api.AfterID(v)
		err = errors.Join(lerr, aerr)
		if tc.field == "" {
			if err != nil || limit != tc.limit || after != tc.after {
				t.Errorf("%q: limit %d, after %d, %v; want %d, %d", tc.query, limit, after, err, tc.limit, tc.after)
			}
			continue
		}
		var e *api.Error
		if !errors.As(err, &e) || e.Code != api.CodeInvalid || e.Field != tc.field {
			t.Errorf("%q: %v, want a 400 naming %s", tc.query, err, tc.field)
		}
	}
}
