package model_test

import (
	"testing"

	"github.com/aquila-go/aquila/model"
)

// featureTables exercises every metadata feature: all supported types and
// arrays, reserved words and awkward names, literal and expression
// defaults, serial and identity columns, composite keys, table checks,
// foreign keys with actions (composite, self-referencing and in a cycle),
// a many-to-many join table and btree/gin/unique/partial indexes.
func featureTables() []*model.TableDef {
	users := model.Table("user",
		model.Col("id", model.BigInt).IdentityAlways().PrimaryKey(),
		model.Col("select", model.Varchar(100)).NotNull().Unique(),
		model.Col(`we"ird Name`, model.Text).DefaultValue(`it's a \ test`),
		model.Col("manager_id", model.BigInt).References("user", "id").OnDelete(model.SetNull),
		model.Col("team_id", model.Integer).References("order", "id").OnDelete(model.SetNull).OnUpdate(model.Cascade),
		model.Col("active", model.Boolean).NotNull().DefaultValue(true),
		model.Col("score", model.Real).DefaultValue(1.5),
		model.Col("ratio", model.Double),
	)
	order := model.Table("order",
		model.Col("id", model.Serial).PrimaryKey(),
		model.Col("owner_id", model.BigInt).References("user", "id"),
		model.Col("group", model.SmallInt).NotNull().DefaultValue(int16(3)),
		model.Col("total", model.Numeric(12, 2)).NotNull().DefaultValue(0),
		model.Col("placed_at", model.Timestamp),
		model.Col("paid_at", model.TimestampTZ),
		model.Col("due", model.Date),
		model.Col("token", model.UUID).NotNull().Default("gen_random_uuid()"),
		model.Col("payload", model.JSON),
		model.Col("meta", model.JSONB).NotNull().Default(`'{}'::jsonb`),
		model.Col("blob", model.Bytea),
		model.Col("labels", model.Text.Array()).NotNull().Default("'{}'"),
		model.Col("sizes", model.Integer.Array()),
		model.Col("prices", model.Numeric(8, 3).Array()),
		model.Col("seq", model.SmallSerial),
		model.Col("big", model.BigSerial),
		model.Unique("owner_id", "group"),
		model.CheckConstraint(`"paid_at" IS NULL OR "placed_at" IS NOT NULL`),
		model.CheckConstraint(`"total" >= 0`).Named("order_total_nonnegative"),
		model.Index("labels").Using(model.GIN),
		model.Index("owner_id", "placed_at"),
		model.Index("token").Unique().Where(`"paid_at" IS NULL`).Named("order_unpaid_token_key"),
	)
	line := model.Table("order line",
		model.Col("order_id", model.Integer).NotNull(),
		model.Col("owner_id", model.BigInt).NotNull(),
		model.Col("group", model.SmallInt).NotNull(),
		model.Col("n", model.Integer).NotNull().Check(`"n" > 0`),
		model.PrimaryKey("order_id", "n"),
		model.ForeignKey([]string{"owner_id", "group"}, "order", "owner_id", "group").OnDelete(model.Cascade),
		model.ForeignKey([]string{"order_id"}, "order").OnDelete(model.Restrict),
	)
	tags := model.Table("Tag",
		model.Col("ID", model.UUID).PrimaryKey(),
		model.Col("name", model.Text).NotNull(),
	)
	m2m := model.ManyToMany("order_Tag", model.Link{Column: "order_id", Table: order}, model.Link{Column: "tag_id", Table: tags})
	return []*model.TableDef{users, order, line, tags, m2m}
}

func featureRegistry(t testing.TB) *model.Registry {
	t.Helper()
	r, err := model.NewRegistry(featureTables()...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
