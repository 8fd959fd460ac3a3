package peers

import (
	"context"
	"fmt"

	"github.com/aquila-go/aquila/bench/internal/benchdb"
)

// Op is one benchmarked operation.
type Op string

// The operations, in report order.
const (
	Insert      Op = "Insert"
	InsertMulti Op = "InsertMulti"
	Update      Op = "Update"
	Read        Op = "Read"
	ReadSlice   Op = "ReadSlice"
	Bulk        Op = "Bulk10k"
)

// Ops lists the operations in report order.
func Ops() []Op { return []Op{Insert, InsertMulti, Update, Read, ReadSlice, Bulk} }

// Row counts of the operations.
const (
	MultiRows = 100    // InsertMulti
	SliceRows = 100    // ReadSlice
	BulkRows  = 10_000 // Bulk10k
	// BatchRows is the statement size of GORM's and sqlx's bulk inserts:
	// 10 000 rows × 7 parameters would exceed PostgreSQL's 65 535.
	BatchRows = 5_000
)

// Driver runs the operations through one library.
type Driver interface {
	// Prepare writes what op needs (Update and Read one row, ReadSlice 100
	// rows) and returns one iteration of op.
	Prepare(ctx context.Context, op Op) (func(context.Context) error, error)
	// Close releases the driver's connections.
	Close() error
}

// Contender is a named way to open a Driver on a DSN.
type Contender struct {
	Name string
	Open func(ctx context.Context, dsn string) (Driver, error)
}

// Contenders lists every contender, aquila first.
func Contenders() []Contender {
	return []Contender{
		{"aquila", OpenAquila},
		{"pgx", OpenPgx},
		{"pgxpool", OpenPgxPool},
		{"gorm", OpenGorm},
		{"bun", OpenBun},
		{"sqlx", OpenSqlx},
	}
}

// rows returns n copies of efectn's row.
func rows(n int) []benchdb.Model {
	out := make([]benchdb.Model, n)
	for i := range out {
		out[i] = benchdb.NewModel()
	}
	return out
}

// Errors from the checks every contender makes on its results.

func errAffected(op Op, n int64) error { return fmt.Errorf("%s: %d rows affected, want 1", op, n) }

func errCount(op Op, got, want int) error { return fmt.Errorf("%s: %d rows, want %d", op, got, want) }

func errUnknownOp(op Op) error { return fmt.Errorf("unknown operation %q", op) }
