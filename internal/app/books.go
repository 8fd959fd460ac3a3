package app

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/aquila-go/aquila/internal/db"
)

// BookService is the request-scoped domain service for books.
type BookService struct {
	q   *db.Queries
	log *slog.Logger
}

// NewBookService is the BookService provider.
func NewBookService(q *db.Queries, log *slog.Logger) *BookService {
	return &BookService{q: q, log: log}
}

// BookInput is the body of POST /books.
type BookInput struct {
	AuthorID    int64           `json:"author_id"`
	ISBN        string          `json:"isbn"`
	Title       string          `json:"title"`
	PublishedOn Date            `json:"published_on"`
	PriceCents  int32           `json:"price_cents"`
	Pages       int32           `json:"pages"`
	Attributes  json.RawMessage `json:"attributes,omitempty"`
}

// Validate checks what the client can fix before anything reaches the
// database; the database's constraints remain the final word.
func (in *BookInput) Validate() error {
	switch {
	case in.AuthorID <= 0:
		return Errorf(CodeInvalid, "author_id", "must be a positive id")
	case !validISBN(in.ISBN):
		return Errorf(CodeInvalid, "isbn", "must be 13 digits")
	case in.Title == "" || len(in.Title) > 500:
		return Errorf(CodeInvalid, "title", "must be 1 to 500 characters")
	case in.PublishedOn.IsZero():
		return Errorf(CodeInvalid, "published_on", "is required (YYYY-MM-DD)")
	case in.PriceCents < 0:
		return Errorf(CodeInvalid, "price_cents", "must not be negative")
	case in.Pages <= 0:
		return Errorf(CodeInvalid, "pages", "must be positive")
	case len(in.Attributes) > 0 && !isJSONObject(in.Attributes):
		return Errorf(CodeInvalid, "attributes", "must be a JSON object")
	}
	return nil
}

func validISBN(s string) bool {
	if len(s) != 13 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isJSONObject(raw json.RawMessage) bool {
	for _, c := range raw {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		}
		return false
	}
	return false
}

// Get returns one book.
func (s *BookService) Get(ctx context.Context, id int64) (db.Book, error) {
	b, err := s.q.GetBook(ctx, id)
	return b, dbError(err, "book")
}

// Create validates in and inserts it.
func (s *BookService) Create(ctx context.Context, in BookInput) (db.Book, error) {
	if err := in.Validate(); err != nil {
		return db.Book{}, err
	}
	var attrs json.RawMessage
	if len(in.Attributes) > 0 && string(in.Attributes) != "null" {
		attrs = in.Attributes
	}
	b, err := s.q.CreateBook(ctx, db.CreateBookParams{
		AuthorID:    in.AuthorID,
		Isbn:        in.ISBN,
		Title:       in.Title,
		PublishedOn: time.Time(in.PublishedOn),
		PriceCents:  in.PriceCents,
		Pages:       in.Pages,
		Attributes:  attrs,
	})
	if err != nil {
		return db.Book{}, dbError(err, "book")
	}
	s.log.Debug("book created", "id", b.ID)
	return b, nil
}

// Date is a calendar date in JSON as "YYYY-MM-DD".
type Date time.Time

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return time.Time(d).IsZero() }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) {
	return []byte(`"` + time.Time(d).Format(time.DateOnly) + `"`), nil
}

// UnmarshalJSON reads "YYYY-MM-DD".
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return err
	}
	*d = Date(t)
	return nil
}
