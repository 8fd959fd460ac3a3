package query

import (
	"strings"
	"sync/atomic"

	"github.com/aquila-go/aquila/model"
)

// DefaultShapeCacheSize bounds the compiled shapes a Schema keeps unless
// SchemaConfig says otherwise.
const DefaultShapeCacheSize = 1024

// MinCursorKeySize is the shortest cursor key NewSchema accepts, in bytes:
// the size of an HMAC-SHA256 sum.
const MinCursorKeySize = 32

// SchemaConfig configures a Schema.
type SchemaConfig struct {
	// CursorKeys are the HMAC-SHA256 keys of keyset cursors, each at least
	// MinCursorKeySize bytes: the first signs new cursors, every one verifies, so a key
	// can be rotated by putting the new one first. Without keys, cursors
	// are unavailable (ErrNoCursorKey).
	CursorKeys [][]byte
	// ShapeCacheSize bounds the number of compiled SQL texts kept; 0 means
	// DefaultShapeCacheSize.
	ShapeCacheSize int
}

// Schema is the query layer's view of a model.Registry: every table's
// columns, quoted once, with the class of values they hold, plus the
// compiled-shape cache and the cursor keys. It is immutable apart from the
// cache and safe for concurrent use; build one at start-up.
type Schema struct {
	tables  []*tableMeta
	byName  map[string]*tableMeta
	shapes  *shapeCache
	keys    [][]byte
	nextBnd atomic.Uint32 // Table binding ids
}

// tableMeta is one table of the registry.
type tableMeta struct {
	id     int
	name   string
	quoted string
	cols   []colMeta
	byName map[string]int
}

type colMeta struct {
	name     string
	quoted   string
	class    class
	nullable bool
}

// class is what kind of value a column holds, which decides the operators
// it accepts and how a URL parameter is parsed for it.
type class uint8

const (
	classOther class = iota // arrays, bytea: equality and NULL tests only
	classInt16
	classInt32
	classInt64
	classFloat
	classNumeric
	classText
	classBool
	classDate
	classTimestamp
	classTimestampTZ
	classUUID
	classJSON  // json: no equality
	classJSONB // jsonb: equality only
)

func classOf(t model.Type) class {
	if t.IsArray() {
		return classOther
	}
	switch t.Base() {
	case model.SmallInt:
		return classInt16
	case model.Integer:
		return classInt32
	case model.BigInt:
		return classInt64
	case model.Real, model.Double:
		return classFloat
	case model.Text:
		return classText
	case model.Boolean:
		return classBool
	case model.Date:
		return classDate
	case model.Timestamp:
		return classTimestamp
	case model.TimestampTZ:
		return classTimestampTZ
	case model.UUID:
		return classUUID
	case model.JSON:
		return classJSON
	case model.JSONB:
		return classJSONB
	}
	s := string(t)
	switch {
	case strings.HasPrefix(s, "varchar("):
		return classText
	case strings.HasPrefix(s, "numeric("):
		return classNumeric
	}
	return classOther
}

// ordered reports whether the class has a useful total order (<, ORDER BY).
func (c class) ordered() bool {
	return c != classJSON && c != classJSONB && c != classOther
}

// NewSchema indexes reg for building queries.
func NewSchema(reg *model.Registry, cfg SchemaConfig) (*Schema, error) {
	if reg == nil {
		return nil, &Error{Err: ErrUnknownTable}
	}
	for _, k := range cfg.CursorKeys {
		if len(k) < MinCursorKeySize {
			return nil, &Error{Err: ErrCursorKey}
		}
	}
	size := cfg.ShapeCacheSize
	if size <= 0 {
		size = DefaultShapeCacheSize
	}
	s := &Schema{byName: map[string]*tableMeta{}, shapes: newShapeCache(size)}
	for _, k := range cfg.CursorKeys {
		s.keys = append(s.keys, append([]byte(nil), k...))
	}
	for i, td := range reg.Tables() {
		names := td.Columns()
		tm := &tableMeta{id: i, name: td.Name(), quoted: td.Quoted(), byName: make(map[string]int, len(names))}
		for j, n := range names {
			c := td.Column(n)
			tm.cols = append(tm.cols, colMeta{name: n, quoted: c.Quoted(), class: classOf(c.Type()), nullable: c.Nullable()})
			tm.byName[n] = j
		}
		s.tables = append(s.tables, tm)
		s.byName[tm.name] = tm
	}
	return s, nil
}

// ShapeStats returns the compiled-shape cache's counters.
func (s *Schema) ShapeStats() ShapeStats { return s.shapes.stats() }

func (s *Schema) table(name string) (*tableMeta, error) {
	t := s.byName[name]
	if t == nil {
		return nil, &Error{Table: name, Err: ErrUnknownTable}
	}
	return t, nil
}

// col resolves a column name of t.
func (t *tableMeta) col(name string) (int, error) {
	i, ok := t.byName[name]
	if !ok {
		return 0, &Error{Table: t.name, Column: name, Err: ErrUnknownColumn}
	}
	return i, nil
}
