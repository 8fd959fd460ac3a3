package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aquila-go/aquila/model"
)

func TestRegistryErrors(t *testing.T) {
	id := func() *model.ColumnDef { return model.Col("id", model.BigInt).Identity().PrimaryKey() }
	parent := func() *model.TableDef { return model.Table("parent", id(), model.Col("code", model.Text).Unique()) }
	for _, tc := range []struct {
		name        string
		tables      []*model.TableDef
		err         error
		table, col  string
		msgContains string
	}{
		{"empty table name", []*model.TableDef{model.Table("", id())}, model.ErrEmptyName, "", "", `table "": empty name`},
		{"empty column name", []*model.TableDef{model.Table("t", id(), model.Col("", model.Text))}, model.ErrEmptyName, "t", "", ""},
		{"long name", []*model.TableDef{model.Table(strings.Repeat("x", 64), id())}, model.ErrNameTooLong, strings.Repeat("x", 64), "", ""},
		{"generated name too long", []*model.TableDef{model.Table("t", id(), model.Col(strings.Repeat("c", 60), model.Text).Unique())}, model.ErrNameTooLong, "t", strings.Repeat("c", 60), "name it explicitly"},
		{"duplicate table", []*model.TableDef{model.Table("t", id()), model.Table("t", id())}, model.ErrDuplicateTable, "t", "", `table "t": duplicate table`},
		{"duplicate column", []*model.TableDef{model.Table("t", id(), model.Col("id", model.Text))}, model.ErrDuplicateColumn, "t", "id", `table "t" column "id": duplicate column`},
		{"no columns", []*model.TableDef{model.Table("t")}, model.ErrNoColumns, "t", "", ""},
		{"invalid type", []*model.TableDef{model.Table("t", id(), model.Col("x", "bigitn"))}, model.ErrInvalidType, "t", "x", `"bigitn"`},
		{"invalid varchar", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Varchar(0)))}, model.ErrInvalidType, "t", "x", ""},
		{"invalid numeric", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Numeric(2, 3)))}, model.ErrInvalidType, "t", "x", ""},
		{"serial array", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Serial.Array()))}, model.ErrInvalidType, "t", "x", ""},
		{"identity on text", []*model.TableDef{model.Table("t", model.Col("id", model.Text).Identity())}, model.ErrInvalidIdentity, "t", "id", ""},
		{"identity with default", []*model.TableDef{model.Table("t", model.Col("id", model.BigInt).Identity().Default("1"))}, model.ErrInvalidIdentity, "t", "id", ""},
		{"serial with default", []*model.TableDef{model.Table("t", model.Col("id", model.Serial).Default("1"))}, model.ErrInvalidDefault, "t", "id", ""},
		{"invalid default value", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Text).DefaultValue([]int{1}))}, model.ErrInvalidDefault, "t", "x", ""},
		{"empty default", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Text).Default(""))}, model.ErrInvalidDefault, "t", "x", ""},
		{"two primary keys", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Text).PrimaryKey())}, model.ErrMultiplePrimary, "t", "", ""},
		{"column and table primary key", []*model.TableDef{model.Table("t", id(), model.PrimaryKey("id"))}, model.ErrMultiplePrimary, "t", "", ""},
		{"unknown column in index", []*model.TableDef{model.Table("t", id(), model.Index("nope"))}, model.ErrUnknownColumn, "t", "nope", ""},
		{"unknown column in unique", []*model.TableDef{model.Table("t", id(), model.Unique("id", "nope"))}, model.ErrUnknownColumn, "t", "nope", ""},
		{"empty check", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Text).Check(" "))}, model.ErrEmptyExpression, "t", "x", ""},
		{"duplicate constraint name", []*model.TableDef{model.Table("t", id(), model.Col("x", model.Text), model.CheckConstraint("true").Named("c"), model.Unique("x").Named("c"))}, model.ErrDuplicateName, "t", "", `"c"`},
		{"index name used by a table", []*model.TableDef{model.Table("t", id(), model.Index("id").Named("u")), model.Table("u", id())}, model.ErrDuplicateName, "t", "", `"u" is also the name of table "u"`},
		{"invalid method", []*model.TableDef{model.Table("t", id(), model.Index("id").Using("btre"))}, model.ErrInvalidMethod, "t", "", ""},
		{"invalid action", []*model.TableDef{parent(), model.Table("t", id(), model.Col("p", model.BigInt).References("parent", "id").OnDelete("DROP"))}, model.ErrInvalidAction, "t", "p", ""},
		{"action without references", []*model.TableDef{model.Table("t", id(), model.Col("p", model.BigInt).OnDelete(model.Cascade))}, model.ErrUnknownTable, "t", "p", ""},
		{"unknown foreign table", []*model.TableDef{model.Table("t", id(), model.Col("p", model.BigInt).References("nope", "id"))}, model.ErrUnknownTable, "t", "p", `references "nope"`},
		{"unknown foreign column", []*model.TableDef{parent(), model.Table("t", id(), model.Col("p", model.BigInt).References("parent", "nope"))}, model.ErrUnknownColumn, "t", "p", `"parent"."nope"`},
		{"foreign type mismatch", []*model.TableDef{parent(), model.Table("t", id(), model.Col("p", model.Integer).References("parent", "id"))}, model.ErrTypeMismatch, "t", "p", `integer references "parent"."id" bigint`},
		{"foreign key to non-unique", []*model.TableDef{model.Table("parent", id(), model.Col("code", model.Text)), model.Table("t", id(), model.Col("p", model.Text).References("parent", "code"))}, model.ErrNotUnique, "t", "p", ""},
		{"foreign key column count", []*model.TableDef{parent(), model.Table("t", id(), model.Col("p", model.BigInt), model.ForeignKey([]string{"p"}, "parent", "id", "code"))}, model.ErrColumnCount, "t", "p", ""},
		{"foreign key to table without primary key", []*model.TableDef{model.Table("parent", model.Col("x", model.Text)), model.Table("t", id(), model.Col("p", model.Text).References("parent", ""))}, model.ErrNoPrimaryKey, "t", "p", ""},
		{"many-to-many without primary key", []*model.TableDef{model.Table("a", model.Col("x", model.Text)), model.ManyToMany("a_b", model.Link{Column: "a_id", Table: model.Table("a", model.Col("x", model.Text))}, model.Link{Column: "b_id", Table: parent()})}, model.ErrNoPrimaryKey, "a_b", "a_id", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := model.NewRegistry(tc.tables...)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			var me *model.Error
			if !errors.As(err, &me) {
				t.Fatalf("err %v is not a *model.Error", err)
			}
			// The joined error may hold several; find the one for tc.err.
			found := false
			for _, e := range unjoin(err) {
				if errors.As(e, &me) && errors.Is(e, tc.err) && me.Table == tc.table && me.Column == tc.col &&
					strings.Contains(me.Error(), tc.msgContains) {
					found = true
				}
			}
			if !found {
				t.Errorf("no *model.Error{Table: %q, Column: %q} wrapping %v containing %q in:\n%v", tc.table, tc.col, tc.err, tc.msgContains, err)
			}
		})
	}
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestRegistryReportsAll(t *testing.T) {
	_, err := model.NewRegistry(
		model.Table("a", model.Col("x", "nope"), model.Col("x", model.Text)),
		model.Table("b", model.Col("y", model.BigInt).References("zz", "id")),
	)
	for _, want := range []error{model.ErrInvalidType, model.ErrDuplicateColumn, model.ErrUnknownTable} {
		if !errors.Is(err, want) {
			t.Errorf("err does not report %v:\n%v", want, err)
		}
	}
}

func TestRegistryOrder(t *testing.T) {
	// Declared child first; the registry creates the parent first.
	r, err := model.NewRegistry(
		model.Table("child", model.Col("id", model.BigInt).PrimaryKey(), model.Col("parent_id", model.BigInt).References("parent", "")),
		model.Table("parent", model.Col("id", model.BigInt).PrimaryKey()),
	)
	if err != nil {
		t.Fatal(err)
	}
	stmts := r.CreateStatements()
	if !strings.HasPrefix(stmts[0], `CREATE TABLE "parent"`) || !strings.Contains(stmts[1], `REFERENCES "parent" ("id")`) {
		t.Errorf("statements:\n%s", model.Script(stmts))
	}
	if got := r.DropStatements(); got[0] != `DROP TABLE "child"` || got[1] != `DROP TABLE "parent"` {
		t.Errorf("drop statements: %q", got)
	}
	if names := r.Tables(); names[0].Name() != "child" {
		t.Errorf("Tables() is not in declaration order")
	}
}

func TestManyToManyTypes(t *testing.T) {
	a := model.Table("a", model.Col("id", model.Serial).PrimaryKey())
	b := model.Table("b", model.Col("code", model.Varchar(10)), model.PrimaryKey("code"))
	r, err := model.NewRegistry(a, b, model.ManyToMany("a_b", model.Link{Column: "a_id", Table: a}, model.Link{Column: "b_code", Table: b}))
	if err != nil {
		t.Fatal(err)
	}
	j := r.Table("a_b")
	if got := j.Column("a_id").Type(); got != model.Integer {
		t.Errorf("a_id type %q, want integer (from serial)", got)
	}
	if got := j.Column("b_code").Type(); got != model.Varchar(10) {
		t.Errorf("b_code type %q", got)
	}
	if j.Column("a_id").Nullable() {
		t.Error("join column is nullable")
	}
}
