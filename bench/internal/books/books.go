// Package books fills the reference schema's books table for the
// point-read and HTTP benchmarks, and holds the pgbench scripts of the
// same statement.
package books

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/internal/db"
)

// Count is how many books the benchmarks read from (ids 1..Count).
const Count = 10_000

// Fill inserts Count books of one author (ids 1..Count) into the reference
// schema at dsn, unless it holds them already, and analyzes the table.
func Fill(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	var have int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM "books"`).Scan(&have); err != nil {
		return err
	}
	if have >= Count {
		return nil
	}
	var author int64
	err = conn.QueryRow(ctx, `INSERT INTO "authors" ("name", "email") VALUES ('Point Reader', 'point@example.org') RETURNING "id"`).Scan(&author)
	if err != nil {
		return fmt.Errorf("fill books: %w", err)
	}
	rows := make([][]any, Count)
	attrs := json.RawMessage(`{"award": "hugo", "series": "hainish"}`)
	for i := range rows {
		rows[i] = []any{int64(i + 1), author, fmt.Sprintf("978%010d", i+1), fmt.Sprintf("Book number %d", i+1),
			time.Date(1960+i%60, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC), int32(999 + i%1000), int32(100 + i%900), attrs}
	}
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"books"},
		[]string{"id", "author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("fill books: %w", err)
	}
	_, err = conn.Exec(ctx, `ANALYZE "books"`)
	return err
}

// PgbenchScript is a pgbench script of sqlc's GetBook with a random id:
// one statement per transaction, or, pipelined, n statements in one
// \startpipeline … \endpipeline.
func PgbenchScript(pipelined int) string {
	_, sql, _ := strings.Cut(db.GetBook, "\n") // without sqlc's name line
	sql = strings.Join(strings.Fields(strings.ReplaceAll(sql, "$1", ":id")), " ")
	set := fmt.Sprintf("\\set id random(1, %d)\n", Count)
	if pipelined == 0 {
		return set + sql + ";\n"
	}
	var b strings.Builder
	b.WriteString("\\startpipeline\n")
	for range pipelined {
		b.WriteString(set + sql + ";\n")
	}
	b.WriteString("\\endpipeline\n")
	return b.String()
}
