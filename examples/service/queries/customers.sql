-- name: CreateCustomer :one
INSERT INTO "customers" ("email", "name", "phone")
VALUES (@email, @name, sqlc.narg('phone'))
RETURNING *;

-- name: GetCustomer :one
SELECT * FROM "customers" WHERE "id" = @id;

-- name: ListCustomers :many
SELECT * FROM "customers"
WHERE "id" > @after
ORDER BY "id"
LIMIT @max_rows;

-- name: DeleteCustomer :execrows
DELETE FROM "customers" WHERE "id" = @id;
