package peers

import (
	"context"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/jmoiron/sqlx"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// sqlxRow is the models row for sqlx.
type sqlxRow struct {
	ID      int32  `db:"id"`
	Name    string `db:"name"`
	Title   string `db:"title"`
	Fax     string `db:"fax"`
	Web     string `db:"web"`
	Age     int32  `db:"age"`
	Right   bool   `db:"right"`
	Counter int64  `db:"counter"`
}

func sqlxRows(n int) []sqlxRow {
	m := benchdb.NewModel()
	out := make([]sqlxRow, n)
	for i := range out {
		out[i] = sqlxRow{Name: m.Name, Title: m.Title, Fax: m.Fax, Web: m.Web, Age: m.Age, Right: m.Right, Counter: m.Counter}
	}
	return out
}

// SQL of the sqlx contender: positional for single rows, named for the
// slice inserts that sqlx expands into a multi-row VALUES.
const (
	sqlxInsertNamed = `INSERT INTO "models" ("name", "title", "fax", "web", "age", "right", "counter")
VALUES (:name, :title, :fax, :web, :age, :right, :counter)`
	sqlxSelect = `SELECT "id", "name", "title", "fax", "web", "age", "right", "counter" FROM "models"`
)

// sqlxDriver is sqlx over pgx's database/sql driver (efectn used lib/pq,
// which costs a second round trip per query).
type sqlxDriver struct{ db *sqlx.DB }

// OpenSqlx opens the sqlx contender.
func OpenSqlx(ctx context.Context, dsn string) (Driver, error) {
	db, err := sqlx.ConnectContext(ctx, "pgx", dsn)
	if err != nil {
		return nil, err
	}
	return &sqlxDriver{db: db}, nil
}

func (s *sqlxDriver) Close() error { return s.db.Close() }

func (s *sqlxDriver) insert(ctx context.Context, r *sqlxRow) (int32, error) {
	var id int32
	err := s.db.QueryRowxContext(ctx, benchdb.InsertModel,
		r.Name, r.Title, r.Fax, r.Web, r.Age, r.Right, r.Counter).Scan(&id)
	return id, err
}

func (s *sqlxDriver) Prepare(ctx context.Context, op Op) (func(context.Context) error, error) {
	switch op {
	case Insert:
		r := sqlxRows(1)[0]
		return func(ctx context.Context) error {
			_, err := s.insert(ctx, &r)
			return err
		}, nil
	case InsertMulti:
		rs := sqlxRows(MultiRows)
		return func(ctx context.Context) error {
			res, err := s.db.NamedExecContext(ctx, sqlxInsertNamed, rs)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != int64(len(rs)) {
				return errCount(op, int(n), len(rs))
			}
			return nil
		}, nil
	case Bulk:
		rs := sqlxRows(BulkRows)
		return func(ctx context.Context) error {
			tx, err := s.db.BeginTxx(ctx, nil)
			if err != nil {
				return err
			}
			defer tx.Rollback()
			var n int64
			for start := 0; start < len(rs); start += BatchRows {
				res, err := tx.NamedExecContext(ctx, sqlxInsertNamed, rs[start:min(start+BatchRows, len(rs))])
				if err != nil {
					return err
				}
				c, _ := res.RowsAffected()
				n += c
			}
			if n != int64(len(rs)) {
				return errCount(op, int(n), len(rs))
			}
			return tx.Commit()
		}, nil
	case Update:
		r := sqlxRows(1)[0]
		id, err := s.insert(ctx, &r)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			res, err := s.db.ExecContext(ctx, benchdb.UpdateModel,
				r.Name, r.Title, r.Fax, r.Web, r.Age, r.Right, r.Counter, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errAffected(op, n)
			}
			return nil
		}, nil
	case Read:
		r := sqlxRows(1)[0]
		id, err := s.insert(ctx, &r)
		if err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			var out sqlxRow
			return s.db.GetContext(ctx, &out, sqlxSelect+` WHERE "id" = $1`, id)
		}, nil
	case ReadSlice:
		if _, err := s.db.NamedExecContext(ctx, sqlxInsertNamed, sqlxRows(SliceRows)); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			var out []sqlxRow
			err := s.db.SelectContext(ctx, &out, sqlxSelect+` WHERE "id" > $1 LIMIT $2`, 0, SliceRows)
			if err == nil && len(out) != SliceRows {
				err = errCount(op, len(out), SliceRows)
			}
			return err
		}, nil
	}
	return nil, errUnknownOp(op)
}
