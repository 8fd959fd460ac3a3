-- name: CreateTag :one
INSERT INTO "tags" ("name") VALUES (@name) RETURNING *;

-- name: GetTagByName :one
SELECT * FROM "tags" WHERE "name" = @name;

-- name: DeleteTag :execrows
DELETE FROM "tags" WHERE "id" = @id;

-- name: AttachTag :execrows
INSERT INTO "book_tags" ("book_id", "tag_id") VALUES (@book_id, @tag_id) ON CONFLICT DO NOTHING;

-- name: AttachTags :batchexec
INSERT INTO "book_tags" ("book_id", "tag_id") VALUES (@book_id, @tag_id) ON CONFLICT DO NOTHING;

-- name: DetachTag :execrows
DELETE FROM "book_tags" WHERE ("book_id", "tag_id") = (@book_id, @tag_id);

-- name: ListBookTags :many
SELECT "tags".* FROM "tags" JOIN "book_tags" ON "tag_id" = "tags"."id"
WHERE "book_id" = @book_id ORDER BY "tags"."name";

-- name: ListBooksByTag :many
SELECT "books".* FROM "books" JOIN "book_tags" ON "book_id" = "books"."id"
WHERE "tag_id" = @tag_id AND "books"."id" > @after_id ORDER BY "books"."id" LIMIT @lim;
