-- name: ListScalars :many
SELECT * FROM "scalars" ORDER BY "id";

-- name: ListArrays :many
SELECT * FROM "arrays" ORDER BY "id";

-- name: ListOrderItems :many
SELECT * FROM "order_items" ORDER BY "order_id", "line";

-- name: ListCounters :many
SELECT * FROM "counters" ORDER BY "big";
