package migratelint

// The rules, by their stable names. The names follow squawk's where squawk
// has the rule.
const (
	RuleAddingRequiredField       = "adding-required-field"
	RuleAddingVolatileDefault     = "adding-field-with-volatile-default"
	RuleConcurrentIndexCreation   = "require-concurrent-index-creation"
	RuleConcurrentIndexDeletion   = "require-concurrent-index-deletion"
	RuleConcurrentlyInTransaction = "concurrently-in-transaction"
	RuleConstraintNotValid        = "constraint-missing-not-valid"
	RuleUniqueConstraint          = "disallowed-unique-constraint"
	RuleChangingColumnType        = "changing-column-type"
	RuleSetNotNull                = "set-not-null-without-check"
	RuleDropColumn                = "ban-drop-column"
	RuleDropTable                 = "ban-drop-table"
	RuleRenamingColumn            = "renaming-column"
	RuleRenamingTable             = "renaming-table"
	RuleInvalidIgnore             = "invalid-lint-ignore"
)

// Rule documents one rule: what it flags, why, and what to write instead.
type Rule struct {
	Name    string
	Summary string
	Why     string
	Instead string
}

// Rules returns the rules in the order of their documentation.
func Rules() []Rule {
	return []Rule{
		{RuleAddingRequiredField,
			"ADD COLUMN ... NOT NULL without a DEFAULT on an existing table.",
			"The statement fails as soon as the table has a row, and it takes an ACCESS EXCLUSIVE lock while it does.",
			"Add the column nullable (or with a constant DEFAULT, which PostgreSQL 11+ stores without rewriting the table), backfill it in batches, then SET NOT NULL through a validated CHECK (see " + RuleSetNotNull + ")."},
		{RuleAddingVolatileDefault,
			"ADD COLUMN with a volatile DEFAULT (random(), gen_random_uuid(), clock_timestamp(), nextval()), a serial type, an identity or a stored generated column on an existing table.",
			"Each row needs its own value, so PostgreSQL rewrites the whole table under an ACCESS EXCLUSIVE lock: reads and writes wait for the rewrite.",
			"Add the column without the default (or with a constant one), set the default with ALTER COLUMN ... SET DEFAULT, and backfill the existing rows in batches."},
		{RuleConcurrentIndexCreation,
			"CREATE INDEX without CONCURRENTLY on an existing table.",
			"A plain CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits.",
			"CREATE INDEX CONCURRENTLY IF NOT EXISTS ..., in a file marked -- +goose NO TRANSACTION. If it fails it leaves an INVALID index: drop it and run again."},
		{RuleConcurrentIndexDeletion,
			"DROP INDEX without CONCURRENTLY on an index of an existing table.",
			"DROP INDEX takes an ACCESS EXCLUSIVE lock on the table; while it waits for running queries, every new query on the table queues behind it.",
			"DROP INDEX CONCURRENTLY IF EXISTS ..., in a file marked -- +goose NO TRANSACTION."},
		{RuleConcurrentlyInTransaction,
			"CREATE INDEX, DROP INDEX, REINDEX or REFRESH MATERIALIZED VIEW CONCURRENTLY in a file that goose runs in a transaction.",
			"PostgreSQL refuses to run them inside a transaction block, so the migration fails.",
			"Move the statement to its own file that starts with -- +goose NO TRANSACTION."},
		{RuleConstraintNotValid,
			"ADD CONSTRAINT ... CHECK or FOREIGN KEY without NOT VALID on an existing table (also a CHECK or REFERENCES written into ADD COLUMN), or VALIDATE CONSTRAINT in the transaction that added it.",
			"Adding a validated constraint scans the whole table (and, for a foreign key, the referenced one) while holding a lock that blocks writes. Validating in the same transaction keeps the ADD's lock during that scan.",
			"ALTER TABLE t ADD CONSTRAINT c ... NOT VALID; then, after that has committed (in a later migration or a NO TRANSACTION file), ALTER TABLE t VALIDATE CONSTRAINT c, which lets reads and writes continue."},
		{RuleUniqueConstraint,
			"ADD CONSTRAINT ... UNIQUE, PRIMARY KEY or EXCLUDE without USING INDEX on an existing table (also UNIQUE or PRIMARY KEY in ADD COLUMN).",
			"The constraint builds its index while holding an ACCESS EXCLUSIVE lock on the table.",
			"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS c ON t (...) in a NO TRANSACTION file, then ALTER TABLE t ADD CONSTRAINT c UNIQUE USING INDEX c (or PRIMARY KEY USING INDEX c)."},
		{RuleChangingColumnType,
			"ALTER COLUMN ... TYPE on an existing table, unless it is a change PostgreSQL makes without a rewrite (a longer or unbounded varchar, varchar to text, a numeric with more digits and the same scale).",
			"Most type changes rewrite the table and rebuild its indexes under an ACCESS EXCLUSIVE lock; a narrowing change also fails or loses data on values that do not fit.",
			"Add a column of the new type, write to both, backfill in batches, switch the readers, then drop the old column. When the table is small and the lock is acceptable, say so with a lint-ignore."},
		{RuleSetNotNull,
			"ALTER COLUMN ... SET NOT NULL on an existing table without a validated CHECK (column IS NOT NULL).",
			"SET NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock, unless (PostgreSQL 12+) a validated check constraint already proves the column has no NULL.",
			"ALTER TABLE t ADD CONSTRAINT t_c_nn_check CHECK (c IS NOT NULL) NOT VALID; then, in a later transaction: VALIDATE CONSTRAINT t_c_nn_check; ALTER COLUMN c SET NOT NULL; DROP CONSTRAINT t_c_nn_check."},
		{RuleDropColumn,
			"ALTER TABLE ... DROP COLUMN on an existing table.",
			"The column's data is lost, and the running version of the service may still read or write it: its queries fail until it is replaced.",
			"First deploy code that no longer uses the column; then drop it in a later migration, marked with a lint-ignore that says so (migrate diff -allow-destructive writes that mark)."},
		{RuleDropTable,
			"DROP TABLE on a table created by an earlier migration.",
			"The table's rows are lost, and the running version of the service may still use it.",
			"First deploy code that no longer uses the table; then drop it in a later migration, marked with a lint-ignore that says so (migrate diff -allow-destructive writes that mark)."},
		{RuleRenamingColumn,
			"RENAME COLUMN of a column that the sqlc queries still use.",
			"The queries of the deployed service name the old column and fail from the moment the migration commits.",
			"Add the new column, write to both, backfill, move the queries to it, then drop the old one; or rename in a migration deployed together with code that no longer uses the old name."},
		{RuleRenamingTable,
			"RENAME TO of a table that the sqlc queries still use.",
			"The queries of the deployed service name the old table and fail from the moment the migration commits.",
			"Create the new table (or a view under the old name) and move the queries first, or deploy the rename together with code that no longer uses the old name."},
		{RuleInvalidIgnore,
			"A -- aquila:lint-ignore comment that names no known rule or gives no reason.",
			"A silenced finding needs a reason a reviewer can check, and a misspelt rule silences nothing.",
			"-- aquila:lint-ignore RULE why this statement is safe here"},
	}
}

func ruleByName(name string) *Rule {
	for _, r := range Rules() {
		if r.Name == name {
			return &r
		}
	}
	return nil
}
