package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestREADMEExamples runs every curl command of the README's sh blocks, in
// order, against a real server on a fresh database, through the client
// that validates each request and response against the API document. A
// command succeeds with a 2xx unless the comment line after it, "# → ...",
// says otherwise:
//
//	# → 400 did you mean "order"?        status, then text the body contains
//	# → A | B; next is null               the titles of the page's items, in order
//
// NAME=$(curl ... | jq -r .next) keeps a page's next for "$NAME" below.
func TestREADMEExamples(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t, pg.URL(t, nil))
	vars := map[string]string{}
	ran := 0
	for _, block := range shBlocks(string(readme)) {
		for _, c := range parseShell(t, block) {
			if len(c.words) == 0 || c.words[0] != "curl" {
				continue
			}
			ran++
			runCurl(t, base, c, vars)
		}
	}
	if ran < 10 {
		t.Fatalf("only %d curl examples found in README.md", ran)
	}
}

// shBlocks returns the bodies of the README's ```sh blocks.
func shBlocks(md string) []string {
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(md, -1) {
		out = append(out, m[1])
	}
	return out
}

// shellCommand is one command line: its words, the variable its output
// is assigned to (NAME=$(... | jq -r .next)), the jq filter, and the
// expectation comment after it.
type shellCommand struct {
	words  []string
	assign string
	jq     string
	expect string
}

// parseShell splits a block into commands with the small part of sh the
// README uses: single and double quotes (spanning lines), backslash-newline,
// $NAME in double quotes, NAME=$(curl ... | jq -r FILTER), # comments.
func parseShell(t *testing.T, src string) []shellCommand {
	var cmds []shellCommand
	var cur shellCommand
	var word strings.Builder
	inWord := false
	flushWord := func() {
		if inWord {
			cur.words = append(cur.words, word.String())
			word.Reset()
			inWord = false
		}
	}
	endCommand := func() {
		flushWord()
		if len(cur.words) > 0 {
			cmds = append(cmds, cur)
		}
		cur = shellCommand{}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\\' && i+1 < len(src) && src[i+1] == '\n':
			i++
		case c == '\n':
			endCommand()
		case c == ' ' || c == '\t':
			flushWord()
		case c == '#' && !inWord:
			end := strings.IndexByte(src[i:], '\n')
			if end < 0 {
				end = len(src) - i
			}
			comment := strings.TrimSpace(src[i+1 : i+end])
			if e, ok := strings.CutPrefix(comment, "→"); ok && len(cur.words) == 0 && len(cmds) > 0 {
				cmds[len(cmds)-1].expect = strings.TrimSpace(e)
			}
			i += end - 1
		case c == '\'':
			end := strings.IndexByte(src[i+1:], '\'')
			if end < 0 {
				t.Fatalf("README: unterminated ' in %q", src[i:])
			}
			word.WriteString(src[i+1 : i+1+end])
			inWord = true
			i += end + 1
		case c == '"':
			end := strings.IndexByte(src[i+1:], '"')
			if end < 0 {
				t.Fatalf("README: unterminated \" in %q", src[i:])
			}
			word.WriteString(src[i+1 : i+1+end]) // $NAME expanded when run
			inWord = true
			i += end + 1
		case c == '$' && i+1 < len(src) && src[i+1] == '(' && inWord && strings.HasSuffix(word.String(), "="):
			end := strings.IndexByte(src[i:], ')')
			inner := src[i+2 : i+end]
			cmdPart, jq, ok := strings.Cut(inner, "| jq -r ")
			if !ok {
				t.Fatalf("README: $(...) other than curl ... | jq -r FILTER: %q", inner)
			}
			sub := parseShell(t, cmdPart)
			if len(sub) != 1 {
				t.Fatalf("README: $(%s) is not one command", inner)
			}
			cur = sub[0]
			cur.assign = strings.TrimSuffix(word.String(), "=")
			cur.jq = strings.TrimSpace(jq)
			word.Reset()
			inWord = false
			i += end
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	endCommand()
	return cmds
}

// runCurl runs one curl command of the README with the flags it uses.
func runCurl(t *testing.T, base string, c shellCommand, vars map[string]string) {
	t.Helper()
	method, url, body, ct, globoff := "GET", "", "", "", false
	args := c.words[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-s":
		case a == "-g" || a == "-gs" || a == "-sg":
			globoff = true
		case strings.HasPrefix(a, "-X"):
			method = strings.TrimPrefix(a, "-X")
			if method == "" {
				i++
				method = args[i]
			}
		case a == "-H":
			i++
			k, v, _ := strings.Cut(args[i], ":")
			if !strings.EqualFold(k, "Content-Type") {
				t.Fatalf("README: curl header %q not supported by this test", args[i])
			}
			ct = strings.TrimSpace(v)
		case a == "-d":
			i++
			body = args[i]
			if method == "GET" {
				method = "POST"
			}
		case strings.HasPrefix(a, "-"):
			t.Fatalf("README: curl flag %q not supported by this test", a)
		default:
			url = a
		}
	}
	for name, v := range vars {
		url = strings.ReplaceAll(url, "$"+name, v)
	}
	if strings.Contains(url, "$") {
		t.Fatalf("README: %s uses an unset variable", url)
	}
	if strings.Contains(url, "[") && !globoff {
		t.Fatalf("README: %s has brackets: curl needs -g", url)
	}
	url = strings.Replace(url, "localhost:8080", strings.TrimPrefix(base, "http://"), 1)
	if !strings.HasPrefix(url, "http://") {
		url = "http://" + url
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	resp, err := apiClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	what := method + " " + req.URL.RequestURI()
	var page struct {
		Items []struct {
			Title string `json:"title"`
		} `json:"items"`
		Next *string `json:"next"`
	}
	json.Unmarshal(raw, &page)
	switch e := c.expect; {
	case e == "":
		if resp.StatusCode/100 != 2 {
			t.Errorf("%s: %d %s", what, resp.StatusCode, raw)
		}
	case e[0] >= '1' && e[0] <= '5':
		status, text, _ := strings.Cut(e, " ")
		if fmt.Sprint(resp.StatusCode) != status || !strings.Contains(string(raw), strings.ReplaceAll(text, `"`, `\"`)) {
			t.Errorf("%s: %d %s, README says %s", what, resp.StatusCode, raw, e)
		}
	default:
		titles, next, _ := strings.Cut(e, "; next is ")
		var got []string
		for _, it := range page.Items {
			got = append(got, it.Title)
		}
		gotNext := "null"
		if page.Next != nil {
			gotNext = "a cursor"
		}
		if resp.StatusCode != 200 || strings.Join(got, " | ") != titles || (next != "" && next != gotNext) {
			t.Errorf("%s: %d %q, next %s; README says %s", what, resp.StatusCode, got, gotNext, e)
		}
	}
	if c.assign != "" {
		if c.jq != ".next" || page.Next == nil {
			t.Fatalf("%s: README keeps %s of %s", what, c.jq, raw)
		}
		vars[c.assign] = *page.Next
	}
}
