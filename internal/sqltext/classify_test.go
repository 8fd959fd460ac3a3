package sqltext

import "testing"

func TestClassify(t *testing.T) {
	t.Parallel()
	reads := map[string]string{
		"-- name: GetBook :one\nSELECT id, title FROM \"books\"\nWHERE \"id\" = $1\n": "SELECT",
		"-- name: ListBooksByTag :many\nSELECT b.id FROM \"books\" AS \"b\"\nJOIN \"book_tags\" AS \"bt\" ON \"bt\".\"book_id\" = \"b\".\"id\"\nWHERE \"bt\".\"tag_id\" = $1 AND \"b\".\"id\" > $2\nORDER BY \"b\".\"id\"\nLIMIT $3\n": "SELECT",
		`SELECT 1`:                   "SELECT",
		`  select "id" from "books"`: "SELECT",
		"-- leading comment\n/* block /* nested */ */ SELECT 1": "SELECT",
		`WITH x AS (SELECT 1) SELECT * FROM x`:                  "WITH",
		`VALUES (1), (2)`:                                       "VALUES",
		`TABLE "books"`:                                         "TABLE",
		`SELECT 'insert into x', "delete", $$update$$, $t$ merge $t$, E'it\'s delete' FROM "t"`: "SELECT",
		`SELECT count(*) FROM "books" WHERE "title" ILIKE $1 ESCAPE '\'`:                        "SELECT",
		`SELECT 1 -- update`: "SELECT",
	}
	writes := map[string]string{
		"-- name: CreateBook :one\nINSERT INTO \"books\" (\"title\") VALUES ($1)\nRETURNING id\n":        "INSERT",
		"-- name: UpdateBook :one\nUPDATE \"books\" SET \"title\" = $1 WHERE \"id\" = $2 RETURNING id\n": "UPDATE",
		`INSERT INTO t VALUES (1)`:                              "INSERT",
		`WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d`: "DELETE",
		`SELECT * FROM t FOR UPDATE`:                            "FOR UPDATE",
		`SELECT * FROM t FOR KEY SHARE`:                         "FOR SHARE",
		`SELECT * INTO new_t FROM t`:                            "SELECT INTO",
		`SELECT nextval('s')`:                                   "calls nextval",
		`SELECT pg_advisory_lock(1)`:                            "calls pg_advisory_lock",
		`SELECT 1; DELETE FROM t`:                               "DELETE",
		`EXPLAIN ANALYZE DELETE FROM t`:                         "EXPLAIN",
		`BEGIN`:                                                 "BEGIN",
		`COMMIT`:                                                "COMMIT",
		``:                                                      "empty statement",
		`   `:                                                   "empty statement",
		`-- only a comment`:                                     "empty statement",
		`SELECT 'unterminated`:                                  "malformed SQL",
		`SELECT $$unterminated`:                                 "malformed SQL",
		`SELECT /* unterminated`:                                "malformed SQL",
		`CALL p()`:                                              "CALL",
		`LOCK TABLE t`:                                          "LOCK",
		`SELECT pg_current_wal_lsn()`:                           "calls pg_current_wal_lsn",
		`SHOW work_mem`:                                         "SHOW",
		`SELECT share FROM t`:                                   "SHARE",
	}
	for sql, want := range reads {
		if read, why := Classify(sql); !read || why != want {
			t.Errorf("Classify(%q) = %v, %q; want a read, %q", sql, read, why, want)
		}
	}
	for sql, want := range writes {
		if read, why := Classify(sql); read || why != want {
			t.Errorf("Classify(%q) = %v, %q; want a write, %q", sql, read, why, want)
		}
	}
}
