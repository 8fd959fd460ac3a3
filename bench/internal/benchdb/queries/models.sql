-- name: InsertModel :one
INSERT INTO "models" ("name", "title", "fax", "web", "age", "right", "counter")
VALUES (@name, @title, @fax, @web, @age, sqlc.arg('right'), @counter)
RETURNING "id";

-- name: UpdateModel :execrows
UPDATE "models"
SET "name" = @name, "title" = @title, "fax" = @fax, "web" = @web,
    "age" = @age, "right" = sqlc.arg('right'), "counter" = @counter
WHERE "id" = @id;

-- name: GetModel :one
SELECT * FROM "models"
WHERE "id" = @id;

-- name: ListModels :many
-- efectn's ReadSlice: WHERE id > 0 LIMIT 100, no ORDER BY.
SELECT * FROM "models"
WHERE "id" > @after_id
LIMIT @lim;

-- name: ListModelSummaries :many
-- Five of the eight columns, for the seed's "decode a row of 5 columns".
SELECT "id", "name", "title", "age", "counter" FROM "models"
WHERE "id" > @after_id
LIMIT @lim;
