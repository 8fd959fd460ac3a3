package app

import (
	"net/http"
	"time"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/internal/db"
)

// tagJSON is the response shape of a tag.
type tagJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

func toTagJSON(t db.Tag) tagJSON { return tagJSON{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt} }

func (h *Handler) createTag(w http.ResponseWriter, r *http.Request, req Request) error {
	var in TagInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := req.Tags.Create(r.Context(), in)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusCreated, toTagJSON(t))
}

func (h *Handler) listTags(w http.ResponseWriter, r *http.Request, req Request) error {
	v, err := api.ValidateParams(r, "after", "limit")
	if err != nil {
		return err
	}
	limit, err := api.Limit(v)
	if err != nil {
		return err
	}
	ts, err := req.Tags.List(r.Context(), v.Get("after"), limit)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(ts, limit, toTagJSON, func(t db.Tag) string { return t.Name }))
}

func (h *Handler) bookTags(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	ts, err := req.Books.Tags(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(ts, 0, toTagJSON, nil))
}

// bookTagIDs parses the {id} and {tag_id} path values.
func bookTagIDs(r *http.Request) (bookID, tagID int64, err error) {
	if bookID, err = api.PathID(r, "id"); err != nil {
		return 0, 0, err
	}
	tagID, err = api.PathID(r, "tag_id")
	return bookID, tagID, err
}

func (h *Handler) attachTag(w http.ResponseWriter, r *http.Request, req Request) error {
	id, tagID, err := bookTagIDs(r)
	if err != nil {
		return err
	}
	if err := req.Books.AttachTag(r.Context(), id, tagID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) detachTag(w http.ResponseWriter, r *http.Request, req Request) error {
	id, tagID, err := bookTagIDs(r)
	if err != nil {
		return err
	}
	if err := req.Books.DetachTag(r.Context(), id, tagID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
