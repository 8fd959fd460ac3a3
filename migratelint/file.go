package migratelint

import (
	"strings"
)

// file is a goose migration file as the linter reads it: whether it runs
// in a transaction and the statements of its Up section.
type file struct {
	name string // as findings name it
	noTx bool
	up   []statement
	bad  []Finding // malformed lint-ignore comments
}

// statement is one SQL statement of an Up section: its tokens without
// comments, and the rules its lint-ignore comments silence.
type statement struct {
	toks    []token
	line    int
	ignores map[string]bool
}

// ignorePrefix starts a comment that silences a rule for one statement:
// -- aquila:lint-ignore RULE reason
const ignorePrefix = "aquila:lint-ignore"

// parseFile reads a goose SQL file. Annotations are goose's: the Up
// section runs from -- +goose Up to -- +goose Down; -- +goose NO
// TRANSACTION anywhere makes the file run outside a transaction; the lines
// between -- +goose StatementBegin and StatementEnd are one statement.
func parseFile(name, src string) (*file, bool) {
	f := &file{name: name}
	inUp, sawUp := false, false
	var chunk strings.Builder
	chunkLine := 0
	block := false
	flush := func() {
		if chunk.Len() > 0 {
			f.split(lex(chunk.String(), chunkLine), block)
		}
		chunk.Reset()
	}
	for i, line := range strings.Split(src, "\n") {
		n := i + 1
		if ann, ok := annotation(line); ok {
			switch ann {
			case "up":
				flush()
				inUp, sawUp = true, true
			case "down":
				flush()
				inUp = false
			case "no transaction":
				f.noTx = true
			case "statementbegin":
				flush()
				block = true
			case "statementend":
				flush()
				block = false
			default:
				if chunk.Len() > 0 {
					chunk.WriteByte('\n') // keeps the chunk's line numbers
				}
			}
			continue
		}
		if !inUp {
			continue
		}
		if chunk.Len() == 0 {
			chunkLine = n
		}
		chunk.WriteString(line)
		chunk.WriteByte('\n')
	}
	flush()
	return f, sawUp
}

// annotation returns the goose annotation of a line, lower-cased: "up",
// "down", "no transaction", "statementbegin", "statementend", "envsub on".
func annotation(line string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "--")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "+goose")
	if !ok {
		return "", false
	}
	return strings.ToLower(strings.Join(strings.Fields(rest), " ")), true
}

// split cuts tokens into statements at semicolons (a StatementBegin block
// is one statement) and attaches lint-ignore comments: a comment inside a
// statement, or after its semicolon on the same line, applies to it; any
// other applies to the next statement.
func (f *file) split(toks []token, block bool) {
	var cur statement
	pending := map[string]bool{}
	lastEnd := -1 // line of the last semicolon that ended a statement
	end := func() {
		if len(cur.toks) > 0 {
			f.up = append(f.up, cur)
		}
		cur = statement{}
	}
	for _, t := range toks {
		switch {
		case t.kind == tokComment:
			rule, ok := f.ignore(t)
			if !ok {
				continue
			}
			switch {
			case len(cur.toks) > 0:
				cur.ignores = addRule(cur.ignores, rule)
			case t.line == lastEnd && len(f.up) > 0:
				last := &f.up[len(f.up)-1]
				last.ignores = addRule(last.ignores, rule)
			default:
				pending[rule] = true
			}
		case t.op(";") && !block:
			end()
			lastEnd = t.line
		case t.op(";") && block:
			// The block's statement ends with its last semicolon.
		default:
			if len(cur.toks) == 0 {
				cur.line = t.line
				for r := range pending {
					cur.ignores = addRule(cur.ignores, r)
				}
				clear(pending)
			}
			cur.toks = append(cur.toks, t)
		}
	}
	end()
}

func addRule(m map[string]bool, rule string) map[string]bool {
	if m == nil {
		m = map[string]bool{}
	}
	m[rule] = true
	return m
}

// ignore parses a lint-ignore comment. A comment that names no known rule
// or gives no reason is a finding of its own and silences nothing.
func (f *file) ignore(t token) (string, bool) {
	rest, ok := strings.CutPrefix(t.text, ignorePrefix)
	if !ok {
		return "", false
	}
	fields := strings.Fields(rest)
	switch {
	case len(fields) == 0:
		f.bad = append(f.bad, Finding{File: f.name, Line: t.line, Rule: RuleInvalidIgnore, Message: "lint-ignore names no rule"})
		return "", false
	case ruleByName(fields[0]) == nil:
		f.bad = append(f.bad, Finding{File: f.name, Line: t.line, Rule: RuleInvalidIgnore, Message: "lint-ignore names an unknown rule " + fields[0]})
		return "", false
	case len(fields) == 1:
		f.bad = append(f.bad, Finding{File: f.name, Line: t.line, Rule: RuleInvalidIgnore, Message: "lint-ignore " + fields[0] + " gives no reason: say why the statement is safe"})
		return "", false
	}
	return fields[0], true
}
