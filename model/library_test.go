package model_test

import (
	"testing"

	"github.com/aquila-go/aquila/internal/library"
	"github.com/aquila-go/aquila/internal/library/db"
	"github.com/aquila-go/aquila/model"
)

// The fixture of model's tests is package library: authors, books, tags
// and their link, with every kind of constraint.

type book = db.Book

func libraryRegistry(t testing.TB) *model.Registry { return library.Load(t).Registry }
