package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/db"
	"github.com/aquila-go/aquila/postgres"
	"github.com/aquila-go/aquila/schema"
)

// benchApp builds the reference service's handler with its app injector
// on a warm router over a fresh migrated database, as serve does, and
// serves it on a loopback listener.
func benchApp(b *testing.B, maxConns int32) (*postgres.Router, *httptest.Server) {
	b.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	rt, err := postgres.NewRouter(ctx, postgres.RouterConfig{Primary: postgres.Config{
		DSN: pg.URL(b, schema.FS), MaxConns: maxConns, MinIdleConns: maxConns, Prepare: db.Statements(), Logger: log}})
	if err != nil {
		b.Fatal(err)
	}
	cfg := cli.Config{MaxConns: maxConns, MinIdleConns: maxConns}
	h, cleanup, err := initHandler(ctx, &cli.Deps{Config: cfg, Logger: log, Router: rt, Metrics: prometheus.NewRegistry()})
	if err != nil {
		rt.Close()
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(func() { srv.Close(); cleanup(); rt.Close() })
	return rt, srv
}

// seedBooks inserts authors and n books through the API and returns their ids.
func seedBooks(b *testing.B, base string, n int) []int64 {
	b.Helper()
	var ids []int64
	client := srvClient()
	post := func(path, body string) map[string]any {
		resp, err := client.Post(base+path, "application/json", strings.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		json.NewDecoder(resp.Body).Decode(&m)
		if resp.StatusCode != 201 {
			b.Fatalf("seed %s: %d %v", path, resp.StatusCode, m)
		}
		return m
	}
	author := int64(post("/authors", `{"name":"Seed"}`)["id"].(float64))
	var nd strings.Builder
	for i := range n {
		fmt.Fprintf(&nd, `{"author_id":%d,"isbn":"979%010d","title":"Seed %d","published_on":"2010-%02d-%02d","price_cents":%d,"pages":%d}`+"\n",
			author, i, i, i%12+1, i%28+1, 100+i, 50+i%400)
	}
	resp, err := client.Post(base+"/books:bulk", "application/x-ndjson", strings.NewReader(nd.String()))
	if err != nil || resp.StatusCode != 201 {
		b.Fatalf("seed bulk: %v %v", err, resp)
	}
	resp.Body.Close()
	for i := range n {
		ids = append(ids, int64(i+1))
	}
	return ids
}

// srvClient is an HTTP client with enough idle connections for 16 clients.
func srvClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxIdleConns: 64}, Timeout: 10 * time.Second}
}

// BenchmarkLoad drives the full service with 16 concurrent clients for a
// fixed time (AQUILA_LOAD_SECONDS, default 10, at most 30): 70% GET
// /books/{id}, 20% GET /books?limit=20, 10% POST /books. It reports
// requests/s, p50 and p99 latency and unexpected errors (anything but the
// expected status), and fails if the pool is not back to idle afterwards.
func BenchmarkLoad(b *testing.B) {
	rt, srv := benchApp(b, 8)
	ids := seedBooks(b, srv.URL, 2000)
	seconds := 10
	if s, err := strconv.Atoi(getenv("AQUILA_LOAD_SECONDS")); err == nil && s > 0 && s <= 30 {
		seconds = s
	}
	const clients = 16
	client := srvClient()
	var isbn atomic.Int64
	isbn.Store(9790500000000)
	var unexpected, total atomic.Int64
	lat := make([][]time.Duration, clients)
	for b.Loop() {
		deadline := time.Now().Add(time.Duration(seconds) * time.Second)
		var wg sync.WaitGroup
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(uint64(c), 42))
				for time.Now().Before(deadline) {
					var req *http.Request
					want := 200
					switch p := rng.IntN(10); {
					case p < 7:
						req, _ = http.NewRequest("GET", fmt.Sprintf("%s/books/%d", srv.URL, ids[rng.IntN(len(ids))]), nil)
					case p < 9:
						req, _ = http.NewRequest("GET", srv.URL+"/books?limit=20", nil)
					default:
						body := fmt.Sprintf(`{"author_id":1,"isbn":"%d","title":"Load","published_on":"2020-01-01","price_cents":1,"pages":1}`, isbn.Add(1))
						req, _ = http.NewRequest("POST", srv.URL+"/books", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						want = 201
					}
					start := time.Now()
					resp, err := client.Do(req)
					if err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
					}
					lat[c] = append(lat[c], time.Since(start))
					total.Add(1)
					if err != nil || resp.StatusCode != want {
						unexpected.Add(1)
					}
				}
			}()
		}
		wg.Wait()
	}
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	elapsed := b.Elapsed().Seconds()
	b.ReportMetric(float64(total.Load())/elapsed, "req/s")
	b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(unexpected.Load()), "unexpected-errors")
	if unexpected.Load() != 0 {
		b.Errorf("%d unexpected errors out of %d requests", unexpected.Load(), total.Load())
	}
	waitIdle(b, rt.Primary())
}

// waitIdle fails unless every pool connection is back to idle.
func waitIdle(b *testing.B, pool *pgxpool.Pool) {
	for range 100 {
		if s := pool.Stat(); s.AcquiredConns() == 0 {
			b.Logf("pool after load: %d total, %d idle, %d acquired", s.TotalConns(), s.IdleConns(), s.AcquiredConns())
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.Errorf("pool not idle after load: %d connections still acquired", pool.Stat().AcquiredConns())
}

// BenchmarkGetBook compares GET /books/{id} through the full stack (request
// injector, read scope, routed queries, error mapping, metrics, access log
// to a discard handler) with a minimal net/http handler running the same
// query on raw pgx against the same pool, over loopback HTTP with 4
// concurrent clients. The two alternate in rounds (AQUILA_GETBOOK_ROUNDS,
// default 10) of 2 000 requests each, so both see the same machine load;
// reported are the median requests/s of each and aquila's overhead
// (1 - aquila/minimal, in %). Target: ≤ 10 %.
func BenchmarkGetBook(b *testing.B) {
	rt, srv := benchApp(b, 4)
	ids := seedBooks(b, srv.URL, 200)
	minimal := httptest.NewServer(minimalHandler(rt.Primary()))
	b.Cleanup(minimal.Close)
	rounds := 10
	if n, err := strconv.Atoi(os.Getenv("AQUILA_GETBOOK_ROUNDS")); err == nil && n > 0 {
		rounds = n
	}
	client := srvClient()
	run := func(base string) float64 {
		const clients, perClient = 4, 500
		var wg sync.WaitGroup
		var failed atomic.Int64
		start := time.Now()
		for c := range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range perClient {
					id := ids[(c*perClient+i)%len(ids)]
					resp, err := client.Get(base + "/books/" + strconv.FormatInt(id, 10))
					if err != nil {
						failed.Add(1)
						continue
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						failed.Add(1)
					}
				}
			}()
		}
		wg.Wait()
		if failed.Load() > 0 {
			b.Fatalf("%d failed requests", failed.Load())
		}
		return clients * perClient / time.Since(start).Seconds()
	}
	run(srv.URL) // warm both servers' connections
	run(minimal.URL)
	var aq, mn []float64
	for b.Loop() {
		for r := range rounds {
			if r%2 == 0 {
				aq = append(aq, run(srv.URL))
				mn = append(mn, run(minimal.URL))
			} else {
				mn = append(mn, run(minimal.URL))
				aq = append(aq, run(srv.URL))
			}
		}
	}
	slices.Sort(aq)
	slices.Sort(mn)
	ma, mm := aq[len(aq)/2], mn[len(mn)/2]
	b.ReportMetric(ma, "aquila-req/s")
	b.ReportMetric(mm, "minimal-req/s")
	b.ReportMetric(100*(1-ma/mm), "overhead-%")
}

// minimalHandler is the hand-written baseline: net/http + raw pgx, the same
// SQL and JSON shape, no framework.
func minimalHandler(pool *pgxpool.Pool) http.Handler {
	const q = `SELECT "id", "author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes", "created_at", "updated_at" FROM "books" WHERE "id" = $1`
	mux := http.NewServeMux()
	mux.HandleFunc("GET /books/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			http.Error(w, "bad id", 400)
			return
		}
		var bk struct {
			ID          int64           `json:"id"`
			AuthorID    int64           `json:"author_id"`
			ISBN        string          `json:"isbn"`
			Title       string          `json:"title"`
			PublishedOn time.Time       `json:"published_on"`
			PriceCents  int32           `json:"price_cents"`
			Pages       int32           `json:"pages"`
			Attributes  json.RawMessage `json:"attributes"`
			CreatedAt   time.Time       `json:"created_at"`
			UpdatedAt   time.Time       `json:"updated_at"`
		}
		err = pool.QueryRow(r.Context(), q, id).Scan(&bk.ID, &bk.AuthorID, &bk.ISBN, &bk.Title, &bk.PublishedOn, &bk.PriceCents, &bk.Pages, &bk.Attributes, &bk.CreatedAt, &bk.UpdatedAt)
		if err != nil {
			http.Error(w, "not found", 404)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(bk)
	})
	return mux
}

func getenv(k string) string { return os.Getenv(k) }
