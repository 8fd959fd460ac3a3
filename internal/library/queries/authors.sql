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
-- PATCH semantics: a NULL name keeps the current value; email and bio are
-- written only when their set_ flag is true (so they can be set to NULL).
UPDATE "authors"
SET "name"       = COALESCE(sqlc.narg('name'), "name"),
    "email"      = CASE WHEN @set_email::boolean THEN sqlc.narg('email') ELSE "email" END,
    "bio"        = CASE WHEN @set_bio::boolean THEN sqlc.narg('bio') ELSE "bio" END,
    "updated_at" = now()
WHERE "id" = @id
RETURNING *;

-- name: DeleteAuthor :execrows
DELETE FROM "authors"
WHERE "id" = @id;

-- name: CountAuthors :one
SELECT count(*) FROM "authors";
