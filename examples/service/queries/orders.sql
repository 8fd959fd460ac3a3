-- name: CreateOrder :one
INSERT INTO "orders" ("customer_id", "shipping", "note")
VALUES (@customer_id, @shipping, sqlc.narg('note'))
RETURNING *;

-- name: AddOrderItem :one
-- The unit price is the product's price when the order is placed; no row
-- comes back when the product does not exist or is not active.
INSERT INTO "order_items" ("order_id", "product_id", "quantity", "unit_price")
SELECT @order_id, "id", @quantity, "price"
FROM "products"
WHERE "id" = @product_id AND "active"
RETURNING *;

-- name: GetOrder :one
SELECT * FROM "orders" WHERE "id" = @id;

-- name: ListOrderItems :many
SELECT * FROM "order_items" WHERE "order_id" = @order_id ORDER BY "product_id";

-- name: ListCustomerOrders :many
SELECT * FROM "orders"
WHERE "customer_id" = @customer_id AND "id" > @after
ORDER BY "id"
LIMIT @max_rows;

-- name: OrderTotal :one
SELECT coalesce(sum("quantity" * "unit_price"), 0)::numeric(14,2) AS "total"
FROM "order_items" WHERE "order_id" = @order_id;

-- name: SetOrderStatus :one
-- Moves an order to @status only from one of the @from statuses; no row
-- comes back when the order does not exist or is in another status.
UPDATE "orders"
SET "status" = @status,
    "shipped_at" = CASE WHEN @status::text = 'shipped' THEN now() ELSE "shipped_at" END
WHERE "id" = @id AND "status" = ANY(@from_statuses::text[])
RETURNING *;
