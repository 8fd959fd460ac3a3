package sqltext

import "testing"

func TestHeader(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		sql, name, cmd string
		ok             bool
	}{
		{"-- name: GetBook :one\nSELECT 1", "GetBook", ":one", true},
		{"\n  -- name: AttachTags :batchexec\nINSERT INTO t VALUES ($1)", "AttachTags", ":batchexec", true},
		{"-- name:  Spaced   :many  \nSELECT 1", "Spaced", ":many", true},
		{"-- name: NoCommand\nSELECT 1", "", "", false},
		{"-- name: Bad one\nSELECT 1", "", "", false},
		{"-- name: :one\nSELECT 1", "", "", false},
		{"SELECT 1 -- name: X :one", "", "", false},
		{"", "", "", false},
	} {
		name, cmd, ok := Header(tc.sql)
		if name != tc.name || cmd != tc.cmd || ok != tc.ok {
			t.Errorf("Header(%q) = %q, %q, %v; want %q, %q, %v", tc.sql, name, cmd, ok, tc.name, tc.cmd, tc.ok)
		}
	}
}
