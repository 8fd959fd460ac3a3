// Command httpbare is the bare server of the HTTP benchmark: GET
// /books/{id} of the reference schema written with net/http, a
// pgxpool.Pool and encoding/json only, answering the same JSON as aquila
// serve's route (404 for a missing book, 400 for a bad id).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

const getBook = `SELECT id, author_id, isbn, title, published_on, price_cents, pages, attributes, created_at, updated_at FROM "books" WHERE "id" = $1`

type book struct {
	ID          int64           `json:"id"`
	AuthorID    int64           `json:"author_id"`
	ISBN        string          `json:"isbn"`
	Title       string          `json:"title"`
	PublishedOn string          `json:"published_on"`
	PriceCents  int32           `json:"price_cents"`
	Pages       int32           `json:"pages"`
	Attributes  json.RawMessage `json:"attributes"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "listen address (printed as listening addr=...)")
	dsn := flag.String("dsn", "", "PostgreSQL DSN")
	maxConns := flag.Int("max-conns", 4, "pool size")
	withPprof := flag.Bool("pprof", false, "serve /debug/pprof/ (for CPU profiles under load)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := pgxpool.ParseConfig(*dsn)
	if err != nil {
		log.Fatal(err)
	}
	cfg.MaxConns, cfg.MinConns = int32(*maxConns), int32(*maxConns)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()
	if err := pool.Ping(ctx); err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil || id < 1 {
			http.Error(w, `{"error":"bad id"}`, http.StatusBadRequest)
			return
		}
		var b book
		var published time.Time
		err = pool.QueryRow(r.Context(), getBook, id).Scan(&b.ID, &b.AuthorID, &b.ISBN, &b.Title, &published,
			&b.PriceCents, &b.Pages, &b.Attributes, &b.CreatedAt, &b.UpdatedAt)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			http.Error(w, `{"error":"not found"}`, http.StatusNotFound)
			return
		case err != nil:
			http.Error(w, `{"error":"internal"}`, http.StatusInternalServerError)
			return
		}
		b.PublishedOn = published.Format(time.DateOnly)
		if b.Attributes == nil {
			b.Attributes = json.RawMessage("null")
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(b)
	})
	if *withPprof {
		mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "listening addr=%s\n", ln.Addr())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		log.Fatal(err)
	}
}
