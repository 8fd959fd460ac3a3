package app

import (
	"context"
	"log/slog"
	"strings"
	"unicode/utf8"

	"github.com/aquila-go/aquila/internal/db"
)

// AuthorService is the request-scoped domain service for authors.
type AuthorService struct {
	q   *db.Queries
	log *slog.Logger
}

// NewAuthorService is the AuthorService provider.
func NewAuthorService(q *db.Queries, log *slog.Logger) *AuthorService {
	return &AuthorService{q: q, log: log}
}

// AuthorInput is the body of POST /authors.
type AuthorInput struct {
	Name  string  `json:"name"`
	Email *string `json:"email,omitempty"`
	Bio   *string `json:"bio,omitempty"`
}

// Validate checks the input before it reaches the database.
func (in *AuthorInput) Validate() error {
	if n := utf8.RuneCountInString(in.Name); n < 1 || n > 200 {
		return Errorf(CodeInvalid, "name", "must be 1 to 200 characters")
	}
	if in.Email != nil && !validEmail(*in.Email) {
		return Errorf(CodeInvalid, "email", "must look like name@host")
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
	return a, dbError(err, "author")
}

// Create validates in and inserts it.
func (s *AuthorService) Create(ctx context.Context, in AuthorInput) (db.Author, error) {
	if err := in.Validate(); err != nil {
		return db.Author{}, err
	}
	a, err := s.q.CreateAuthor(ctx, db.CreateAuthorParams{Name: in.Name, Email: in.Email, Bio: in.Bio})
	if err != nil {
		return db.Author{}, dbError(err, "author")
	}
	s.log.Debug("author created", "id", a.ID)
	return a, nil
}
