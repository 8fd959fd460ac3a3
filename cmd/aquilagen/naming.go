package main

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jinzhu/inflection"
)

// naming reproduces how sqlc v1.31 names the Go type of a table and the
// fields of that type (internal/codegen/golang: buildStructs, StructName,
// internal/inflection), so that a table of the registry finds its row type.
type naming struct {
	exactTableNames bool
	exclude         []string // inflection_exclude_table_names
	rename          map[string]string
	initialisms     map[string]bool
}

// structName is the Go name sqlc gives a table or column name: the rename
// if there is one, else the words between non-alphanumerics, each title
// cased or, if it is an initialism, upper cased.
func (n naming) structName(name string) string {
	if r := n.rename[name]; r != "" {
		return r
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return '_'
	}, name)
	var b strings.Builder
	for _, p := range strings.Split(name, "_") {
		if n.initialisms[p] {
			b.WriteString(strings.ToUpper(p))
			continue
		}
		if r, size := utf8.DecodeRuneInString(p); size > 0 {
			b.WriteRune(unicode.ToTitle(r))
			b.WriteString(p[size:])
		}
	}
	out := b.String()
	if r, _ := utf8.DecodeRuneInString(out); unicode.IsDigit(r) {
		return "_" + out
	}
	return out
}

// rowType is the name of the struct sqlc generates for a table of the
// default schema.
func (n naming) rowType(table string) string {
	if n.exactTableNames {
		return n.structName(table)
	}
	return n.structName(n.singular(table))
}

// singular is sqlc's singular form of a table name: jinzhu/inflection with
// sqlc's exclusions and corrections.
func (n naming) singular(name string) string {
	for _, e := range n.exclude {
		if strings.EqualFold(name, e) {
			return name
		}
	}
	switch strings.ToLower(name) {
	case "campus", "meta", "metadata":
		return name
	case "calories":
		return "calorie"
	case "waves":
		return "wave"
	}
	return inflection.Singular(name)
}
