package openapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"time"
)

// Handler serves the document as JSON: the bytes of Document.JSON,
// encoded once, with an ETag so that clients can revalidate it cheaply.
// Changing the document after this call changes nothing served.
func Handler(d *Document) (http.Handler, error) {
	b, err := d.JSON()
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	etag := `"` + hex.EncodeToString(sum[:16]) + `"`
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("ETag", etag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	}), nil
}
