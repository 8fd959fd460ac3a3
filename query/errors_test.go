package query_test

import (
	"errors"
	"testing"

	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/query"
)

// TestUnknownNamesAreModelErrors: an unknown table or column is the same
// error in query as in model, so one errors.Is serves a caller of both.
func TestUnknownNamesAreModelErrors(t *testing.T) {
	t.Parallel()
	b := newFixture(t).books
	for _, tt := range []struct {
		name string
		q    interface{ SQL() (string, []any, error) }
		want error
	}{
		{"column", b.Select(query.Eq("nope", 1)), model.ErrUnknownColumn},
		{"table", b.Select(query.InSelect("id", "nope", "id")), model.ErrUnknownTable},
	} {
		if _, _, err := tt.q.SQL(); !errors.Is(err, tt.want) {
			t.Errorf("unknown %s: %v is not model's %v", tt.name, err, tt.want)
		}
	}
	if !errors.Is(query.ErrUnknownColumn, model.ErrUnknownColumn) || !errors.Is(query.ErrUnknownTable, model.ErrUnknownTable) {
		t.Error("query's unknown-name errors are not model's")
	}
}
