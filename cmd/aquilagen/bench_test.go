package main

import (
	"context"
	"fmt"
	"math/big"
	"runtime"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/cmd/aquilagen/testdata/types/pgtypes"
	"github.com/aquila-go/aquila/cmd/aquilagen/testdata/types/plain"
	"github.com/aquila-go/aquila/internal/catalog"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/schema"
)

const benchRows = 10_000

// BenchmarkBindings writes 10 000 rows per iteration with model.BulkCreate
// through generated bindings and, for the catalog's books, through the
// hand-written BindFields binding the catalog used before (the same seven
// columns), and reports allocations per row (allocs/row counts every
// goroutine: pgx's COPY writer and the untimed TRUNCATE included):
//
//	go test ./cmd/aquilagen -run '^$' -bench BenchmarkBindings -benchtime 20x
func BenchmarkBindings(b *testing.B) {
	ctx := context.Background()
	c, err := catalog.New()
	if err != nil {
		b.Fatal(err)
	}
	handwritten, err := model.BindFields(c.Registry.Table("books"),
		model.Int64("author_id", func(r *db.Book) int64 { return r.AuthorID }),
		model.String("isbn", func(r *db.Book) string { return r.Isbn }),
		model.String("title", func(r *db.Book) string { return r.Title }),
		model.Time("published_on", func(r *db.Book) time.Time { return r.PublishedOn }),
		model.Int32("price_cents", func(r *db.Book) int32 { return r.PriceCents }),
		model.Int32("pages", func(r *db.Book) int32 { return r.Pages }),
		model.Bytes("attributes", func(r *db.Book) []byte { return r.Attributes }),
	)
	if err != nil {
		b.Fatal(err)
	}
	catalogPool := pg.Pool(b, schema.FS)
	var author int64
	if err := catalogPool.QueryRow(ctx, "INSERT INTO authors (name) VALUES ('Ann') RETURNING id").Scan(&author); err != nil {
		b.Fatal(err)
	}
	books := make([]db.Book, benchRows)
	day := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range books {
		books[i] = db.Book{AuthorID: author, Isbn: fmt.Sprintf("978%010d", i), Title: fmt.Sprintf("Book %d", i),
			PublishedOn: day.AddDate(0, 0, i%3650), PriceCents: int32(100 + i%5000), Pages: int32(1 + i%900)}
		if i%2 == 0 {
			books[i].Attributes = []byte(`{"edition": 1}`)
		}
	}

	reg, typesPool := rtDB(b)
	pb, err := pgtypes.NewBindings(reg)
	if err != nil {
		b.Fatal(err)
	}
	plb, err := plain.NewBindings(reg)
	if err != nil {
		b.Fatal(err)
	}
	scalars, plains, arrays := benchTypesRows()

	b.Run("books/handwritten_BindFields", func(b *testing.B) { benchCopy(b, catalogPool, "books", handwritten, books) })
	b.Run("books/generated", func(b *testing.B) { benchCopy(b, catalogPool, "books", c.Books, books) })
	b.Run("scalars/generated_pgtypes", func(b *testing.B) { benchCopy(b, typesPool, "scalars", pb.Scalars, scalars) })
	b.Run("scalars/generated_plain", func(b *testing.B) { benchCopy(b, typesPool, "scalars", plb.Scalars, plains) })
	b.Run("arrays/generated_pgtypes", func(b *testing.B) { benchCopy(b, typesPool, "arrays", pb.Arrays, arrays) })
}

// benchCopy times BulkCreate of rows into table, emptied before each
// iteration outside the timer.
func benchCopy[R any](b *testing.B, pool *pgxpool.Pool, table string, binding *model.Binding[R], rows []R) {
	ctx := context.Background()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if _, err := pool.Exec(ctx, "TRUNCATE "+table+" CASCADE"); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if n, err := model.BulkCreate(ctx, pool, binding, rows); err != nil || n != int64(len(rows)) {
			b.Fatalf("BulkCreate = %d, %v", n, err)
		}
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(b.N)/float64(len(rows)), "allocs/row")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(rows)), "ns/row")
}

// benchTypesRows returns 10 000 rows of every column type, each column set
// (NULL in every tenth row), numerics within 64 bits.
func benchTypesRows() ([]pgtypes.Scalar, []plain.Scalar, []pgtypes.Array) {
	at := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	id := [16]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	js := []byte(`{"a": 1}`)
	scalars := make([]pgtypes.Scalar, benchRows)
	plains := make([]plain.Scalar, benchRows)
	arrays := make([]pgtypes.Array, benchRows)
	for i := range scalars {
		t := fmt.Sprintf("text %d", i)
		n := pgtype.Numeric{Int: big.NewInt(int64(i) * 12345), Exp: -2, Valid: true}
		d := pgtype.Date{Time: at, Valid: true}
		ts := pgtype.Timestamp{Time: at, Valid: true}
		tz := pgtype.Timestamptz{Time: at, Valid: true}
		u := pgtype.UUID{Bytes: id, Valid: true}
		scalars[i] = pgtypes.Scalar{I2: int16(i), I4: int32(i), I8: int64(i), B: i%2 == 0, T: t, V: "v", F4: 1.5, F8: float64(i),
			D: d, Ts: ts, Tz: tz, U: u, J: js, Jb: js, By: js, N: n}
		plains[i] = plain.Scalar{I2: int16(i), I4: int32(i), I8: int64(i), B: i%2 == 0, T: t, V: "v", F4: 1.5, F8: float64(i),
			D: at, Ts: at, Tz: at, U: id, J: js, Jb: js, By: js, N: n}
		arrays[i] = pgtypes.Array{I2: []int16{1, 2}, I4: []int32{3}, I8: []int64{int64(i)}, B: []bool{true}, T: []string{t, "x"},
			V: []string{"v"}, F4: []float32{1}, F8: []float64{2}, D: []pgtype.Date{d}, Ts: []pgtype.Timestamp{ts},
			Tz: []pgtype.Timestamptz{tz}, U: []pgtype.UUID{u}, Jb: [][]byte{js}, By: [][]byte{js}, N: []pgtype.Numeric{n}}
		if i%10 == 0 {
			continue
		}
		s := &scalars[i]
		s.Ni2, s.Ni4, s.Ni8 = pgtype.Int2{Int16: 1, Valid: true}, pgtype.Int4{Int32: 2, Valid: true}, pgtype.Int8{Int64: 3, Valid: true}
		s.Nb, s.Nt, s.Nv = pgtype.Bool{Valid: true}, pgtype.Text{String: t, Valid: true}, pgtype.Text{String: "v", Valid: true}
		s.Nf4, s.Nf8 = pgtype.Float4{Float32: 1, Valid: true}, pgtype.Float8{Float64: 2, Valid: true}
		s.Nd, s.Nts, s.Ntz, s.Nu, s.Nj, s.Njb, s.Nby, s.Nn = d, ts, tz, u, js, js, js, n
		p := &plains[i]
		p.Ni2, p.Ni4, p.Ni8, p.Nb, p.Nt, p.Nv = &s.Ni2.Int16, &s.Ni4.Int32, &s.Ni8.Int64, &s.Nb.Bool, &scalars[i].T, &s.Nv.String
		p.Nf4, p.Nf8, p.Nd, p.Nts, p.Ntz, p.Nj, p.Njb, p.Nby, p.Nn = &s.Nf4.Float32, &s.Nf8.Float64, &at, &at, &at, js, js, js, n
	}
	return scalars, plains, arrays
}
