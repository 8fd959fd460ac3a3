package peers

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres"
)

// aquila is the contender for aquila: sqlc-generated queries on the warmed
// pool of postgres.Open, with every statement prepared on connect, and
// model.BulkCreate for the bulk operations.
type aquila struct {
	pool *pgxpool.Pool
	q    *benchdb.Queries
	bind *model.Binding[benchdb.Model]
}

// OpenAquila opens the aquila contender on dsn.
func OpenAquila(ctx context.Context, dsn string) (Driver, error) {
	reg, err := benchdb.Registry()
	if err != nil {
		return nil, err
	}
	bind, err := benchdb.BindModels(reg)
	if err != nil {
		return nil, err
	}
	pool, err := postgres.Open(ctx, postgres.Config{
		DSN:          dsn,
		MinIdleConns: 1,
		Prepare:      benchdb.ModelStatements(),
	})
	if err != nil {
		return nil, err
	}
	return &aquila{pool: pool, q: benchdb.New(pool), bind: bind}, nil
}

func (a *aquila) Close() error { a.pool.Close(); return nil }

func insertParams(m *benchdb.Model) benchdb.InsertModelParams {
	return benchdb.InsertModelParams{Name: m.Name, Title: m.Title, Fax: m.Fax, Web: m.Web,
		Age: m.Age, Right: m.Right, Counter: m.Counter}
}

func (a *aquila) Prepare(ctx context.Context, op Op) (func(context.Context) error, error) {
	switch op {
	case Insert:
		arg := insertParams(new(benchdb.NewModel()))
		return func(ctx context.Context) error {
			_, err := a.q.InsertModel(ctx, arg)
			return err
		}, nil
	case InsertMulti, Bulk:
		ms := rows(MultiRows)
		if op == Bulk {
			ms = rows(BulkRows)
		}
		return func(ctx context.Context) error {
			n, err := model.BulkCreate(ctx, a.pool, a.bind, ms)
			if err == nil && int(n) != len(ms) {
				err = errCount(op, int(n), len(ms))
			}
			return err
		}, nil
	case Update:
		m := benchdb.NewModel()
		id, err := a.q.InsertModel(ctx, insertParams(&m))
		if err != nil {
			return nil, err
		}
		arg := benchdb.UpdateModelParams{Name: m.Name, Title: m.Title, Fax: m.Fax, Web: m.Web,
			Age: m.Age, Right: m.Right, Counter: m.Counter, ID: id}
		return func(ctx context.Context) error {
			n, err := a.q.UpdateModel(ctx, arg)
			if err == nil && n != 1 {
				err = errAffected(op, n)
			}
			return err
		}, nil
	case Read:
		id, err := a.q.InsertModel(ctx, insertParams(new(benchdb.NewModel())))
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			_, err := a.q.GetModel(ctx, id)
			return err
		}, nil
	case ReadSlice:
		if _, err := model.BulkCreate(ctx, a.pool, a.bind, rows(SliceRows)); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			ms, err := a.q.ListModels(ctx, 0, SliceRows)
			if err == nil && len(ms) != SliceRows {
				err = errCount(op, len(ms), SliceRows)
			}
			return err
		}, nil
	}
	return nil, errUnknownOp(op)
}
