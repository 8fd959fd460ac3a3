package cli_test

import (
	"bytes"
	"context"
	"os"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5"

	"github.com/aquila-go/aquila/cli"
	"github.com/aquila-go/aquila/internal/goosecli"
	"github.com/aquila-go/aquila/model"
	"github.com/aquila-go/aquila/postgres/pgtest"
)

// fixtureTables is the test service's metadata: customers, and items with
// a column of every type model knows, arrays included.
func fixtureTables() []*model.TableDef {
	customers := model.Table("customers",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("email", model.Text).NotNull().Unique(),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
	)
	items := model.Table("items",
		model.Col("id", model.UUID).PrimaryKey(),
		model.Col("customer_id", model.BigInt).References("customers", "id"),
		model.Col("small", model.SmallInt),
		model.Col("count", model.Integer).NotNull(),
		model.Col("big", model.BigInt),
		model.Col("serial", model.BigSerial),
		model.Col("flag", model.Boolean),
		model.Col("name", model.Varchar(10)),
		model.Col("note", model.Text),
		model.Col("ratio", model.Real),
		model.Col("score", model.Double),
		model.Col("price", model.Numeric(8, 2)),
		model.Col("day", model.Date),
		model.Col("at", model.Timestamp),
		model.Col("at_tz", model.TimestampTZ),
		model.Col("doc", model.JSON),
		model.Col("docb", model.JSONB),
		model.Col("blob", model.Bytea),
		model.Col("tags", model.Text.Array()),
		model.Col("scores", model.Integer.Array()),
		model.Col("prices", model.Numeric(8, 2).Array()),
	)
	return []*model.TableDef{customers, items}
}

// fixture is the test service: the fixture metadata and one migration
// that creates it.
func fixture(t testing.TB) cli.Service {
	t.Helper()
	reg, err := model.NewRegistry(fixtureTables()...)
	if err != nil {
		t.Fatal(err)
	}
	up := "-- +goose Up\n" + model.Script(reg.CreateStatements()) + "\n-- +goose Down\n" + model.Script(reg.DropStatements())
	return cli.Service{
		Name:       "shop",
		EnvPrefix:  "SHOP",
		Registry:   reg,
		Migrations: fstest.MapFS{"00001_shop.sql": {Data: []byte(up)}},
	}
}

// run runs a command of svc in-process and returns its exit code, stdout
// and stderr.
func run(svc cli.Service, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), svc, args, &out, &errb)
	return code, out.String(), errb.String()
}

// connect opens a connection to dsn for the test.
func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func exec1(t *testing.T, dsn, sql string, args ...any) {
	t.Helper()
	if _, err := connect(t, dsn).Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// query1 scans the one row of sql.
func query1(t *testing.T, dsn, sql string, dst ...any) {
	t.Helper()
	if err := connect(t, dsn).QueryRow(context.Background(), sql).Scan(dst...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// pg gives each test its own database on one embedded server per test
// binary.
var pg = pgtest.New()

// goose is the goose CLI, for the migrations migrate diff writes.
var goose = goosecli.New("../tools/go.mod")

func TestMain(m *testing.M) {
	code := pg.Run(m)
	goose.Close()
	os.Exit(code)
}
