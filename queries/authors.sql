-- name: CreateAuthor :one
INSERT INTO "authors" ("name", "email", "bio")
VALUES (@name, sqlc.narg('email'), sqlc.narg('bio'))
RETURNING *;

-- name: GetAuthor :one
SELECT * FROM "authors"
WHERE "id" = @id;

-- name: GetAuthorByEmail :one
SELECT * FROM "authors"
WHERE "email" = @email;

-- name: GetAuthorsByIDs :many
SELECT * FROM "authors"
WHERE "id" = ANY(@ids::bigint[])
ORDER BY "id";

-- name: ListAuthors :many
-- Keyset pagination: pass the last id of the previous page (0 for the first).
SELECT * FROM "authors"
WHERE "id" > @after_id
ORDER BY "id"
LIMIT @lim;

-- name: UpdateAuthor :one
-- PATCH semantics: a NULL argument keeps the current value.
UPDATE "authors"
SET "name"       = COALESCE(sqlc.narg('name'), "name"),
    "email"      = COALESCE(sqlc.narg('email'), "email"),
    "bio"        = COALESCE(sqlc.narg('bio'), "bio"),
    "updated_at" = now()
WHERE "id" = @id
RETURNING *;

-- name: DeleteAuthor :execrows
DELETE FROM "authors"
WHERE "id" = @id;

-- name: CountAuthors :one
SELECT count(*) FROM "authors";
