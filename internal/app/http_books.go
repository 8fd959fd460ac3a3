package app

import (
	"encoding/json"
	"errors"
	"io"
	"iter"
	"net/http"
	"strconv"
	"time"

	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/query"
)

// bookJSON is the response shape of a book.
type bookJSON struct {
	ID          int64           `json:"id"`
	AuthorID    int64           `json:"author_id"`
	ISBN        string          `json:"isbn"`
	Title       string          `json:"title"`
	PublishedOn Date            `json:"published_on"`
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
		PublishedOn: Date(b.PublishedOn), PriceCents: b.PriceCents, Pages: b.Pages,
		Attributes: attrs, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
	}
}

func (h *Handler) getBook(w http.ResponseWriter, r *http.Request, req *Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := req.Books.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return writeJSON(w, req, http.StatusOK, toBookJSON(b))
}

func (h *Handler) createBook(w http.ResponseWriter, r *http.Request, req *Request) error {
	var in BookInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := req.Books.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/books/"+strconv.FormatInt(b.ID, 10))
	return writeJSON(w, req, http.StatusCreated, toBookJSON(b))
}

func (h *Handler) updateBook(w http.ResponseWriter, r *http.Request, req *Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var p BookPatch
	if err := decodeJSON(w, r, &p); err != nil {
		return err
	}
	b, err := req.Books.Update(r.Context(), id, p)
	if err != nil {
		return err
	}
	return writeJSON(w, req, http.StatusOK, toBookJSON(b))
}

func (h *Handler) deleteBook(w http.ResponseWriter, r *http.Request, req *Request) error {
	id, err := pathID(r, "id")
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
func (h *Handler) bulkBooks(w http.ResponseWriter, r *http.Request, req *Request) error {
	mt, err := checkMediaType(r, "application/x-ndjson", "application/json")
	if err != nil {
		return err
	}
	body := http.MaxBytesReader(w, r.Body, MaxBulkBytes)
	n, err := req.Books.BulkCreate(r.Context(), bookRecords(body, mt == "application/x-ndjson"))
	if err != nil {
		return err
	}
	return writeJSON(w, req, http.StatusCreated, map[string]int64{"created": n})
}

// bookRecords decodes one BookInput at a time from an NDJSON stream or a
// JSON array, strictly (unknown fields rejected).
func bookRecords(body io.Reader, ndjson bool) iter.Seq2[BookInput, error] {
	return func(yield func(BookInput, error) bool) {
		dec := json.NewDecoder(body)
		dec.DisallowUnknownFields()
		if !ndjson {
			tok, err := dec.Token()
			if err != nil || tok != json.Delim('[') {
				if err == nil {
					err = errors.New("body must be a JSON array of books")
				}
				yield(BookInput{}, err)
				return
			}
		}
		for {
			if !ndjson && !dec.More() {
				if _, err := dec.Token(); err != nil { // the closing ]
					yield(BookInput{}, err)
					return
				}
				if _, err := dec.Token(); !errors.Is(err, io.EOF) {
					yield(BookInput{}, errors.New("data after the JSON array"))
				}
				return
			}
			var in BookInput
			err := dec.Decode(&in)
			if ndjson && errors.Is(err, io.EOF) {
				return
			}
			if !yield(in, err) || err != nil {
				return
			}
		}
	}
}

// listBooks serves GET /books with the dynamic filters, orders and keyset
// cursors of BookList's allow-list, e.g.
// ?author_id=3&published_after=2020-01-01&tag=go&order=-published_on&limit=50&after=<cursor>.
func (h *Handler) listBooks(w http.ResponseWriter, r *http.Request, req *Request) error {
	v, err := queryValues(r)
	if err != nil {
		return err
	}
	q, err := h.books.Endpoint.Parse(v)
	if err != nil {
		return paramError(err)
	}
	pg, err := req.Books.Page(r.Context(), q)
	if err != nil {
		return err
	}
	p := pageOf(pg.Items, 0, toBookJSON, nil)
	if pg.Next != "" {
		p.Next = &pg.Next
	}
	return writeJSON(w, req, http.StatusOK, p)
}

// paramError turns a query.ParamError into a 400 naming the parameter,
// with its suggestion and what is allowed.
func paramError(err error) error {
	var pe *query.ParamError
	if errors.As(err, &pe) {
		return &Error{Code: CodeInvalid, Field: pe.Param, Message: pe.Message(), Err: err}
	}
	return err
}
