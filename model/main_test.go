package model_test

import (
	"os"
	"testing"

	"github.com/aquila-go/aquila/internal/goosecli"
	"github.com/aquila-go/aquila/postgres/pgtest"
)

// pg gives each test its own database (see postgres/pgtest).
var pg = pgtest.New()

// goose is the goose CLI, for the migration round trips.
var goose = goosecli.New("../tools/go.mod")

func TestMain(m *testing.M) {
	code := pg.Run(m)
	goose.Close()
	os.Exit(code)
}
