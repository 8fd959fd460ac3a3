package peers

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// pgxDB is what the raw pgx contenders need; *pgx.Conn and *pgxpool.Pool
// have it.
type pgxDB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// rawPgx is hand-written pgx/v5 with the default statement cache, on one
// connection (efectn's pgx) or on a pool (efectn's pgx_pool). It runs the
// same SQL text as the sqlc code and COPY (CopyFrom) for the bulk
// operations.
type rawPgx struct {
	db    pgxDB
	close func()
}

// OpenPgx opens raw pgx on one *pgx.Conn.
func OpenPgx(ctx context.Context, dsn string) (Driver, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	return &rawPgx{db: conn, close: func() { conn.Close(context.Background()) }}, nil
}

// OpenPgxPool opens raw pgx on a *pgxpool.Pool with pgx's defaults.
func OpenPgxPool(ctx context.Context, dsn string) (Driver, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return &rawPgx{db: pool, close: pool.Close}, nil
}

func (p *rawPgx) Close() error { p.close(); return nil }

func (p *rawPgx) insert(ctx context.Context, m *benchdb.Model) (int32, error) {
	var id int32
	err := p.db.QueryRow(ctx, benchdb.InsertModel,
		m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter).Scan(&id)
	return id, err
}

func (p *rawPgx) copy(ctx context.Context, ms []benchdb.Model) (int64, error) {
	return p.db.CopyFrom(ctx, pgx.Identifier{"models"}, benchdb.InsertColumns(),
		pgx.CopyFromSlice(len(ms), func(i int) ([]any, error) {
			m := &ms[i]
			return []any{m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter}, nil
		}))
}

func (p *rawPgx) Prepare(ctx context.Context, op Op) (func(context.Context) error, error) {
	switch op {
	case Insert:
		m := benchdb.NewModel()
		return func(ctx context.Context) error {
			_, err := p.insert(ctx, &m)
			return err
		}, nil
	case InsertMulti, Bulk:
		ms := rows(MultiRows)
		if op == Bulk {
			ms = rows(BulkRows)
		}
		return func(ctx context.Context) error {
			n, err := p.copy(ctx, ms)
			if err == nil && int(n) != len(ms) {
				err = errCount(op, int(n), len(ms))
			}
			return err
		}, nil
	case Update:
		m := benchdb.NewModel()
		id, err := p.insert(ctx, &m)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			tag, err := p.db.Exec(ctx, benchdb.UpdateModel,
				m.Name, m.Title, m.Fax, m.Web, m.Age, m.Right, m.Counter, id)
			if err == nil && tag.RowsAffected() != 1 {
				err = errAffected(op, tag.RowsAffected())
			}
			return err
		}, nil
	case Read:
		id, err := p.insert(ctx, new(benchdb.NewModel()))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			var m benchdb.Model
			return p.db.QueryRow(ctx, benchdb.GetModel, id).Scan(
				&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter)
		}, nil
	case ReadSlice:
		if _, err := p.copy(ctx, rows(SliceRows)); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			ms, err := p.list(ctx)
			if err == nil && len(ms) != SliceRows {
				err = errCount(op, len(ms), SliceRows)
			}
			return err
		}, nil
	}
	return nil, errUnknownOp(op)
}

func (p *rawPgx) list(ctx context.Context) ([]benchdb.Model, error) {
	rows, err := p.db.Query(ctx, benchdb.ListModels, int32(0), int32(SliceRows))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ms []benchdb.Model
	for rows.Next() {
		var m benchdb.Model
		if err := rows.Scan(&m.ID, &m.Name, &m.Title, &m.Fax, &m.Web, &m.Age, &m.Right, &m.Counter); err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, rows.Err()
}
