-- name: CreateAuthor :one
INSERT INTO "authors" ("name", "email", "bio") VALUES (@name, sqlc.narg('email'), sqlc.narg('bio')) RETURNING *;

-- name: GetAuthor :one
SELECT * FROM "authors" WHERE "id" = @id;

-- name: GetAuthorByEmail :one
SELECT * FROM "authors" WHERE "email" = @email;

-- name: ListAuthors :many
SELECT * FROM "authors" WHERE "id" > @after_id ORDER BY "id" LIMIT @lim;

-- name: UpdateAuthor :one
-- A NULL name is left as it is; email and bio are written when their set_
-- flag is true, so that they can be set to NULL.
UPDATE "authors" SET
	"name" = coalesce(sqlc.narg('name'), "name"),
	"email" = CASE WHEN @set_email::boolean THEN sqlc.narg('email') ELSE "email" END,
	"bio" = CASE WHEN @set_bio::boolean THEN sqlc.narg('bio') ELSE "bio" END
WHERE "id" = @id RETURNING *;

-- name: DeleteAuthor :execrows
DELETE FROM "authors" WHERE "id" = @id;

-- name: CountAuthors :one
SELECT count(*) FROM "authors";
