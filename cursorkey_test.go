package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/cli/clitest"
)

// TestServeCursorKeyOfStatedMinimum reads the shortest -cursor-key that
// serve -h promises to take, starts the service with a key of exactly that
// length and pages through GET /books with it; a key one byte shorter is a
// command-line mistake named by its flag, before anything starts.
func TestServeCursorKeyOfStatedMinimum(t *testing.T) {
	var help bytes.Buffer
	cli.Run(context.Background(), service(testRegistry(t)), []string{"serve", "-h"}, io.Discard, &help)
	m := regexp.MustCompile(`-cursor-key[^\n]*\n[^\n]*?(\d+) (?:hex )?digits`).FindStringSubmatch(help.String())
	if m == nil {
		t.Fatalf("serve -h states no minimum length of -cursor-key:\n%s", help.String())
	}
	digits, _ := strconv.Atoi(m[1])
	key := strings.Repeat("5a", digits/2)

	dsn := pg.URL(t, nil)
	code, _, errb := aquila(t, "serve", "-addr", clitest.Addr(t), "-database-url", dsn, "-cursor-key", key[2:])
	if code != 2 || !strings.Contains(errb, "cursor-key") {
		t.Errorf("serve with a key of %d digits: exit %d, want 2 naming -cursor-key:\n%s", digits-2, code, errb)
	}

	base, _ := startServe(t, dsn, "-cursor-key", key)
	st, author := call(t, "POST", base+"/authors", "application/json", `{"name":"Key Holder"}`)
	if st != http.StatusCreated {
		t.Fatalf("POST /authors: %d %v", st, author)
	}
	for i := range 3 {
		body := fmt.Sprintf(`{"author_id":%v,"isbn":"97800000000%02d","title":"Book %d","published_on":"2001-01-0%d","price_cents":100,"pages":10}`, author["id"], i, i, i+1)
		if st, b := call(t, "POST", base+"/books", "application/json", body); st != http.StatusCreated {
			t.Fatalf("POST /books: %d %v", st, b)
		}
	}
	var titles []string
	for url := base + "/books?limit=2"; ; {
		st, page := call(t, "GET", url, "", "")
		if st != http.StatusOK {
			t.Fatalf("GET %s: %d %v", url, st, page)
		}
		for _, it := range page["items"].([]any) {
			titles = append(titles, it.(map[string]any)["title"].(string))
		}
		next, _ := page["next"].(string)
		if next == "" {
			break
		}
		url = base + "/books?limit=2&after=" + next
	}
	if got := strings.Join(titles, ","); got != "Book 0,Book 1,Book 2" {
		t.Errorf("pages signed with a %d-digit key: %s", digits, got)
	}
}
