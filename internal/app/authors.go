package app

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/internal/db"
)

// AuthorService is the request-scoped domain service for authors. It is a
// value held in the Request, like the other services.
type AuthorService struct {
	q   db.RoutedQueries
	dbx db.DBTX
	log RequestLog
}

// NewAuthorService is the AuthorService provider.
func NewAuthorService(q db.RoutedQueries, dbx db.DBTX, log RequestLog) AuthorService {
	return AuthorService{q: q, dbx: dbx, log: log}
}

// AuthorInput is the body of POST /authors.
type AuthorInput struct {
	Name  string  `json:"name"`
	Email *string `json:"email,omitempty"`
	Bio   *string `json:"bio,omitempty"`
}

// Validate checks the input before it reaches the database.
func (in *AuthorInput) Validate() error {
	if err := validName(in.Name); err != nil {
		return err
	}
	if in.Email != nil && !validEmail(*in.Email) {
		return api.Errorf(api.CodeInvalid, "email", "must look like name@host")
	}
	return nil
}

// AuthorPatch is the body of PATCH /authors/{id}: absent fields are kept,
// email and bio may be set to null.
type AuthorPatch struct {
	Name  api.Optional[string] `json:"name,omitzero"`
	Email api.Optional[string] `json:"email,omitzero"`
	Bio   api.Optional[string] `json:"bio,omitzero"`
}

// Validate checks the patch.
func (p *AuthorPatch) Validate() error {
	if p.Name.Set {
		if p.Name.Null {
			return api.Errorf(api.CodeInvalid, "name", "cannot be null")
		}
		if err := validName(p.Name.Value); err != nil {
			return err
		}
	}
	if p.Email.Set && !p.Email.Null && !validEmail(p.Email.Value) {
		return api.Errorf(api.CodeInvalid, "email", "must look like name@host")
	}
	return nil
}

func validName(s string) error {
	if n := utf8.RuneCountInString(s); n < 1 || n > 200 {
		return api.Errorf(api.CodeInvalid, "name", "must be 1 to 200 characters")
	}
	return nil
}

func validEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && len(s) <= 320
}

// Get returns one author.
func (s *AuthorService) Get(ctx context.Context, id int64) (db.Author, error) {
	a, err := s.q.GetAuthor(ctx, id)
	return a, api.DBError(err, "author")
}

// Create validates in and inserts it.
func (s *AuthorService) Create(ctx context.Context, in AuthorInput) (db.Author, error) {
	if err := in.Validate(); err != nil {
		return db.Author{}, err
	}
	a, err := s.q.CreateAuthor(ctx, db.CreateAuthorParams{Name: in.Name, Email: in.Email, Bio: in.Bio})
	if err != nil {
		return db.Author{}, api.DBError(err, "author")
	}
	s.log.Debug("author created", "id", a.ID)
	return a, nil
}

// Update applies a PATCH.
func (s *AuthorService) Update(ctx context.Context, id int64, p AuthorPatch) (db.Author, error) {
	if err := p.Validate(); err != nil {
		return db.Author{}, err
	}
	a, err := s.q.UpdateAuthor(ctx, db.UpdateAuthorParams{
		ID:       id,
		Name:     p.Name.Ptr(),
		SetEmail: p.Email.Set, Email: p.Email.Ptr(),
		SetBio: p.Bio.Set, Bio: p.Bio.Ptr(),
	})
	return a, api.DBError(err, "author")
}

// Delete removes an author that has no books.
func (s *AuthorService) Delete(ctx context.Context, id int64) error {
	n, err := s.q.DeleteAuthor(ctx, id)
	if err != nil {
		return api.DBError(err, "author")
	}
	if n == 0 {
		return api.Errorf(api.CodeNotFound, "", "author not found")
	}
	return nil
}

// List returns up to limit authors with id > after.
func (s *AuthorService) List(ctx context.Context, after int64, limit int32) ([]db.Author, error) {
	as, err := s.q.ListAuthors(ctx, after, limit)
	return as, api.DBError(err, "author")
}

// Books returns the author and a page of their books in one round trip
// (a pgx.Batch): a missing author is a 404, not an empty list.
func (s *AuthorService) Books(ctx context.Context, id, after int64, limit int32) ([]db.Book, error) {
	var b pgx.Batch
	var found bool
	b.Queue(db.GetAuthor, id).QueryRow(func(row pgx.Row) error {
		var a db.Author
		err := row.Scan(&a.ID, &a.Name, &a.Email, &a.Bio, &a.CreatedAt, &a.UpdatedAt)
		if err == pgx.ErrNoRows {
			return nil
		}
		found = err == nil
		return err
	})
	var books []db.Book
	b.Queue(db.ListBooksByAuthor, id, after, limit).Query(func(rows pgx.Rows) error {
		var err error
		books, err = collectBooks(rows)
		return err
	})
	if err := s.dbx.SendBatch(ctx, &b).Close(); err != nil {
		return nil, api.DBError(err, "author")
	}
	if !found {
		return nil, api.Errorf(api.CodeNotFound, "", "author not found")
	}
	return books, nil
}
