package shop

import (
	"github.com/aquila-go/aquila/model"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

// Bindings tie the tables that are written in bulk to their sqlc row
// types.
type Bindings struct {
	Products *model.Binding[db.Product]
}

// NewBindings binds the tables of reg; a row type that disagrees with the
// metadata fails here, at start-up.
func NewBindings(reg *model.Registry) (*Bindings, error) {
	products, err := model.Bind(reg.Table("products"), []string{"sku", "name", "price", "tags", "active"},
		func(p *db.Product, dst []any) []any { return append(dst, p.Sku, p.Name, p.Price, p.Tags, p.Active) })
	if err != nil {
		return nil, err
	}
	return &Bindings{Products: products}, nil
}
