-- name: CreateProduct :one
INSERT INTO "products" ("sku", "name", "price", "tags", "active")
VALUES (@sku, @name, @price, @tags, @active)
RETURNING *;

-- name: GetProduct :one
SELECT * FROM "products" WHERE "id" = @id;

-- name: GetProductBySKU :one
SELECT * FROM "products" WHERE "sku" = @sku;

-- name: ListProducts :many
-- Products in SKU order after @after; with @tag set, only those carrying it
-- (served by the GIN index on tags).
SELECT * FROM "products"
WHERE "sku" > @after
  AND (sqlc.narg('tag')::text IS NULL OR "tags" @> ARRAY[sqlc.narg('tag')::text])
ORDER BY "sku"
LIMIT @max_rows;

-- name: SetProductPrice :one
UPDATE "products" SET "price" = @price WHERE "id" = @product_id RETURNING *;
