package model

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// upsertTable is the temporary staging table of a bulk upsert. It lives
// in the session's pg_temp schema and is dropped before the operation ends.
const upsertTable = "aquila_upsert"

// upsertStaging is the staging table qualified with pg_temp and quoted.
const upsertStaging = `"pg_temp"."` + upsertTable + `"`

// Conflict is the ON CONFLICT clause of a bulk upsert: DoNothing or DoUpdate.
type Conflict struct {
	target []string
	set    []string
	update bool
}

// DoNothing is ON CONFLICT (target) DO NOTHING; with no target, any
// unique violation skips the row.
func DoNothing(target ...string) Conflict { return Conflict{target: target} }

// DoUpdate is ON CONFLICT (target) DO UPDATE SET c = EXCLUDED.c for each
// column of set, or for every bound column not in target when set is empty.
// A column of set that is not bound takes its default.
func DoUpdate(target []string, set ...string) Conflict {
	return Conflict{target: target, set: set, update: true}
}

type upsert struct {
	createSQL string
	finishSQL string
}

// BulkUpsert inserts rows into b's table like BulkCreate, resolving
// conflicts as c says, something COPY cannot do by itself: the rows are
// copied into a temporary table, then moved with one INSERT … SELECT … ON
// CONFLICT. It returns the number of rows inserted or updated. All or
// nothing, like BulkCreate. With DoUpdate, two input rows with the same
// conflict key make the server fail the statement ("cannot affect row a
// second time").
func BulkUpsert[T any](ctx context.Context, db DBTX, b *Binding[T], rows []T, c Conflict, opts ...BulkOption) (int64, error) {
	up, err := newUpsert(b, c)
	if err != nil {
		return 0, err
	}
	return runBulk(ctx, db, b, opts, up, sliceInput(b, rows))
}

// BulkUpsertSeq is BulkUpsert for a stream of rows.
func BulkUpsertSeq[T any](ctx context.Context, db DBTX, b *Binding[T], rows iter.Seq2[T, error], c Conflict, opts ...BulkOption) (int64, error) {
	up, err := newUpsert(b, c)
	if err != nil {
		return 0, err
	}
	return runBulk(ctx, db, b, opts, up, seqInput(b, rows))
}

func newUpsert[T any](b *Binding[T], c Conflict) (*upsert, error) {
	if b == nil {
		return nil, &Error{Err: errNilTable}
	}
	t := b.table
	fail := func(col, detail string) error {
		return &Error{Table: t.name, Column: col, Err: ErrInvalidConflict, Detail: detail}
	}
	for _, n := range slices.Concat(c.target, c.set) {
		if t.Column(n) == nil {
			return nil, fail(n, "unknown column")
		}
	}
	if len(c.target) > 0 && !t.isUniqueKey(c.target) {
		return nil, fail("", quoteIdentList(c.target)+" is not a primary key, unique constraint or unique index")
	}
	set := c.set
	if c.update {
		if len(c.target) == 0 {
			return nil, fail("", "DO UPDATE needs a conflict target")
		}
		if len(set) == 0 {
			for _, n := range b.columns {
				if !slices.Contains(c.target, n) {
					set = append(set, n)
				}
			}
			if len(set) == 0 {
				return nil, fail("", "no column to update")
			}
		}
	}

	cols := b.colList

	var sb strings.Builder
	sb.WriteString("INSERT INTO ")
	sb.WriteString(t.quoted)
	sb.WriteString(" (")
	sb.WriteString(cols)
	sb.WriteString(") SELECT ")
	sb.WriteString(cols)
	sb.WriteString(" FROM ")
	sb.WriteString(upsertStaging)
	sb.WriteString(" ON CONFLICT ")
	if len(c.target) > 0 {
		sb.WriteString(quoteIdentList(c.target))
		sb.WriteByte(' ')
	}
	if !c.update {
		sb.WriteString("DO NOTHING")
	} else {
		sb.WriteString("DO UPDATE SET ")
		for i, n := range set {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(quoteIdent(n))
			sb.WriteString(" = EXCLUDED.")
			sb.WriteString(quoteIdent(n))
		}
	}
	return &upsert{
		createSQL: "CREATE TEMP TABLE " + quoteIdent(upsertTable) + " AS SELECT " + cols + " FROM " + t.quoted + " WITH NO DATA",
		finishSQL: sb.String() + ";\nDROP TABLE " + upsertStaging,
	}, nil
}

// finish moves the staged rows and drops the staging table, in one round trip.
func (u *upsert) finish(ctx context.Context, tx pgx.Tx) (int64, error) {
	res, err := tx.Conn().PgConn().Exec(ctx, u.finishSQL).ReadAll()
	if err != nil {
		return 0, err
	}
	if len(res) != 2 {
		return 0, fmt.Errorf("upsert: %d results, want 2", len(res))
	}
	return res[0].CommandTag.RowsAffected(), nil
}
