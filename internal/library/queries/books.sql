-- name: CreateBook :one
INSERT INTO "books" ("author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes")
VALUES (@author_id, @isbn, @title, @published_on, @price_cents, @pages, @attributes) RETURNING *;

-- name: CreateBooks :copyfrom
INSERT INTO "books" ("author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes")
VALUES (@author_id, @isbn, @title, @published_on, @price_cents, @pages, @attributes);

-- name: GetBook :one
SELECT * FROM "books" WHERE "id" = @id;

-- name: GetBookBatch :batchone
SELECT * FROM "books" WHERE "id" = @id;

-- name: GetBooksByIDs :many
SELECT * FROM "books" WHERE "id" = ANY(@ids::bigint[]) ORDER BY "id";

-- name: ListBooks :many
-- Pages over (published_on, id), starting after the given pair.
SELECT * FROM "books" WHERE ("published_on", "id") > (@after_published_on::date, @after_id::bigint)
ORDER BY "published_on", "id" LIMIT @lim;

-- name: ListBooksByAuthor :many
SELECT * FROM "books" WHERE "author_id" = @author_id AND "id" > @after_id ORDER BY "id" LIMIT @lim;

-- name: DeleteBook :execrows
DELETE FROM "books" WHERE "id" = @id;

-- name: CountBooksByAuthor :one
SELECT count(*) FROM "books" WHERE "author_id" = @author_id;
