package main

import (
	"os"
	"testing"

	"github.com/aquila-go/aquila/postgres/pgtest"
)

// pg gives each test that needs one its own database (see postgres/pgtest).
var pg = pgtest.New()

func TestMain(m *testing.M) { os.Exit(pg.Run(m)) }
