-- name: GetAccountBalance :one
-- Exactly the statement `pgbench -S` runs.
SELECT "abalance" FROM "pgbench_accounts" WHERE "aid" = @aid;
