package tables

import "github.com/aquila-go/aquila/model"

// Tables returns the shop's tables in dependency order. They describe
// schema/00001_shop.sql column for column, constraint for constraint.
func Tables() []*model.TableDef {
	customers := model.Table("customers",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("email", model.Text).NotNull().Unique().Check(`"email" LIKE '%_@_%'`),
		model.Col("name", model.Text).NotNull().Check(`char_length("name") BETWEEN 1 AND 200`),
		model.Col("phone", model.Text),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
	)
	products := model.Table("products",
		model.Col("id", model.UUID).PrimaryKey().Default("gen_random_uuid()"),
		model.Col("sku", model.Text).NotNull().Unique().Check(`"sku" ~ '^[A-Z0-9-]{3,32}$'`),
		model.Col("name", model.Text).NotNull().Check(`char_length("name") BETWEEN 1 AND 200`),
		model.Col("price", model.Numeric(12, 2)).NotNull().Check(`"price" >= 0`),
		model.Col("tags", model.Text.Array()).NotNull().Default("'{}'"),
		model.Col("active", model.Boolean).NotNull().Default("true"),
		model.Col("created_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Index("tags").Using(model.GIN),
	)
	orders := model.Table("orders",
		model.Col("id", model.BigInt).Identity().PrimaryKey(),
		model.Col("customer_id", model.BigInt).NotNull().References("customers", "id").OnDelete(model.Restrict),
		model.Col("status", model.Text).NotNull().Default("'pending'").
			Check(`"status" IN ('pending', 'paid', 'shipped', 'cancelled')`),
		model.Col("shipping", model.JSONB).NotNull().Check(`jsonb_typeof("shipping") = 'object'`),
		model.Col("note", model.Text),
		model.Col("placed_at", model.TimestampTZ).NotNull().Default("now()"),
		model.Col("shipped_at", model.TimestampTZ),
		model.Index("customer_id", "id"),
	)
	orderItems := model.Table("order_items",
		model.Col("order_id", model.BigInt).NotNull().References("orders", "id").OnDelete(model.Cascade),
		model.Col("product_id", model.UUID).NotNull().References("products", "id").OnDelete(model.Restrict),
		model.Col("quantity", model.Integer).NotNull().Check(`"quantity" > 0`),
		model.Col("unit_price", model.Numeric(12, 2)).NotNull().Check(`"unit_price" >= 0`),
		model.PrimaryKey("order_id", "product_id"),
		model.Index("product_id"),
	)
	return []*model.TableDef{customers, products, orders, orderItems}
}

// Registry validates the tables once; call it at start-up and keep the
// result.
func Registry() (*model.Registry, error) {
	return model.NewRegistry(Tables()...)
}
