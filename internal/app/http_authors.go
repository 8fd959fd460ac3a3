package app

import (
	"net/http"
	"strconv"
	"time"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/internal/db"
)

// authorJSON is the response shape of an author.
type authorJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Email     *string   `json:"email"`
	Bio       *string   `json:"bio"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toAuthorJSON(a db.Author) authorJSON {
	return authorJSON{ID: a.ID, Name: a.Name, Email: a.Email, Bio: a.Bio, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt}
}

func (h *Handler) createAuthor(w http.ResponseWriter, r *http.Request, req Request) error {
	var in AuthorInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	a, err := req.Authors.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/authors/"+strconv.FormatInt(a.ID, 10))
	return api.WriteJSON(w, r, http.StatusCreated, toAuthorJSON(a))
}

func (h *Handler) getAuthor(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	a, err := req.Authors.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, toAuthorJSON(a))
}

func (h *Handler) updateAuthor(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var p AuthorPatch
	if err := api.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	a, err := req.Authors.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, toAuthorJSON(a))
}

func (h *Handler) deleteAuthor(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := req.Authors.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) listAuthors(w http.ResponseWriter, r *http.Request, req Request) error {
	after, limit, err := listParams(r)
	if err != nil {
		return err
	}
	as, err := req.Authors.List(r.Context(), after, limit)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(as, limit, toAuthorJSON, func(a db.Author) string { return itoa(a.ID) }))
}

func (h *Handler) authorBooks(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	after, limit, err := listParams(r)
	if err != nil {
		return err
	}
	bs, err := req.Authors.Books(r.Context(), id, after, limit)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(bs, limit, toBookJSON, func(b db.Book) string { return itoa(b.ID) }))
}
