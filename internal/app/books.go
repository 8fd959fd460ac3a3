package app

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/query"
)

// BookService is the request-scoped domain service for books.
type BookService struct {
	q    db.RoutedQueries
	dbx  db.DBTX
	bulk model.DBTX
	cat  *catalog.Catalog
	log  RequestLog
}

// NewBookService is the BookService provider.
func NewBookService(q db.RoutedQueries, dbx db.DBTX, bulk model.DBTX, cat *catalog.Catalog, log RequestLog) BookService {
	return BookService{q: q, dbx: dbx, bulk: bulk, cat: cat, log: log}
}

// BookInput is the body of POST /books and one record of POST /books:bulk.
type BookInput struct {
	AuthorID    int64           `json:"author_id"`
	ISBN        string          `json:"isbn"`
	Title       string          `json:"title"`
	PublishedOn api.Date        `json:"published_on"`
	PriceCents  int32           `json:"price_cents"`
	Pages       int32           `json:"pages"`
	Attributes  json.RawMessage `json:"attributes,omitempty"`
}

// Validate checks what the client can fix before anything reaches the
// database; the database's constraints remain the final word.
func (in *BookInput) Validate() error {
	switch {
	case in.AuthorID <= 0:
		return api.Errorf(api.CodeInvalid, "author_id", "must be a positive id")
	case !validISBN(in.ISBN):
		return api.Errorf(api.CodeInvalid, "isbn", "must be 13 digits")
	case !validTitle(in.Title):
		return api.Errorf(api.CodeInvalid, "title", "must be 1 to 500 characters")
	case in.PublishedOn.IsZero():
		return api.Errorf(api.CodeInvalid, "published_on", "is required (YYYY-MM-DD)")
	case in.PriceCents < 0:
		return api.Errorf(api.CodeInvalid, "price_cents", "must not be negative")
	case in.Pages <= 0:
		return api.Errorf(api.CodeInvalid, "pages", "must be positive")
	case len(in.Attributes) > 0 && string(in.Attributes) != "null" && !isJSONObject(in.Attributes):
		return api.Errorf(api.CodeInvalid, "attributes", "must be a JSON object")
	}
	return nil
}

// row converts validated input to the sqlc row type.
func (in *BookInput) row() db.Book {
	var attrs json.RawMessage
	if len(in.Attributes) > 0 && string(in.Attributes) != "null" {
		attrs = in.Attributes
	}
	return db.Book{
		AuthorID: in.AuthorID, Isbn: in.ISBN, Title: in.Title,
		PublishedOn: time.Time(in.PublishedOn), PriceCents: in.PriceCents,
		Pages: in.Pages, Attributes: attrs,
	}
}

// BookPatch is the body of PATCH /books/{id}: absent fields are kept;
// attributes may be set to null.
type BookPatch struct {
	AuthorID    api.Optional[int64]           `json:"author_id,omitzero"`
	ISBN        api.Optional[string]          `json:"isbn,omitzero"`
	Title       api.Optional[string]          `json:"title,omitzero"`
	PublishedOn api.Optional[api.Date]        `json:"published_on,omitzero"`
	PriceCents  api.Optional[int32]           `json:"price_cents,omitzero"`
	Pages       api.Optional[int32]           `json:"pages,omitzero"`
	Attributes  api.Optional[json.RawMessage] `json:"attributes,omitzero"`
}

// Validate checks the patch: a non-null column cannot be set to null.
func (p *BookPatch) Validate() error {
	for _, f := range []struct {
		name      string
		set, null bool
	}{
		{"author_id", p.AuthorID.Set, p.AuthorID.Null},
		{"isbn", p.ISBN.Set, p.ISBN.Null},
		{"title", p.Title.Set, p.Title.Null},
		{"published_on", p.PublishedOn.Set, p.PublishedOn.Null},
		{"price_cents", p.PriceCents.Set, p.PriceCents.Null},
		{"pages", p.Pages.Set, p.Pages.Null},
	} {
		if f.set && f.null {
			return api.Errorf(api.CodeInvalid, f.name, "cannot be null")
		}
	}
	switch {
	case p.AuthorID.Set && p.AuthorID.Value <= 0:
		return api.Errorf(api.CodeInvalid, "author_id", "must be a positive id")
	case p.ISBN.Set && !validISBN(p.ISBN.Value):
		return api.Errorf(api.CodeInvalid, "isbn", "must be 13 digits")
	case p.Title.Set && !validTitle(p.Title.Value):
		return api.Errorf(api.CodeInvalid, "title", "must be 1 to 500 characters")
	case p.PriceCents.Set && p.PriceCents.Value < 0:
		return api.Errorf(api.CodeInvalid, "price_cents", "must not be negative")
	case p.Pages.Set && p.Pages.Value <= 0:
		return api.Errorf(api.CodeInvalid, "pages", "must be positive")
	case p.Attributes.Set && !p.Attributes.Null && !isJSONObject(p.Attributes.Value):
		return api.Errorf(api.CodeInvalid, "attributes", "must be a JSON object")
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

func validTitle(s string) bool {
	n := utf8.RuneCountInString(s)
	return n >= 1 && n <= 500
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
	return b, api.DBError(err, "book")
}

// Create validates in and inserts it.
func (s *BookService) Create(ctx context.Context, in BookInput) (db.Book, error) {
	if err := in.Validate(); err != nil {
		return db.Book{}, err
	}
	r := in.row()
	b, err := s.q.CreateBook(ctx, db.CreateBookParams{
		AuthorID: r.AuthorID, Isbn: r.Isbn, Title: r.Title, PublishedOn: r.PublishedOn,
		PriceCents: r.PriceCents, Pages: r.Pages, Attributes: r.Attributes,
	})
	if err != nil {
		return db.Book{}, api.DBError(err, "book")
	}
	s.log.Debug("book created", "id", b.ID)
	return b, nil
}

// Update applies a PATCH.
func (s *BookService) Update(ctx context.Context, id int64, p BookPatch) (db.Book, error) {
	if err := p.Validate(); err != nil {
		return db.Book{}, err
	}
	var published *time.Time
	if d := p.PublishedOn.Ptr(); d != nil {
		t := time.Time(*d)
		published = &t
	}
	var attrs json.RawMessage
	if a := p.Attributes.Ptr(); a != nil {
		attrs = *a
	}
	b, err := s.q.UpdateBook(ctx, db.UpdateBookParams{
		ID:       id,
		AuthorID: p.AuthorID.Ptr(), Isbn: p.ISBN.Ptr(), Title: p.Title.Ptr(),
		PublishedOn: published, PriceCents: p.PriceCents.Ptr(), Pages: p.Pages.Ptr(),
		SetAttributes: p.Attributes.Set, Attributes: attrs,
	})
	return b, api.DBError(err, "book")
}

// Delete removes a book (its tag links go with it).
func (s *BookService) Delete(ctx context.Context, id int64) error {
	n, err := s.q.DeleteBook(ctx, id)
	if err != nil {
		return api.DBError(err, "book")
	}
	if n == 0 {
		return api.Errorf(api.CodeNotFound, "", "book not found")
	}
	return nil
}

// Tags returns a book's tags; the book lookup and the tag list travel in one
// round trip (a pgx.Batch), so a missing book is a 404, not an empty list.
func (s *BookService) Tags(ctx context.Context, id int64) ([]db.Tag, error) {
	var b pgx.Batch
	var found bool
	b.Queue(db.GetBook, id).QueryRow(func(row pgx.Row) error {
		var bk db.Book
		err := scanBook(row, &bk)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	var tags []db.Tag
	b.Queue(db.ListBookTags, id).Query(func(rows pgx.Rows) error {
		var err error
		tags, err = collectTags(rows)
		return err
	})
	if err := s.dbx.SendBatch(ctx, &b).Close(); err != nil {
		return nil, api.DBError(err, "book")
	}
	if !found {
		return nil, api.Errorf(api.CodeNotFound, "", "book not found")
	}
	return tags, nil
}

// AttachTag links a tag to a book; attaching twice is not an error.
func (s *BookService) AttachTag(ctx context.Context, bookID, tagID int64) error {
	_, err := s.q.AttachTag(ctx, bookID, tagID)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23503" {
		switch pe.ConstraintName {
		case "book_tags_book_id_fkey":
			return &api.Error{Code: api.CodeNotFound, Message: "book not found", Err: err}
		case "book_tags_tag_id_fkey":
			return &api.Error{Code: api.CodeNotFound, Message: "tag not found", Err: err}
		}
	}
	return api.DBError(err, "tag")
}

// DetachTag unlinks a tag from a book.
func (s *BookService) DetachTag(ctx context.Context, bookID, tagID int64) error {
	n, err := s.q.DetachTag(ctx, bookID, tagID)
	if err != nil {
		return api.DBError(err, "tag")
	}
	if n == 0 {
		return api.Errorf(api.CodeNotFound, "", "tag is not attached to this book")
	}
	return nil
}

// BulkCreate streams records into COPY through model.BulkCreateSeq: every
// record is validated as it arrives, and the first bad record (or a
// constraint violation) aborts the whole operation with nothing written.
// The error names the record (0-based index).
func (s *BookService) BulkCreate(ctx context.Context, records iter.Seq2[BookInput, error]) (int64, error) {
	var index int64 = -1
	// A foreign-key violation is reported at the end of COPY, without a
	// line number; remember where each author id first appeared (bounded by
	// the number of distinct authors) to name the record.
	authorAt := map[int64]int64{}
	rows := func(yield func(db.Book, error) bool) {
		for in, err := range records {
			index++
			if err == nil {
				err = in.Validate()
			}
			if err != nil {
				yield(db.Book{}, api.RecordError(index, err, "book"))
				return
			}
			if _, seen := authorAt[in.AuthorID]; !seen {
				authorAt[in.AuthorID] = index
			}
			if !yield(in.row(), nil) {
				return
			}
		}
	}
	// s.bulk is the session's writer: the write empties the read scope.
	n, err := model.BulkCreateSeq(ctx, s.bulk, s.cat.Books, rows)
	if err != nil {
		var rowErr *model.RowError
		if errors.As(err, &rowErr) {
			return 0, api.RecordError(rowErr.Row, rowErr.Err, "book")
		}
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.ConstraintName == "books_author_id_fkey" {
			if i, ok := authorAt[keyValue(pe.Detail)]; ok {
				return 0, api.RecordError(i, err, "book")
			}
		}
		return 0, api.DBError(err, "book")
	}
	s.log.Info("books bulk-created", "rows", n)
	return n, nil
}

// keyValue parses the integer N of a violation detail
// `Key (column)=(N) is not present in table "t".`; 0 when there is none.
func keyValue(detail string) int64 {
	_, rest, ok := strings.Cut(detail, ")=(")
	if !ok {
		return 0
	}
	v, _, _ := strings.Cut(rest, ")")
	n, _ := strconv.ParseInt(v, 10, 64)
	return n
}

// scanBook scans the columns of `SELECT * FROM books` (sqlc's order).
func scanBook(row pgx.Row, b *db.Book) error {
	return row.Scan(&b.ID, &b.AuthorID, &b.Isbn, &b.Title, &b.PublishedOn,
		&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
}

func collectBooks(rows pgx.Rows) ([]db.Book, error) {
	defer rows.Close()
	books := []db.Book{}
	for rows.Next() {
		var b db.Book
		if err := scanBook(rows, &b); err != nil {
			return nil, err
		}
		books = append(books, b)
	}
	return books, rows.Err()
}

// Page runs a parsed list query as one keyset page, on the request's read
// scope (so it is cached and routed like sqlc reads).
func (s *BookService) Page(ctx context.Context, q *query.Query[db.Book]) (query.Page[db.Book], error) {
	p, err := q.Page(ctx, s.dbx)
	if err != nil {
		var ce *query.Error
		if errors.As(err, &ce) && errors.Is(err, query.ErrCursor) {
			return p, &api.Error{Code: api.CodeInvalid, Field: "after", Message: "must be a cursor from a previous page", Err: err}
		}
		return p, api.DBError(err, "book")
	}
	return p, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
