-- name: CreateBook :one
INSERT INTO "books" ("author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes")
VALUES (@author_id, @isbn, @title, @published_on, @price_cents, @pages, @attributes)
RETURNING *;

-- name: CreateBooks :copyfrom
INSERT INTO "books" ("author_id", "isbn", "title", "published_on", "price_cents", "pages", "attributes")
VALUES (@author_id, @isbn, @title, @published_on, @price_cents, @pages, @attributes);

-- name: GetBook :one
SELECT * FROM "books"
WHERE "id" = @id;

-- name: GetBookByISBN :one
SELECT * FROM "books"
WHERE "isbn" = @isbn;

-- name: GetBookBatch :batchone
SELECT * FROM "books"
WHERE "id" = @id;

-- name: GetBooksByIDs :many
SELECT * FROM "books"
WHERE "id" = ANY(@ids::bigint[])
ORDER BY "id";

-- name: ListBooks :many
-- Keyset pagination over (published_on, id): pass the last row of the
-- previous page; for the first page pass a date before every book and id 0.
SELECT * FROM "books"
WHERE ("published_on", "id") > (@after_published_on::date, @after_id::bigint)
ORDER BY "published_on", "id"
LIMIT @lim;

-- name: ListBooksByAuthor :many
SELECT * FROM "books"
WHERE "author_id" = @author_id AND "id" > @after_id
ORDER BY "id"
LIMIT @lim;

-- name: UpdateBook :one
-- PATCH semantics: a NULL argument keeps the current value; attributes is
-- written only when set_attributes is true (so it can be set to NULL).
UPDATE "books"
SET "author_id"    = COALESCE(sqlc.narg('author_id'), "author_id"),
    "isbn"         = COALESCE(sqlc.narg('isbn'), "isbn"),
    "title"        = COALESCE(sqlc.narg('title'), "title"),
    "published_on" = COALESCE(sqlc.narg('published_on'), "published_on"),
    "price_cents"  = COALESCE(sqlc.narg('price_cents'), "price_cents"),
    "pages"        = COALESCE(sqlc.narg('pages'), "pages"),
    "attributes"   = CASE WHEN @set_attributes::boolean THEN sqlc.narg('attributes') ELSE "attributes" END,
    "updated_at"   = now()
WHERE "id" = @id
RETURNING *;

-- name: DeleteBook :execrows
DELETE FROM "books"
WHERE "id" = @id;

-- name: CountBooksByAuthor :one
SELECT count(*) FROM "books"
WHERE "author_id" = @author_id;
