package postgres

import (
	"context"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// ErrNoBeginTx is returned by ReadScope.BeginTx when the wrapped DBTX
// cannot begin a transaction (it is itself a pgx.Tx).
var ErrNoBeginTx = errors.New("read scope: wrapped connection cannot begin a transaction")

// Read cache defaults, used when the ReadCacheConfig fields are zero.
const (
	DefaultReadCacheEntries = 256
	DefaultReadCacheRows    = 1000
	DefaultReadCacheBytes   = 4 << 20
)

// maxClassified bounds the statement classifications a ReadCache keeps;
// beyond it statements are classified on every call (still correctly).
const maxClassified = 8192

// ReadCacheConfig configures a ReadCache.
type ReadCacheConfig struct {
	// Disabled makes every scope a pass-through: nothing is cached.
	Disabled bool
	// MaxEntries bounds the results one scope keeps; MaxRows the rows of
	// one result and MaxBytes the raw bytes of all results of a scope.
	// Results beyond a bound are not cached. 0 means the defaults.
	MaxEntries int
	MaxRows    int
	MaxBytes   int
	// NewTypeMap returns the type map that decodes cached rows. Set it when
	// the connections register custom types (enums, composites) in
	// AfterConnect; default pgtype.NewMap.
	NewTypeMap func() *pgtype.Map
}

// ReadCache is the application-wide part of the per-request read cache: its
// configuration and the read/write verdict for each distinct SQL text. It
// holds no query results. Create one at start-up and call Scope once per
// request; it is safe for concurrent use.
type ReadCache struct {
	cfg        ReadCacheConfig
	kinds      sync.Map // SQL text → StatementKind
	classified atomic.Int64
	fields     sync.Map // SQL text → []pgconn.FieldDescription, shared by its results
}

// NewReadCache returns a ReadCache configured by cfg.
func NewReadCache(cfg ReadCacheConfig) *ReadCache {
	if cfg.MaxEntries <= 0 {
		cfg.MaxEntries = DefaultReadCacheEntries
	}
	if cfg.MaxRows <= 0 {
		cfg.MaxRows = DefaultReadCacheRows
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultReadCacheBytes
	}
	if cfg.NewTypeMap == nil {
		cfg.NewTypeMap = pgtype.NewMap
	}
	return &ReadCache{cfg: cfg}
}

// kind classifies sql once and remembers the verdict.
func (c *ReadCache) kind(sql string) StatementKind {
	if k, ok := c.kinds.Load(sql); ok {
		return k.(StatementKind)
	}
	k := Classify(sql)
	if c.classified.Load() < maxClassified {
		if _, loaded := c.kinds.LoadOrStore(sql, k); !loaded {
			c.classified.Add(1)
		}
	}
	return k
}

// fieldsOf returns the field descriptions of a result of sql: a copy of fds
// kept for sql and shared by every result whose descriptions are equal,
// rather than a copy per result.
func (c *ReadCache) fieldsOf(sql string, fds []pgconn.FieldDescription) []pgconn.FieldDescription {
	if v, ok := c.fields.Load(sql); ok {
		if kept := v.([]pgconn.FieldDescription); slices.Equal(kept, fds) {
			return kept
		}
	}
	kept := slices.Clone(fds)
	if kept == nil {
		kept = []pgconn.FieldDescription{}
	}
	if c.classified.Load() < maxClassified {
		c.fields.Store(sql, kept)
	}
	return kept
}

// Scope returns a new, empty read scope over db, for one request.
func (c *ReadCache) Scope(db DBTX) *ReadScope {
	return &ReadScope{c: c, db: db, off: c.cfg.Disabled}
}

// SessionScope returns a new read scope over the session's Reader that the
// session empties before each of its writes — Scope plus OnWrite, without
// the callback's allocations:
//
//	s := router.Session()
//	scope := readCache.SessionScope(s)
//	q := db.NewRouted(scope, s.Writer())
//
// The first scope of a session is held inside the Session itself: a
// request's session and read scope are one allocation.
func (c *ReadCache) SessionScope(s *Session) *ReadScope {
	if s.scope.Load() == nil {
		sc := &s.ownScope
		sc.c, sc.db, sc.off = c, &s.reader, c.cfg.Disabled
		if s.scope.CompareAndSwap(nil, sc) {
			return sc
		}
	}
	sc := c.Scope(&s.reader)
	s.scope.Store(sc)
	return sc
}

// ReadScope is a DBTX for one request that serves an identical read — the
// same SQL text with the same arguments — from memory after its first
// execution, until a write through the scope invalidates everything it
// holds. Pass it to sqlc's db.New or to the query builder in place of the
// pool. Nothing is shared between scopes. It is safe for concurrent use by
// the goroutines of one request.
//
// Reads are statements that Classify calls StatementRead. Writes are Exec,
// CopyFrom, Query and QueryRow of any other statement, a batch holding any
// other statement, and the COMMIT of a read-write transaction begun through
// BeginTx. Results are cached only when fully read without error; batches
// go to the database in one round trip and are not cached. Arguments of
// types the key encoder does not know (e.g. pgx.NamedArgs) make a read
// uncached, never wrong.
//
// A scope over a pgx.Tx must not outlive it: after a rollback, call
// Invalidate or drop the scope.
type ReadScope struct {
	c   *ReadCache
	db  DBTX
	off bool

	mu      sync.Mutex
	entries map[cacheKey]*entry
	bytes   int
	gen     uint64 // incremented by every invalidation
	stats   ReadStats

	tmMu    sync.Mutex // guards typeMap: pgtype.Map is not concurrency-safe
	typeMap *pgtype.Map
}

// ReadStats counts what a scope did.
type ReadStats struct {
	Hits          int // reads served from the scope
	Misses        int // reads sent to the database
	Uncached      int // reads that could not be cached (bypass, argument type)
	Invalidations int // writes that emptied the scope
}

// Stats returns the scope's counters.
func (s *ReadScope) Stats() ReadStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Invalidate drops every cached result of the scope.
func (s *ReadScope) Invalidate() {
	s.mu.Lock()
	s.gen++
	clear(s.entries)
	s.bytes = 0
	s.stats.Invalidations++
	s.mu.Unlock()
}

// maxReusedEntries bounds the map a released session's scope keeps for
// the next request; a larger one is dropped.
const maxReusedEntries = 64

// reset empties a session's own scope for reuse by another request: no
// result, no statistics, and a new generation, so a read still recording
// for the previous request stores nothing. The type map holds only
// decoding plans and is kept.
func (s *ReadScope) reset() {
	s.mu.Lock()
	s.gen++
	if len(s.entries) > maxReusedEntries {
		s.entries = nil
	} else {
		clear(s.entries)
	}
	s.bytes = 0
	s.stats = ReadStats{}
	s.mu.Unlock()
}

type bypassKey struct{}

// WithoutReadCache returns a context whose reads through a ReadScope go to
// the database and are not cached. Writes still invalidate the scope.
func WithoutReadCache(ctx context.Context) context.Context {
	return context.WithValue(ctx, bypassKey{}, true)
}

func bypassed(ctx context.Context) bool {
	v, _ := ctx.Value(bypassKey{}).(bool)
	return v
}

// Exec runs a statement. It always counts as a write.
func (s *ReadScope) Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	if s.off {
		return s.db.Exec(ctx, sql, args...)
	}
	s.Invalidate()
	defer s.Invalidate()
	return s.db.Exec(ctx, sql, args...)
}

// CopyFrom runs COPY FROM. It always counts as a write.
func (s *ReadScope) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if s.off {
		return s.db.CopyFrom(ctx, table, columns, src)
	}
	s.Invalidate()
	defer s.Invalidate()
	return s.db.CopyFrom(ctx, table, columns, src)
}

// Query runs a query, serving a read from the scope when it can.
func (s *ReadScope) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if s.off {
		return s.db.Query(ctx, sql, args...)
	}
	if s.c.kind(sql) != StatementRead {
		s.Invalidate()
		rows, err := s.db.Query(ctx, sql, args...)
		if err != nil {
			s.Invalidate()
			return nil, err
		}
		return &writeRows{Rows: rows, s: s}, nil
	}
	return s.queryRead(ctx, sql, args)
}

// queryRead is Query for a statement the cache calls a read.
func (s *ReadScope) queryRead(ctx context.Context, sql string, args []any) (pgx.Rows, error) {
	key, ok := s.key(ctx, sql, args)
	if !ok {
		return s.db.Query(ctx, sql, args...)
	}
	s.mu.Lock()
	e, hit := s.entries[key]
	gen := s.gen
	if hit {
		s.stats.Hits++
	} else {
		s.stats.Misses++
	}
	s.mu.Unlock()
	if hit {
		return &replayRows{s: s, e: e, i: -1}, nil
	}
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	if pr, ok := rows.(*pipeRows); ok {
		// A pipelined result is complete and never written again: keep
		// it as it is instead of copying it row by row.
		if e := pr.entry(); len(e.rows) <= s.c.cfg.MaxRows {
			s.store(key, gen, e)
		}
		return rows, nil
	}
	return &recordRows{Rows: rows, s: s, sql: sql, key: key, gen: gen}, nil
}

// QueryRow runs a query that returns at most one row, serving a read from
// the scope when it can. Like pgx, an empty result scans as pgx.ErrNoRows.
func (s *ReadScope) QueryRow(ctx context.Context, sql string, args ...any) pgx.Row {
	if s.off {
		return s.db.QueryRow(ctx, sql, args...)
	}
	if s.c.kind(sql) != StatementRead {
		s.Invalidate()
		return writeRow{Row: s.db.QueryRow(ctx, sql, args...), s: s}
	}
	rows, err := s.queryRead(ctx, sql, args)
	if err != nil {
		return &scopeRow{err: err}
	}
	if rr, ok := rows.(*recordRows); ok {
		return (*recordRow)(rr)
	}
	return &scopeRow{rows: rows}
}

// SendBatch sends b in one round trip. A batch that holds any statement
// other than a read counts as a write.
func (s *ReadScope) SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults {
	if s.off {
		return s.db.SendBatch(ctx, b)
	}
	for _, q := range b.QueuedQueries {
		if s.c.kind(q.SQL) != StatementRead {
			s.Invalidate()
			return &writeBatch{BatchResults: s.db.SendBatch(ctx, b), s: s}
		}
	}
	return s.db.SendBatch(ctx, b)
}

// BeginTx begins a transaction on the wrapped connection, which must be a
// TxBeginner (a pool or a connection). Statements inside the transaction go
// to the database uncached; committing a transaction that is not read-only
// invalidates the scope. A scope therefore works with InTx:
//
//	err := postgres.InTx(ctx, scope, opts, fn)
func (s *ReadScope) BeginTx(ctx context.Context, opts pgx.TxOptions) (pgx.Tx, error) {
	b, ok := s.db.(TxBeginner)
	if !ok {
		return nil, ErrNoBeginTx
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil || s.off || opts.AccessMode == pgx.ReadOnly {
		return tx, err
	}
	return &scopeTx{Tx: tx, s: s}, nil
}

// entry is one cached result: raw values as the server sent them, in the
// format named by each field description.
type entry struct {
	fields []pgconn.FieldDescription
	rows   [][][]byte // nil value = SQL NULL
	tag    pgconn.CommandTag
	size   int
}

type cacheKey struct {
	sql  string
	args string
}

// key builds the cache key of a read, or reports that it cannot be cached.
func (s *ReadScope) key(ctx context.Context, sql string, args []any) (cacheKey, bool) {
	if bypassed(ctx) {
		s.uncached()
		return cacheKey{}, false
	}
	var buf [128]byte
	enc, ok := appendArgs(buf[:0], args)
	if !ok {
		s.uncached()
		return cacheKey{}, false
	}
	return cacheKey{sql: sql, args: string(enc)}, true
}

func (s *ReadScope) uncached() {
	s.mu.Lock()
	s.stats.Uncached++
	s.mu.Unlock()
}

// store keeps e unless the scope was invalidated since the read started or
// a bound would be exceeded.
func (s *ReadScope) store(key cacheKey, gen uint64, e *entry) {
	cfg := &s.c.cfg
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.gen || len(s.entries) >= cfg.MaxEntries || s.bytes+e.size > cfg.MaxBytes {
		return
	}
	if s.entries == nil {
		s.entries = make(map[cacheKey]*entry)
	}
	if old, ok := s.entries[key]; ok {
		s.bytes -= old.size
	}
	s.entries[key] = e
	s.bytes += e.size
}

// lockTypeMap locks and returns the scope's type map, made on first use.
func (s *ReadScope) lockTypeMap() *pgtype.Map {
	s.tmMu.Lock()
	if s.typeMap == nil {
		s.typeMap = s.c.cfg.NewTypeMap()
	}
	return s.typeMap
}
