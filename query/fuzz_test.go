package query_test

import (
	"errors"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/query"
)

// FuzzParse feeds arbitrary URL query strings to the books endpoint. It
// must never panic; every rejection must be a *ParamError; every accepted
// request must build, and its SQL may contain nothing but the fixed
// vocabulary of the builder: quoted identifiers from the metadata,
// keywords, operators and $n placeholders — no string literal, comment or
// statement separator, whatever the input.
func FuzzParse(f *testing.F) {
	c := newFixture(f)
	seeds := []string{
		"", "author_id=3&published_after=2020-01-01&tag=go&order=-published_on&limit=50",
		"title=50%25_off&order=title,-price_cents", "author_id[in]=1,2,3", "price_cents[between]=1,2",
		"attributes[null]=false", "after=AQAAAAAAAAAA", "order=-", "limit=0", "x[y]=z",
		"title='; DROP TABLE books; --", "tag=%00", "author_id[=1", "published_before=2020-13-01",
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // net/http's URL.Query ignores errors too
		q, err := c.endpoint.Parse(v)
		if err != nil {
			var pe *query.ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("rejection is not a *ParamError: %T %v", err, err)
			}
			if pe.Err == nil || pe.Error() == "" {
				t.Fatal("empty ParamError")
			}
			return
		}
		sql, args, err := q.SQL()
		if err != nil {
			t.Fatalf("accepted request does not build: %v", err)
		}
		checkSQLVocabulary(t, sql, args)
	})
}

// checkSQLVocabulary fails unless sql is made only of the builder's own
// vocabulary and its placeholders number exactly the arguments.
func checkSQLVocabulary(t *testing.T, sql string, args []any) {
	t.Helper()
	if strings.ContainsAny(sql, "';\\") || strings.Contains(sql, "--") || strings.Contains(sql, "/*") {
		t.Fatalf("SQL holds a literal, comment or separator: %s", sql)
	}
	rest := quotedIdent().ReplaceAllString(sql, "")
	rest = placeholderRe().ReplaceAllString(rest, "")
	for _, w := range strings.FieldsFunc(rest, func(r rune) bool { return strings.ContainsRune(" (),=<>*", r) }) {
		if !sqlWords()[w] {
			t.Fatalf("unexpected word %q in %s", w, sql)
		}
	}
	max := 0
	for _, m := range placeholderRe().FindAllString(sql, -1) {
		n, _ := strconv.Atoi(m[1:])
		max = maxInt(max, n)
	}
	if max != len(args) {
		t.Fatalf("placeholders up to $%d, %d arguments: %s", max, len(args), sql)
	}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func quotedIdent() *regexp.Regexp   { return regexp.MustCompile(`"[a-z_]+"`) }
func placeholderRe() *regexp.Regexp { return regexp.MustCompile(`\$[0-9]+`) }

func sqlWords() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`SELECT FROM WHERE AND OR NOT IN ANY ALL IS NULL LIKE ILIKE BETWEEN
		ORDER BY DESC NULLS FIRST LAST LIMIT OFFSET TRUE FALSE count EXISTS 1`) {
		m[w] = true
	}
	return m
}
