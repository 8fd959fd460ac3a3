-- name: CreateTag :one
INSERT INTO "tags" ("name")
VALUES (@name)
RETURNING *;

-- name: GetTag :one
SELECT * FROM "tags"
WHERE "id" = @id;

-- name: GetTagByName :one
SELECT * FROM "tags"
WHERE "name" = @name;

-- name: ListTags :many
SELECT * FROM "tags"
WHERE "name" > @after_name
ORDER BY "name"
LIMIT @lim;

-- name: DeleteTag :execrows
DELETE FROM "tags"
WHERE "id" = @id;

-- name: AttachTag :execrows
-- Attaching a tag twice is not an error: the second call affects 0 rows.
INSERT INTO "book_tags" ("book_id", "tag_id")
VALUES (@book_id, @tag_id)
ON CONFLICT DO NOTHING;

-- name: AttachTags :batchexec
INSERT INTO "book_tags" ("book_id", "tag_id")
VALUES (@book_id, @tag_id)
ON CONFLICT DO NOTHING;

-- name: DetachTag :execrows
DELETE FROM "book_tags"
WHERE "book_id" = @book_id AND "tag_id" = @tag_id;

-- name: ListBookTags :many
SELECT "t".* FROM "tags" AS "t"
JOIN "book_tags" AS "bt" ON "bt"."tag_id" = "t"."id"
WHERE "bt"."book_id" = @book_id
ORDER BY "t"."name";

-- name: ListBooksByTag :many
SELECT "b".* FROM "books" AS "b"
JOIN "book_tags" AS "bt" ON "bt"."book_id" = "b"."id"
WHERE "bt"."tag_id" = @tag_id AND "b"."id" > @after_id
ORDER BY "b"."id"
LIMIT @lim;
