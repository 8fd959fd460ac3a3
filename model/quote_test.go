package model

import "testing"

func TestQuoteIdent(t *testing.T) {
	for in, want := range map[string]string{
		"books":      `"books"`,
		"select":     `"select"`,
		"Mixed Case": `"Mixed Case"`,
		`a"b`:        `"a""b"`,
		`""`:         `""""""`,
		"":           `""`,
	} {
		if got := quoteIdent(in); got != want {
			t.Errorf("quoteIdent(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestLiteral(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want string
	}{
		{"it's", `'it''s'`},
		{`a\b`, `E'a\\b'`},
		{`'\`, `E'''\\'`},
		{true, "true"},
		{int8(-3), "-3"},
		{uint64(18446744073709551615), "18446744073709551615"},
		{1.25, "1.25"},
		{float32(0.1), "0.1"},
	} {
		got, err := literal(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("literal(%#v) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []any{"a\x00b", nil, []byte("x"), struct{}{}} {
		if _, err := literal(bad); err == nil {
			t.Errorf("literal(%#v) succeeded", bad)
		}
	}
}
