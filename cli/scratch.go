package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"
)

// scratchDatabase creates an empty database on the server dsn reaches and
// returns a DSN for it and a function that drops it. migrate diff applies
// the migrations there, so that it never reads or changes the schema of
// the database dsn names. The role needs CREATEDB.
func scratchDatabase(ctx context.Context, dsn string) (string, func() error, error) {
	var b [6]byte
	rand.Read(b[:])
	name := "aquila_diff_" + hex.EncodeToString(b[:])
	scratch, err := withDatabase(dsn, name)
	if err != nil {
		return "", nil, err
	}
	ident := pgx.Identifier{name}.Sanitize()
	if err := adminExec(ctx, dsn, "CREATE DATABASE "+ident); err != nil {
		return "", nil, fmt.Errorf("create scratch database (the role needs CREATEDB; without -database-url the embedded server is used): %w", err)
	}
	drop := func() error {
		// WITH (FORCE) ends sessions a failed step may have left open.
		if err := adminExec(context.WithoutCancel(ctx), dsn, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop scratch database %s: %w", name, err)
		}
		return nil
	}
	return scratch, drop, nil
}

func adminExec(ctx context.Context, dsn, sql string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	_, err = conn.Exec(ctx, sql)
	return err
}

// withDatabase returns dsn (a URL or keyword/value string) naming database
// instead of its own.
func withDatabase(dsn, database string) (string, error) {
	if !strings.Contains(dsn, "://") {
		return dsn + " dbname='" + database + "'", nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL and its password
		}
		return "", fmt.Errorf("%w: database URL: %w", errUsage, err)
	}
	u.Path, u.RawPath = "/"+database, ""
	q := u.Query()
	if q.Has("dbname") {
		q.Del("dbname")
		u.RawQuery = q.Encode()
	}
	return u.String(), nil
}
