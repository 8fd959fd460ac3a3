package query

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"testing"
	"time"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
)

// These tests reach the cursor codec directly: a real cursor needs a row,
// which the external tests get from PostgreSQL (exec_test.go).

func cursorKey() []byte { return []byte("test-cursor-key-0123456789abcdef!") }

func cursorBooks(t testing.TB, keys ...[]byte) *Table[db.Book] {
	t.Helper()
	cat, err := library.New()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) == 0 {
		keys = [][]byte{cursorKey()}
	}
	s, err := NewSchema(cat.Registry, SchemaConfig{CursorKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	books, err := NewTable(s, TableConfig[db.Book]{
		Table: "books",
		Fields: func(b *db.Book, dst []any) []any {
			return append(dst, &b.ID, &b.AuthorID, &b.Isbn, &b.Title, &b.PublishedOn,
				&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
		},
		Key: []string{"id"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return books
}

// testCursor is the cursor of row b for the order -published_on, title, id.
func testCursor(t testing.TB, books *Table[db.Book], b *db.Book) (string, *Query[db.Book], []orderItem) {
	t.Helper()
	q := books.Select().OrderBy(Desc("published_on"), Asc("title"))
	ord, err := q.resolveOrder(nil)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := q.encodeCursor(ord, books.fields(b, nil))
	if err != nil {
		t.Fatal(err)
	}
	return tok, q, ord
}

func sampleBook() *db.Book {
	return &db.Book{ID: 42, Title: "it's a \"title\" 50%", PublishedOn: time.Date(1969, 7, 20, 0, 0, 0, 0, time.UTC)}
}

func TestCursorRoundTrip(t *testing.T) {
	t.Parallel()
	books := cursorBooks(t)
	b := sampleBook()
	tok, _, ord := testCursor(t, books, b)
	vals, err := decodeCursor(books.s.keys, tok, books.m, ord)
	if err != nil {
		t.Fatal(err)
	}
	if len(vals) != 3 || !vals[0].(time.Time).Equal(b.PublishedOn) || vals[1] != b.Title || vals[2] != int64(42) {
		t.Fatalf("decoded %#v", vals)
	}
	// The query built with it uses a mixed-direction keyset condition.
	q := books.Select().OrderBy(Desc("published_on"), Asc("title")).After(tok).Limit(10)
	sql, args, err := q.SQL()
	if err != nil {
		t.Fatal(err)
	}
	const want = `SELECT "id", "author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes", "created_at", "updated_at" FROM "books"` +
		` WHERE ("published_on" < $1 OR ("published_on" = $1 AND "title" > $2) OR ("published_on" = $1 AND "title" = $2 AND "id" > $3))` +
		` ORDER BY "published_on" DESC, "title", "id" LIMIT $4`
	if sql != want || len(args) != 4 {
		t.Fatalf("keyset SQL:\n got %s\nwant %s\nargs %v", sql, want, args)
	}
	// Uniform direction: a row comparison.
	q2 := books.Select().OrderBy(Desc("published_on"))
	ord2, _ := q2.resolveOrder(nil)
	tok2, err := q2.encodeCursor(ord2, books.fields(b, nil))
	if err != nil {
		t.Fatal(err)
	}
	sql, _, err = q2.After(tok2).SQL()
	if err != nil {
		t.Fatal(err)
	}
	if want := ` WHERE ("published_on", "id") < ($1, $2) ORDER BY "published_on" DESC, "id" DESC`; !endsWith(sql, want) {
		t.Fatalf("uniform keyset SQL %s", sql)
	}
}

func endsWith(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}

func TestCursorRejectsTampering(t *testing.T) {
	t.Parallel()
	books := cursorBooks(t)
	tok, _, ord := testCursor(t, books, sampleBook())
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what, tok string) {
		t.Helper()
		_, err := decodeCursor(books.s.keys, tok, books.m, ord)
		var qe *Error
		if !errors.Is(err, ErrCursor) || !errors.As(err, &qe) {
			t.Fatalf("%s: err = %v, want ErrCursor", what, err)
		}
	}
	for i := range raw {
		for bit := range 8 {
			m := append([]byte(nil), raw...)
			m[i] ^= 1 << bit
			check("flipped bit", base64.RawURLEncoding.EncodeToString(m))
		}
	}
	for n := range len(raw) {
		check("truncated", base64.RawURLEncoding.EncodeToString(raw[:n]))
	}
	check("extended", base64.RawURLEncoding.EncodeToString(append(append([]byte(nil), raw...), 0)))
	check("padded base64", base64.URLEncoding.EncodeToString(raw))
	check("standard base64", base64.StdEncoding.EncodeToString(raw)+"+/")
	check("too long", tok+string(make([]byte, maxCursorLen)))

	// Another key, another order, another table.
	other := cursorBooks(t, []byte("another-cursor-key-0123456789abcdef"))
	if _, err := decodeCursor(other.s.keys, tok, other.m, ord); !errors.Is(err, ErrCursor) {
		t.Fatalf("other key: %v", err)
	}
	q := books.Select().OrderBy(Asc("published_on"), Asc("title"))
	ordAsc, _ := q.resolveOrder(nil)
	if _, err := decodeCursor(books.s.keys, tok, books.m, ordAsc); !errors.Is(err, ErrCursor) {
		t.Fatalf("other order: %v", err)
	}
	tags := books.s.byName["tags"]
	if _, err := decodeCursor(books.s.keys, tok, tags, []orderItem{{col: 0}}); !errors.Is(err, ErrCursor) {
		t.Fatalf("other table: %v", err)
	}
}

func TestCursorKeyRotation(t *testing.T) {
	t.Parallel()
	old := cursorBooks(t)
	tok, _, ord := testCursor(t, old, sampleBook())
	newKey := []byte("the-new-cursor-key-0123456789abcdef")
	rotated := cursorBooks(t, newKey, cursorKey())
	if _, err := decodeCursor(rotated.s.keys, tok, rotated.m, ord); err != nil {
		t.Fatalf("old cursor under rotated keys: %v", err)
	}
	tokNew, _, _ := testCursor(t, rotated, sampleBook())
	if _, err := decodeCursor(old.s.keys, tokNew, old.m, ord); !errors.Is(err, ErrCursor) {
		t.Fatal("a cursor signed with the new key verified under the old key alone")
	}
	retired := cursorBooks(t, newKey)
	if _, err := decodeCursor(retired.s.keys, tok, retired.m, ord); !errors.Is(err, ErrCursor) {
		t.Fatal("a cursor signed with a retired key still verified")
	}
}

// FuzzCursor feeds arbitrary tokens to the decoder: it must never panic,
// and every rejection must be ErrCursor inside an *Error. The fuzzer cannot
// get past the MAC, so the same input is also given, as raw bytes, to the
// parser of verified cursor bodies (with the fingerprint of the order
// patched in when the input is long enough, to reach the values).
func FuzzCursor(f *testing.F) {
	books := cursorBooks(f)
	tok, _, ord := testCursor(f, books, sampleBook())
	f.Add(tok)
	fp := fingerprint(books.m, ord)
	f.Fuzz(func(t *testing.T, token string) {
		body := []byte(token)
		if len(body) >= 9 {
			body[0] = cursorVersion
			binary.BigEndian.PutUint64(body[1:9], fp)
		}
		if vals, ok := parseCursorBody(body, books.m, ord); ok {
			if len(vals) != len(ord) {
				t.Fatalf("parsed %d values for %d order items", len(vals), len(ord))
			}
			if _, ok := vals[0].(time.Time); !ok {
				t.Fatalf("published_on decoded as %T", vals[0])
			}
		}

		vals, err := decodeCursor(books.s.keys, token, books.m, ord)
		if err != nil {
			var qe *Error
			if !errors.As(err, &qe) || !errors.Is(err, ErrCursor) {
				t.Fatalf("untyped rejection %v", err)
			}
			return
		}
		if len(vals) != len(ord) {
			t.Fatalf("decoded %d values for %d order items", len(vals), len(ord))
		}
		// Only a token carrying our MAC decodes; the fuzzer cannot forge one,
		// so an accepted token must be the seed itself.
		if token != tok {
			t.Fatalf("forged cursor accepted: %q", token)
		}
	})
}
