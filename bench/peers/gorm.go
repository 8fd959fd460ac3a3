package peers

import (
	"context"

	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// gormRow is the models row for GORM.
type gormRow struct {
	ID      int32 `gorm:"primaryKey"`
	Name    string
	Title   string
	Fax     string
	Web     string
	Age     int32
	Right   bool
	Counter int64
}

func (gormRow) TableName() string { return "models" }

func gormRows(n int) []gormRow {
	m := benchdb.NewModel()
	out := make([]gormRow, n)
	for i := range out {
		out[i] = gormRow{Name: m.Name, Title: m.Title, Fax: m.Fax, Web: m.Web, Age: m.Age, Right: m.Right, Counter: m.Counter}
	}
	return out
}

// gormDriver is GORM as efectn's gorm_prep configures it: prepared
// statements, no default transaction around single writes.
type gormDriver struct{ db *gorm.DB }

// OpenGorm opens the GORM contender (gorm.io/driver/postgres, on pgx's
// database/sql driver).
func OpenGorm(ctx context.Context, dsn string) (Driver, error) {
	db, err := gorm.Open(postgres.New(postgres.Config{DSN: dsn}), &gorm.Config{
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		Logger:                 logger.Discard,
	})
	if err != nil {
		return nil, err
	}
	return &gormDriver{db: db}, nil
}

func (g *gormDriver) Close() error {
	sqlDB, err := g.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

func (g *gormDriver) Prepare(ctx context.Context, op Op) (func(context.Context) error, error) {
	switch op {
	case Insert:
		r := gormRows(1)[0]
		return func(ctx context.Context) error {
			r.ID = 0
			return g.db.WithContext(ctx).Create(&r).Error
		}, nil
	case InsertMulti:
		rs := gormRows(MultiRows)
		return func(ctx context.Context) error {
			for i := range rs {
				rs[i].ID = 0
			}
			res := g.db.WithContext(ctx).Create(&rs)
			if res.Error == nil && res.RowsAffected != int64(len(rs)) {
				return errCount(op, int(res.RowsAffected), len(rs))
			}
			return res.Error
		}, nil
	case Bulk:
		rs := gormRows(BulkRows)
		return func(ctx context.Context) error {
			for i := range rs {
				rs[i].ID = 0
			}
			var n int64
			err := g.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
				res := tx.CreateInBatches(&rs, BatchRows)
				n = res.RowsAffected
				return res.Error
			})
			if err == nil && n != int64(len(rs)) {
				err = errCount(op, int(n), len(rs))
			}
			return err
		}, nil
	case Update:
		r := gormRows(1)[0]
		if err := g.db.WithContext(ctx).Create(&r).Error; err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			res := g.db.WithContext(ctx).Model(&r).Updates(&r)
			if res.Error == nil && res.RowsAffected != 1 {
				return errAffected(op, res.RowsAffected)
			}
			return res.Error
		}, nil
	case Read:
		r := gormRows(1)[0]
		if err := g.db.WithContext(ctx).Create(&r).Error; err != nil {
			return nil, err
		}
		id := r.ID
		return func(ctx context.Context) error {
			var out gormRow
			return g.db.WithContext(ctx).Take(&out, id).Error
		}, nil
	case ReadSlice:
		rs := gormRows(SliceRows)
		if err := g.db.WithContext(ctx).Create(&rs).Error; err != nil {
			return nil, err
		}
		return func(ctx context.Context) error {
			var out []gormRow
			err := g.db.WithContext(ctx).Where("id > ?", 0).Limit(SliceRows).Find(&out).Error
			if err == nil && len(out) != SliceRows {
				err = errCount(op, len(out), SliceRows)
			}
			return err
		}, nil
	}
	return nil, errUnknownOp(op)
}
