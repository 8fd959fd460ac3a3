package app

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/internal/db"
)

// bookJSON is the response shape of a book.
type bookJSON struct {
	ID          int64           `json:"id"`
	AuthorID    int64           `json:"author_id"`
	ISBN        string          `json:"isbn"`
	Title       string          `json:"title"`
	PublishedOn api.Date        `json:"published_on"`
	PriceCents  int32           `json:"price_cents"`
	Pages       int32           `json:"pages"`
	Attributes  json.RawMessage `json:"attributes"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func toBookJSON(b db.Book) bookJSON {
	attrs := b.Attributes
	if attrs == nil {
		attrs = json.RawMessage("null")
	}
	return bookJSON{
		ID: b.ID, AuthorID: b.AuthorID, ISBN: b.Isbn, Title: b.Title,
		PublishedOn: api.Date(b.PublishedOn), PriceCents: b.PriceCents, Pages: b.Pages,
		Attributes: attrs, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	}
}

func (h *Handler) getBook(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	b, err := req.Books.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, toBookJSON(b))
}

func (h *Handler) createBook(w http.ResponseWriter, r *http.Request, req Request) error {
	var in BookInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := req.Books.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/books/"+strconv.FormatInt(b.ID, 10))
	return api.WriteJSON(w, r, http.StatusCreated, toBookJSON(b))
}

func (h *Handler) updateBook(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var p BookPatch
	if err := api.DecodeJSON(w, r, &p); err != nil {
		return err
	}
	b, err := req.Books.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, toBookJSON(b))
}

func (h *Handler) deleteBook(w http.ResponseWriter, r *http.Request, req Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := req.Books.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// bulkBooks streams an NDJSON (application/x-ndjson) or JSON-array
// (application/json) body into COPY: records are decoded one at a time, so
// memory stays flat whatever the body size. All or nothing.
func (h *Handler) bulkBooks(w http.ResponseWriter, r *http.Request, req Request) error {
	mt, err := api.ValidateMediaType(r, "application/x-ndjson", "application/json")
	if err != nil {
		return err
	}
	body := http.MaxBytesReader(w, r.Body, MaxBulkBytes)
	n, err := req.Books.BulkCreate(r.Context(), api.Records[BookInput](body, mt == "application/x-ndjson"))
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusCreated, bulkJSON{Created: n})
}

// listBooks serves GET /books with the dynamic filters, orders and keyset
// cursors of BookList's allow-list, e.g.
// ?author_id=3&published_after=2020-01-01&tag=go&order=-published_on&limit=50&after=<cursor>.
func (h *Handler) listBooks(w http.ResponseWriter, r *http.Request, req Request) error {
	v, err := api.QueryValues(r)
	if err != nil {
		return err
	}
	q, err := h.books.Endpoint.Parse(v)
	if err != nil {
		return api.ParamError(err)
	}
	pg, err := req.Books.Page(r.Context(), q)
	if err != nil {
		return err
	}
	p := pageOf(pg.Items, 0, toBookJSON, nil)
	if pg.Next != "" {
		p.Next = &pg.Next
	}
	return api.WriteJSON(w, r, http.StatusOK, p)
}
