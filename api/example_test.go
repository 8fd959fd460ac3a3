package api_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aquila-go/aquila/api"
)

// A handler decodes strictly, returns an *api.Error for what the client
// got wrong, and writes its answer; the Mux adds the request id and writes
// every error in one shape.
func Example() {
	mux, err := api.NewMux(api.Config{})
	if err != nil {
		fmt.Println(err)
		return
	}
	mux.Handle("POST /greetings", func(w http.ResponseWriter, r *http.Request) error {
		var in struct {
			Name string `json:"name"`
		}
		if err := api.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		if in.Name == "" {
			return api.Errorf(api.CodeInvalid, "name", "is required")
		}
		return api.WriteJSON(w, r, http.StatusCreated, map[string]string{"greeting": "hello, " + in.Name})
	})

	for _, body := range []string{`{"name":"Ann"}`, `{"name":""}`, `{"nmae":"Ann"}`, `{"name":"Ann"`} {
		req := httptest.NewRequest("POST", "/greetings", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Request-Id", "req-1")
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Print(rec.Code, " ", rec.Body.String())
	}
	// Output:
	// 201 {"greeting":"hello, Ann"}
	// 400 {"error":{"code":"invalid","field":"name","message":"is required","request_id":"req-1"}}
	// 400 {"error":{"code":"invalid","field":"nmae","message":"unknown field","request_id":"req-1"}}
	// 400 {"error":{"code":"invalid","message":"truncated JSON","request_id":"req-1"}}
}

// A bulk request streams its records; RecordError names the one at fault.
func ExampleRecordError() {
	type book struct {
		Title string `json:"title"`
	}
	body := strings.NewReader("{\"title\":\"Go\"}\n{\"title\":\"\"}\n")
	i := int64(-1)
	for b, err := range api.Records[book](body, true) {
		i++
		if err == nil && b.Title == "" {
			err = api.Errorf(api.CodeInvalid, "title", "is required")
		}
		if err != nil {
			var e *api.Error
			errors.As(api.RecordError(i, err, "book"), &e)
			fmt.Println(e.Code, e.Field, e.Message)
			return
		}
	}
	// Output:
	// invalid records[1].title is required
}
