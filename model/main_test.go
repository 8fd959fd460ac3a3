package model_test

import (
	"os"
	"testing"

	"github.com/aquila-go/aquila/postgres/pgtest"
)

// pg gives each test its own database (see postgres/pgtest).
var pg = pgtest.New()

func TestMain(m *testing.M) {
	code := pg.Run(m)
	if gooseCLI.dir != "" {
		os.RemoveAll(gooseCLI.dir)
	}
	os.Exit(code)
}
