-- pgbench_accounts as `pgbench -i` creates it, for the get-by-id anchor
-- (the query of `pgbench -S`). abalance is declared NOT NULL here so that
-- sqlc scans it into an int32, as pgbench's own client reads it; pgbench
-- never stores NULL in it.
CREATE TABLE "pgbench_accounts" (
    "aid"      integer NOT NULL PRIMARY KEY,
    "bid"      integer,
    "abalance" integer NOT NULL,
    "filler"   character(84)
);
