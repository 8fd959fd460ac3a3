package peers

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// bunRow is the models row for bun.
type bunRow struct {
	bun.BaseModel `bun:"table:models"`

	ID      int32 `bun:",pk,autoincrement"`
	Name    string
	Title   string
	Fax     string
	Web     string
	Age     int32
	Right   bool
	Counter int64
}

func bunRows(n int) []bunRow {
	m := benchdb.NewModel()
	out := make([]bunRow, n)
	for i := range out {
		out[i] = bunRow{Name: m.Name, Title: m.Title, Fax: m.Fax, Web: m.Web, Age: m.Age, Right: m.Right, Counter: m.Counter}
	}
	return out
}

// bunDriver is bun on its own PostgreSQL driver, pgdriver, as in efectn.
type bunDriver struct{ db *bun.DB }

// OpenBun opens the bun contender.
func OpenBun(ctx context.Context, dsn string) (Driver, error) {
	opts, err := pgdriverOptions(dsn)
	if err != nil {
		return nil, err
	}
	db := bun.NewDB(sql.OpenDB(pgdriver.NewConnector(opts...)), pgdialect.New())
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return &bunDriver{db: db}, nil
}

// pgdriverOptions translates a libpq-style DSN for pgdriver, whose own DSN
// parser does not understand a Unix socket directory in host=.
func pgdriverOptions(dsn string) ([]pgdriver.Option, error) {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	opts := []pgdriver.Option{
		pgdriver.WithUser(cfg.User),
		pgdriver.WithPassword(cfg.Password),
		pgdriver.WithDatabase(cfg.Database),
		pgdriver.WithInsecure(cfg.TLSConfig == nil),
	}
	port := strconv.Itoa(int(cfg.Port))
	if strings.HasPrefix(cfg.Host, "/") {
		opts = append(opts, pgdriver.WithNetwork("unix"),
			pgdriver.WithAddr(filepath.Join(cfg.Host, ".s.PGSQL."+port)))
	} else {
		opts = append(opts, pgdriver.WithAddr(cfg.Host+":"+port))
	}
	return opts, nil
}

func (d *bunDriver) Close() error { return d.db.Close() }

func (d *bunDriver) Prepare(ctx context.Context, op Op) (func(context.Context) error, error) {
	switch op {
	case Insert:
		r := bunRows(1)[0]
		return func(ctx context.Context) error {
			r.ID = 0
			_, err := d.db.NewInsert().Model(&r).Exec(ctx)
			return err
		}, nil
	case InsertMulti, Bulk:
		rs := bunRows(MultiRows)
		if op == Bulk {
			rs = bunRows(BulkRows)
		}
		return func(ctx context.Context) error {
			for i := range rs {
				rs[i].ID = 0
			}
			res, err := d.db.NewInsert().Model(&rs).Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != int64(len(rs)) {
				return errCount(op, int(n), len(rs))
			}
			return nil
		}, nil
	case Update:
		r := bunRows(1)[0]
		if _, err := d.db.NewInsert().Model(&r).Exec(ctx); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			res, err := d.db.NewUpdate().Model(&r).WherePK().Exec(ctx)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return errAffected(op, n)
			}
			return nil
		}, nil
	case Read:
		r := bunRows(1)[0]
		if _, err := d.db.NewInsert().Model(&r).Exec(ctx); err != nil {
			return nil, err
		}
		id := r.ID
		return func(ctx context.Context) error {
			out := bunRow{ID: id}
			return d.db.NewSelect().Model(&out).WherePK().Scan(ctx)
		}, nil
	case ReadSlice:
		rs := bunRows(SliceRows)
		if _, err := d.db.NewInsert().Model(&rs).Exec(ctx); err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			var out []bunRow
			err := d.db.NewSelect().Model(&out).Where("id > ?", 0).Limit(SliceRows).Scan(ctx)
			if err == nil && len(out) != SliceRows {
				err = errCount(op, len(out), SliceRows)
			}
			return err
		}, nil
	}
	return nil, errUnknownOp(op)
}
