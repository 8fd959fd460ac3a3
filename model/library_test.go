package model_test

import (
	"testing"
	"testing/fstest"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/model"
)

// The fixture of model's tests is package library: authors, books, tags
// and their link, with every kind of constraint.

type book = library.Book

func libraryRegistry(t testing.TB) *model.Registry { return library.Load(t).Registry }

// libraryMigrations creates the library as one goose migration.
func libraryMigrations(t testing.TB) fstest.MapFS { return library.Load(t).Migrations() }
