package model

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// snapshot is a schema as read from pg_catalog. Expressions and types are
// rendered by the server (format_type, pg_get_expr, pg_get_constraintdef,
// pg_get_indexdef) with search_path set to the schema being read, so that
// two schemas built from the same DDL read the same.
type snapshot struct {
	tables map[string]*tableSnap
	names  []string // table names, sorted
}

type tableSnap struct {
	columns     map[string]columnSnap
	colNames    []string // by attnum
	constraints map[string]constraintSnap
	conNames    []string // sorted
	indexes     map[string]indexSnap
	idxNames    []string // sorted
}

type columnSnap struct {
	typ      string
	notNull  bool
	def      string
	identity string // "", "BY DEFAULT", "ALWAYS"
	serial   bool   // the default draws from a sequence the column owns
}

type constraintSnap struct {
	kind conKind
	def  string
	// refTable is the table a foreign key references; index is the index
	// behind a primary key or unique constraint, or the referenced
	// table's index a foreign key depends on.
	refTable, index string
}

// indexSnap is an index that implements no constraint. def renders it as
// "[UNIQUE ]method (key, ...)[ WHERE predicate]" for comparison; the parts
// rebuild its CREATE INDEX statement.
type indexSnap struct {
	def     string
	unique  bool
	method  string
	keys    string
	pred    string
	columns []string // the columns its keys and predicate use
}

const (
	tablesQuery = `SELECT c.relname
FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
ORDER BY c.relname COLLATE "C"`

	columnsQuery = `SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
	CASE WHEN a.attgenerated <> '' THEN 'GENERATED ALWAYS AS (' || pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) || ') STORED'
	     ELSE coalesce(pg_catalog.pg_get_expr(d.adbin, d.adrelid, true), '') END,
	CASE a.attidentity WHEN 'd' THEN 'BY DEFAULT' WHEN 'a' THEN 'ALWAYS' ELSE '' END,
	a.attidentity = '' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep
		JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S'
		WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.refobjid = a.attrelid
		  AND dep.refobjsubid = a.attnum AND dep.deptype = 'a')
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY c.relname COLLATE "C", a.attnum`

	constraintsQuery = `SELECT c.relname, k.conname, k.contype::text, pg_catalog.pg_get_constraintdef(k.oid, true),
	coalesce(r.relname, ''), coalesce(i.relname, '')
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class r ON r.oid = k.confrelid
LEFT JOIN pg_catalog.pg_class i ON i.oid = k.conindid
WHERE n.nspname = $1 AND k.contype IN ('p', 'u', 'c', 'f')
ORDER BY c.relname COLLATE "C", k.conname COLLATE "C"`

	// Indexes that do not implement a constraint: uniqueness, method, key
	// list and predicate.
	indexesQuery = `SELECT c.relname, i.relname, x.indisunique, am.amname,
	(SELECT string_agg(pg_catalog.pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k)
	   FROM generate_series(1, x.indnkeyatts) k),
	coalesce(pg_catalog.pg_get_expr(x.indpred, x.indrelid, true), ''),
	ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a
	      WHERE a.attrelid = x.indrelid AND a.attnum IN (
	          SELECT d.refobjsubid FROM pg_catalog.pg_depend d
	          WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = x.indexrelid
	            AND d.refobjid = x.indrelid AND d.refobjsubid > 0)
	      ORDER BY a.attnum)
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_am am ON am.oid = i.relam
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                  WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
ORDER BY c.relname COLLATE "C", i.relname COLLATE "C"`
)

// setSearchPath sets search_path for the rest of the transaction.
func setSearchPath(ctx context.Context, tx pgx.Tx, schemas ...string) error {
	path := ""
	for i, s := range schemas {
		if i > 0 {
			path += ", "
		}
		path += quoteIdent(s)
	}
	_, err := tx.Exec(ctx, "SELECT pg_catalog.set_config('search_path', $1, true)", path)
	return err
}

// inspect reads schema; search_path must already be set as it should be
// for rendering expressions.
func inspect(ctx context.Context, tx pgx.Tx, schema string, ignore map[string]bool) (*snapshot, error) {
	s := &snapshot{tables: map[string]*tableSnap{}}
	table := func(name string) *tableSnap {
		t := s.tables[name]
		if t == nil {
			t = &tableSnap{columns: map[string]columnSnap{}, constraints: map[string]constraintSnap{}, indexes: map[string]indexSnap{}}
		}
		return t
	}
	err := each(ctx, tx, tablesQuery, schema, func(r pgx.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		if !ignore[name] {
			s.tables[name] = table(name)
			s.names = append(s.names, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read tables: %w", err)
	}
	err = each(ctx, tx, columnsQuery, schema, func(r pgx.Rows) error {
		var tname, cname string
		var c columnSnap
		if err := r.Scan(&tname, &cname, &c.typ, &c.notNull, &c.def, &c.identity, &c.serial); err != nil {
			return err
		}
		if t := s.tables[tname]; t != nil {
			t.columns[cname] = c
			t.colNames = append(t.colNames, cname)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read columns: %w", err)
	}
	err = each(ctx, tx, constraintsQuery, schema, func(r pgx.Rows) error {
		var tname, name, kind string
		var c constraintSnap
		if err := r.Scan(&tname, &name, &kind, &c.def, &c.refTable, &c.index); err != nil {
			return err
		}
		if t := s.tables[tname]; t != nil {
			c.kind = map[string]conKind{"p": conPrimary, "u": conUnique, "c": conCheck, "f": conForeign}[kind]
			t.constraints[name] = c
			t.conNames = append(t.conNames, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read constraints: %w", err)
	}
	err = each(ctx, tx, indexesQuery, schema, func(r pgx.Rows) error {
		var tname, name string
		var x indexSnap
		if err := r.Scan(&tname, &name, &x.unique, &x.method, &x.keys, &x.pred, &x.columns); err != nil {
			return err
		}
		if t := s.tables[tname]; t != nil {
			x.def = x.method + " (" + x.keys + ")"
			if x.unique {
				x.def = "UNIQUE " + x.def
			}
			if x.pred != "" {
				x.def += " WHERE " + x.pred
			}
			t.indexes[name] = x
			t.idxNames = append(t.idxNames, name)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read indexes: %w", err)
	}
	return s, nil
}

func each(ctx context.Context, tx pgx.Tx, sql, schema string, fn func(pgx.Rows) error) error {
	rows, err := tx.Query(ctx, sql, schema)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
