package app

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/internal/db"
)

// TagService is the request-scoped domain service for tags.
type TagService struct {
	q   db.RoutedQueries
	log RequestLog
}

// NewTagService is the TagService provider.
func NewTagService(q db.RoutedQueries, log RequestLog) TagService {
	return TagService{q: q, log: log}
}

// TagInput is the body of POST /tags.
type TagInput struct {
	Name string `json:"name"`
}

// Validate mirrors the tags_name_check constraint.
func (in *TagInput) Validate() error {
	if !validTag(in.Name) {
		return api.Errorf(api.CodeInvalid, "name", "must be 1 to 50 of a-z, 0-9 and '-', starting with a letter or digit")
	}
	return nil
}

func validTag(s string) bool {
	if len(s) < 1 || len(s) > 50 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' && i > 0) {
			return false
		}
	}
	return true
}

// Create inserts a tag.
func (s *TagService) Create(ctx context.Context, in TagInput) (db.Tag, error) {
	if err := in.Validate(); err != nil {
		return db.Tag{}, err
	}
	t, err := s.q.CreateTag(ctx, in.Name)
	return t, api.DBError(err, "tag")
}

// List returns up to limit tags whose name sorts after after.
func (s *TagService) List(ctx context.Context, after string, limit int32) ([]db.Tag, error) {
	ts, err := s.q.ListTags(ctx, after, limit)
	return ts, api.DBError(err, "tag")
}

func collectTags(rows pgx.Rows) ([]db.Tag, error) {
	defer rows.Close()
	tags := []db.Tag{}
	for rows.Next() {
		var t db.Tag
		if err := rows.Scan(&t.ID, &t.Name, &t.CreatedAt); err != nil {
			return nil, err
		}
		tags = append(tags, t)
	}
	return tags, rows.Err()
}
