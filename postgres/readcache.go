package postgres

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// DBTX is what sqlc-generated code runs queries on (its db.DBTX) and what a
// ReadScope wraps: *pgxpool.Pool, *pgx.Conn and pgx.Tx implement it.
type DBTX interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

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
func (c *ReadCache) SessionScope(s *Session) *ReadScope {
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
	return &recordRows{Rows: rows, s: s, key: key, gen: gen, e: &entry{}}, nil
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
	return &scopeRow{rows: rows, err: err}
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

// scopeTx invalidates its scope when it commits.
type scopeTx struct {
	pgx.Tx
	s *ReadScope
}

func (t *scopeTx) Commit(ctx context.Context) error {
	s := t.s
	s.Invalidate()
	defer s.Invalidate()
	return t.Tx.Commit(ctx)
}

// writeRows invalidates its scope again when closed, so that a read that
// raced with the write is not kept.
type writeRows struct {
	pgx.Rows
	s    *ReadScope
	done bool
}

func (r *writeRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.finish()
	return false
}

func (r *writeRows) Close() {
	r.Rows.Close()
	r.finish()
}

func (r *writeRows) finish() {
	if !r.done {
		r.done = true
		r.s.Invalidate()
	}
}

type writeRow struct {
	pgx.Row
	s *ReadScope
}

func (r writeRow) Scan(dest ...any) error {
	defer r.s.Invalidate()
	return r.Row.Scan(dest...)
}

type writeBatch struct {
	pgx.BatchResults
	s *ReadScope
}

func (b *writeBatch) Close() error {
	defer b.s.Invalidate()
	return b.BatchResults.Close()
}

// scopeRow is QueryRow over Query, as pgx's own: the first row or
// pgx.ErrNoRows, then close.
type scopeRow struct {
	rows pgx.Rows
	err  error
}

func (r *scopeRow) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	rows := r.rows
	if !rows.Next() {
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		return pgx.ErrNoRows
	}
	err := rows.Scan(dest...)
	rows.Close()
	if err != nil {
		return err
	}
	return rows.Err()
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

// recordRows passes rows through and records their raw values; when the
// result has been read to its end without error it is stored in the scope.
// Closing it early reads (and records) the rest of the result, which pgx
// would otherwise read and discard, up to MaxRows.
type recordRows struct {
	pgx.Rows
	s        *ReadScope
	key      cacheKey
	gen      uint64
	e        *entry
	overflow bool
	finished bool
}

func (r *recordRows) Next() bool {
	if !r.Rows.Next() {
		r.finish()
		return false
	}
	r.record()
	return true
}

func (r *recordRows) Close() {
	if !r.finished {
		for !r.overflow && r.Rows.Err() == nil && r.Rows.Next() {
			r.record()
		}
	}
	r.Rows.Close()
	r.finish()
}

func (r *recordRows) record() {
	if r.overflow {
		return
	}
	e := r.e
	if len(e.rows) >= r.s.c.cfg.MaxRows {
		r.overflow, e.rows = true, nil
		return
	}
	if e.fields == nil {
		e.fields = append([]pgconn.FieldDescription{}, r.Rows.FieldDescriptions()...)
	}
	raw := r.Rows.RawValues()
	row, n := copyRow(raw)
	e.rows = append(e.rows, row)
	e.size += n + 24*len(raw) + 24
	if e.size > r.s.c.cfg.MaxBytes {
		r.overflow, e.rows = true, nil
	}
}

func (r *recordRows) finish() {
	if r.finished {
		return
	}
	r.finished = true
	if r.overflow || r.Rows.Err() != nil {
		return
	}
	if r.e.fields == nil {
		r.e.fields = append([]pgconn.FieldDescription{}, r.Rows.FieldDescriptions()...)
	}
	r.e.tag = r.Rows.CommandTag()
	r.s.store(r.key, r.gen, r.e)
}

// replayRows is a pgx.Rows over a cached result. pgx offers no such type:
// it decodes the buffered raw values with the scope's type map exactly as
// pgx decodes them off the wire. Conn returns nil.
type replayRows struct {
	s      *ReadScope
	e      *entry
	i      int
	closed bool
	err    error
	tm     *pgtype.Map // made by TypeMap, for this Rows alone
}

func (r *replayRows) Close()                                       { r.closed = true }
func (r *replayRows) Err() error                                   { return r.err }
func (r *replayRows) CommandTag() pgconn.CommandTag                { return r.e.tag }
func (r *replayRows) FieldDescriptions() []pgconn.FieldDescription { return r.e.fields }
func (r *replayRows) Conn() *pgx.Conn                              { return nil }

// TypeMap returns a type map for decoding the rows' raw values. It is
// made for this Rows alone: the scope's own map is shared by the
// request's goroutines.
func (r *replayRows) TypeMap() *pgtype.Map {
	if r.tm == nil {
		r.tm = r.s.c.cfg.NewTypeMap()
	}
	return r.tm
}

func (r *replayRows) Next() bool {
	if r.closed {
		return false
	}
	r.i++
	if r.i >= len(r.e.rows) {
		r.closed = true
		return false
	}
	return true
}

// RawValues returns the cached bytes of the current row; they are shared
// with later replays and must not be modified.
func (r *replayRows) RawValues() [][]byte {
	if r.closed || r.i < 0 {
		return nil
	}
	return r.e.rows[r.i]
}

func (r *replayRows) current() ([][]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.closed || r.i < 0 {
		return nil, errRowsClosed
	}
	return r.e.rows[r.i], nil
}

var errRowsClosed = errors.New("read scope: no current row")

func (r *replayRows) Scan(dest ...any) error {
	values, err := r.current()
	if err != nil {
		return err
	}
	if len(dest) == 1 {
		if rs, ok := dest[0].(pgx.RowScanner); ok {
			err = rs.ScanRow(r)
			return r.fail(err)
		}
	}
	tm := r.s.lockTypeMap()
	err = pgx.ScanRow(tm, r.e.fields, values, dest...)
	r.s.tmMu.Unlock()
	return r.fail(err)
}

func (r *replayRows) Values() ([]any, error) {
	values, err := r.current()
	if err != nil {
		return nil, err
	}
	tm := r.s.lockTypeMap()
	defer r.s.tmMu.Unlock()
	out, err := decodeValues(tm, r.e.fields, values)
	return out, r.fail(err)
}

// fail records a scan error and closes the rows, as pgx does.
func (r *replayRows) fail(err error) error {
	if err != nil {
		r.err, r.closed = err, true
	}
	return err
}

// lockTypeMap locks and returns the scope's type map, made on first use.
func (s *ReadScope) lockTypeMap() *pgtype.Map {
	s.tmMu.Lock()
	if s.typeMap == nil {
		s.typeMap = s.c.cfg.NewTypeMap()
	}
	return s.typeMap
}

// appendArgs encodes args into a key: a type tag and the value for every
// argument. Two argument lists with the same encoding are sent to the
// server as the same values for the same statement. An argument of a type
// it does not know makes it report false.
func appendArgs(b []byte, args []any) ([]byte, bool) {
	for _, a := range args {
		var ok bool
		if b, ok = appendArg(b, a); !ok {
			return b, false
		}
	}
	return b, true
}

func appendArg(b []byte, a any) ([]byte, bool) {
	switch v := a.(type) {
	case nil:
		return append(b, 'n'), true
	case string:
		return appendStr(append(b, 's'), v), true
	case int64:
		return appendInt(b, v), true
	case int32:
		return appendInt(b, int64(v)), true
	case int:
		return appendInt(b, int64(v)), true
	case int16:
		return appendInt(b, int64(v)), true
	case int8:
		return appendInt(b, int64(v)), true
	case uint8:
		return appendInt(b, int64(v)), true
	case uint16:
		return appendInt(b, int64(v)), true
	case uint32:
		return appendInt(b, int64(v)), true
	case uint64:
		if v > math.MaxInt64 {
			return binary.BigEndian.AppendUint64(append(b, 'u'), v), true
		}
		return appendInt(b, int64(v)), true
	case bool:
		if v {
			return append(b, 'b', 1), true
		}
		return append(b, 'b', 0), true
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'f'), math.Float64bits(v)), true
	case float32:
		return binary.BigEndian.AppendUint64(append(b, 'f'), math.Float64bits(float64(v))), true
	case time.Time:
		return appendTime(b, v), true
	case []byte:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendStr(append(b, 'y'), string(v)), true
	case json.RawMessage:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendStr(append(b, 'y'), string(v)), true
	case [16]byte:
		return append(append(b, 'U'), v[:]...), true
	case *string:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendArg(b, *v)
	case *int64:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendInt(b, *v), true
	case *int32:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendInt(b, int64(*v)), true
	case *int:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendInt(b, int64(*v)), true
	case *bool:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendArg(b, *v)
	case *float64:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendArg(b, *v)
	case *time.Time:
		if v == nil {
			return append(b, 'n'), true
		}
		return appendTime(b, *v), true
	case []int64:
		if v == nil {
			return append(b, 'n'), true
		}
		b = binary.AppendUvarint(append(b, 'A', 'i'), uint64(len(v)))
		for _, x := range v {
			b = binary.BigEndian.AppendUint64(b, uint64(x))
		}
		return b, true
	case []int32:
		if v == nil {
			return append(b, 'n'), true
		}
		b = binary.AppendUvarint(append(b, 'A', 'i'), uint64(len(v)))
		for _, x := range v {
			b = binary.BigEndian.AppendUint64(b, uint64(int64(x)))
		}
		return b, true
	case []string:
		if v == nil {
			return append(b, 'n'), true
		}
		b = binary.AppendUvarint(append(b, 'A', 's'), uint64(len(v)))
		for _, x := range v {
			b = appendStr(b, x)
		}
		return b, true
	case pgtype.Text:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendStr(append(b, 's'), v.String), true
	case pgtype.Int8:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendInt(b, v.Int64), true
	case pgtype.Int4:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendInt(b, int64(v.Int32)), true
	case pgtype.Bool:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return appendArg(b, v.Bool)
	case pgtype.UUID:
		if !v.Valid {
			return append(b, 'n'), true
		}
		return append(append(b, 'U'), v.Bytes[:]...), true
	case pgx.QueryExecMode:
		return binary.AppendVarint(append(b, 'M'), int64(v)), true
	}
	return b, false
}

func appendInt(b []byte, v int64) []byte {
	return binary.AppendVarint(append(b, 'i'), v)
}

func appendStr(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendTime encodes the instant and the zone offset: together they fix
// what pgx sends for date, timestamp and timestamptz parameters.
func appendTime(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	b = binary.AppendVarint(append(b, 't'), t.Unix())
	b = binary.AppendUvarint(b, uint64(t.Nanosecond()))
	return binary.AppendVarint(b, int64(off))
}

// StatementKind is Classify's verdict on a SQL text.
type StatementKind uint8

const (
	// StatementWrite is a statement that may change data, or one Classify
	// cannot prove does not.
	StatementWrite StatementKind = iota
	// StatementRead is a statement that only reads.
	StatementRead
)

func (k StatementKind) String() string {
	if k == StatementRead {
		return "read"
	}
	return "write"
}

// Classify tells reads from writes without a SQL parser, in one lexical
// pass that ReadCache runs once per distinct SQL text:
//
//   - sqlc's header "-- name: X :cmd" with an exec, execrows, execresult,
//     execlastid, copyfrom or batchexec command is a write;
//   - otherwise the statement is what ClassifySQL says of its text.
//
// Replica pools prepare, and Open warms, only what Classify calls a read;
// cmd/aquilagen routes sqlc's :one and :many queries by ClassifySQL,
// so the three agree.
func Classify(sql string) StatementKind {
	if _, cmd, ok := SQLCName(sql); ok {
		switch cmd {
		case ":exec", ":execrows", ":execresult", ":execlastid", ":copyfrom", ":batchexec":
			return StatementWrite
		}
	}
	k, _ := ClassifySQL(sql)
	return k
}

// ClassifySQL classifies a SQL text and names what decided it. A read's
// first keyword is SELECT, WITH, VALUES or TABLE, and no later word
// (outside comments, string literals and quoted identifiers) writes or
// locks: INSERT, UPDATE, DELETE, MERGE, INTO (SELECT INTO), SHARE (FOR
// SHARE / KEY SHARE), TRUNCATE, COPY, CALL, LOCK, NOTIFY, or nextval,
// setval, set_config, pg_notify, txid_current, pg_current_xact_id,
// pg_current_wal_*, pg_advisory_*, pg_try_advisory_*, lo_* or dblink*.
// Anything else, including an empty or malformed text, is a write. The
// reason is the first keyword of a read ("SELECT"), or what makes a write
// one ("INSERT", "FOR UPDATE", "SELECT INTO", "calls nextval", "empty
// statement", "malformed SQL").
//
// A word that only looks like one of these (a column named "share")
// makes a read a write: it goes uncached and to the primary, never stale.
// A SELECT calling a user-defined function with side effects is not
// detected; run such statements with Exec, through WithoutReadCache, or
// mark the sqlc query aquila:primary.
func ClassifySQL(sql string) (StatementKind, string) {
	lx := lexer{s: sql}
	first, prev := "", ""
	for {
		w, ok := lx.word()
		if !ok {
			switch {
			case lx.bad:
				return StatementWrite, "malformed SQL"
			case first == "":
				return StatementWrite, "empty statement"
			}
			return StatementRead, strings.ToUpper(first)
		}
		w = strings.ToLower(w)
		if first == "" {
			first = w
			switch w {
			case "select", "with", "values", "table":
				prev = w
				continue
			}
			return StatementWrite, strings.ToUpper(w)
		}
		if why := writeWord(w, prev, &lx); why != "" {
			return StatementWrite, why
		}
		prev = w
	}
}

// writeWord returns why the word w that lx has just read (lower case; prev
// is the word before it) makes a statement a write, or "".
func writeWord(w, prev string, lx *lexer) string {
	switch w {
	case "update":
		if prev == "for" || prev == "key" {
			return "FOR UPDATE"
		}
		return "UPDATE"
	case "into":
		return "SELECT INTO"
	case "for":
		if next := lx.peekWord(); next == "share" || next == "key" {
			return "FOR SHARE"
		}
		return ""
	case "insert", "delete", "merge", "share", "truncate", "copy", "call", "lock", "notify":
		return strings.ToUpper(w)
	case "nextval", "setval", "set_config", "pg_notify", "txid_current", "pg_current_xact_id":
	default:
		if !strings.HasPrefix(w, "pg_advisory") && !strings.HasPrefix(w, "pg_try_advisory") &&
			!strings.HasPrefix(w, "pg_current_wal_") && !strings.HasPrefix(w, "lo_") && !strings.HasPrefix(w, "dblink") {
			return ""
		}
	}
	if lx.call {
		return "calls " + w
	}
	return "names " + w
}

// SQLCName returns the name and command of the header line sqlc writes
// before each query, "-- name: X :cmd", when sql starts with one (after
// blank space). Nothing else in aquila parses that line.
func SQLCName(sql string) (name, cmd string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimLeft(sql, " \t\r\n"), "-- name:")
	if !ok {
		return "", "", false
	}
	line, _, _ := strings.Cut(rest, "\n")
	name, cmd, _ = strings.Cut(strings.TrimSpace(line), " ")
	cmd = strings.TrimSpace(cmd)
	if name == "" || len(cmd) < 2 || cmd[0] != ':' || strings.ContainsAny(cmd, " \t\r") {
		return "", "", false
	}
	return name, cmd, true
}

// lexer yields the bare words of a SQL text, skipping whitespace,
// comments, string and dollar-quoted literals, quoted identifiers,
// parameters and punctuation. bad is set on an unterminated literal or
// comment.
type lexer struct {
	s    string
	i    int
	bad  bool
	call bool // the last word is followed by "("
}

// peekWord returns the next word in lower case without consuming it.
func (l *lexer) peekWord() string {
	saved := *l
	w, _ := l.word()
	*l = saved
	return strings.ToLower(w)
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' || c == '$' }

func (l *lexer) word() (string, bool) {
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case c == '-' && l.i+1 < len(s) && s[l.i+1] == '-':
			j := strings.IndexByte(s[l.i:], '\n')
			if j < 0 {
				l.i = len(s)
			} else {
				l.i += j + 1
			}
		case c == '/' && l.i+1 < len(s) && s[l.i+1] == '*':
			depth := 0
			for l.i < len(s) {
				if strings.HasPrefix(s[l.i:], "/*") {
					depth++
					l.i += 2
				} else if strings.HasPrefix(s[l.i:], "*/") {
					depth--
					l.i += 2
					if depth == 0 {
						break
					}
				} else {
					l.i++
				}
			}
			if depth != 0 {
				l.bad = true
				return "", false
			}
		case c == '\'':
			escapes := l.i > 0 && (s[l.i-1] == 'e' || s[l.i-1] == 'E') && (l.i < 2 || !isIdentChar(s[l.i-2]))
			if !l.skipQuoted('\'', escapes) {
				return "", false
			}
		case c == '"':
			if !l.skipQuoted('"', false) {
				return "", false
			}
		case c == '$':
			l.i++
			j := l.i
			for j < len(s) && isIdentChar(s[j]) && s[j] != '$' {
				j++
			}
			if j < len(s) && s[j] == '$' && (j == l.i || isIdentStart(s[l.i])) {
				tag := s[l.i-1 : j+1]
				end := strings.Index(s[j+1:], tag)
				if end < 0 {
					l.bad = true
					return "", false
				}
				l.i = j + 1 + end + len(tag)
			} else {
				l.i = j // a parameter such as $1
			}
		case isIdentStart(c):
			j := l.i
			for j < len(s) && isIdentChar(s[j]) {
				j++
			}
			w := s[l.i:j]
			l.i = j
			if (w == "e" || w == "E") && j < len(s) && s[j] == '\'' {
				continue // E'...' string: the quote case handles it
			}
			k := j
			for k < len(s) && (s[k] == ' ' || s[k] == '\t' || s[k] == '\n' || s[k] == '\r') {
				k++
			}
			l.call = k < len(s) && s[k] == '('
			return w, true
		case c >= '0' && c <= '9':
			for l.i < len(s) && (isIdentChar(s[l.i]) || s[l.i] == '.') {
				l.i++
			}
		default:
			l.i++
		}
	}
	return "", false
}

// skipQuoted skips a literal that starts at l.i and ends with q (doubled q
// inside stands for itself; with escapes, a backslash escapes a byte).
func (l *lexer) skipQuoted(q byte, escapes bool) bool {
	s := l.s
	for i := l.i + 1; i < len(s); i++ {
		switch {
		case escapes && s[i] == '\\':
			i++
		case s[i] == q:
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			l.i = i + 1
			return true
		}
	}
	l.bad = true
	return false
}
