package benchdb

// ModelStatements are the statements on the models table, for
// postgres.Config.Prepare (prepare-on-connect).
func ModelStatements() []string {
	return []string{GetModel, InsertModel, ListModelSummaries, ListModels, UpdateModel}
}

// AccountStatements are the statements on pgbench_accounts.
func AccountStatements() []string { return []string{GetAccountBalance} }
