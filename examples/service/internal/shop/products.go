package shop

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"regexp"
	"strconv"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/model"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

// ProductService is the request-scoped domain service for products.
type ProductService struct {
	q     db.Querier
	bulk  model.DBTX
	table *model.Binding[db.Product]
}

// NewProductService is the ProductService provider: q runs the queries,
// bulk the COPY of an import (the request's primary connection) through
// the products binding.
func NewProductService(q db.Querier, bulk model.DBTX, products *model.Binding[db.Product]) *ProductService {
	return &ProductService{q: q, bulk: bulk, table: products}
}

// ProductInput is the body of POST /products and one record of an import.
// The price is a JSON number with at most two decimals.
type ProductInput struct {
	SKU    string      `json:"sku"`
	Name   string      `json:"name"`
	Price  json.Number `json:"price"`
	Tags   []string    `json:"tags,omitempty"`
	Active *bool       `json:"active,omitempty"`
}

var (
	skuPattern = regexp.MustCompile(`^[A-Z0-9-]{3,32}$`)
	tagPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
)

const maxTags = 20

// row validates the input and returns the product row it describes; the
// id and created_at are left to the database.
func (in *ProductInput) row() (db.Product, error) {
	if !skuPattern.MatchString(in.SKU) {
		return db.Product{}, api.Errorf(api.CodeInvalid, "sku", "must be 3 to 32 of A-Z, 0-9 and -")
	}
	if err := validName("name", in.Name); err != nil {
		return db.Product{}, err
	}
	price, err := parsePrice("price", in.Price)
	if err != nil {
		return db.Product{}, err
	}
	if len(in.Tags) > maxTags {
		return db.Product{}, api.Errorf(api.CodeInvalid, "tags", "must hold at most %d tags", maxTags)
	}
	tags := make([]string, 0, len(in.Tags))
	for i, t := range in.Tags {
		if !tagPattern.MatchString(t) {
			return db.Product{}, api.Errorf(api.CodeInvalid, "tags["+strconv.Itoa(i)+"]", "must be 1 to 32 of a-z, 0-9 and -, starting with a letter or digit")
		}
		tags = append(tags, t)
	}
	active := in.Active == nil || *in.Active
	return db.Product{Sku: in.SKU, Name: in.Name, Price: price, Tags: tags, Active: active}, nil
}

// Create validates in and inserts the product.
func (s *ProductService) Create(ctx context.Context, in ProductInput) (db.Product, error) {
	p, err := in.row()
	if err != nil {
		return db.Product{}, err
	}
	p, err = s.q.CreateProduct(ctx, db.CreateProductParams{Sku: p.Sku, Name: p.Name, Price: p.Price, Tags: p.Tags, Active: p.Active})
	return p, api.DBError(err, "product")
}

// Get returns one product.
func (s *ProductService) Get(ctx context.Context, id pgtype.UUID) (db.Product, error) {
	p, err := s.q.GetProduct(ctx, id)
	return p, api.DBError(err, "product")
}

// List returns up to limit products in SKU order after the SKU after,
// only those tagged tag when tag is not nil.
func (s *ProductService) List(ctx context.Context, after string, tag *string, limit int32) ([]db.Product, error) {
	ps, err := s.q.ListProducts(ctx, db.ListProductsParams{After: after, Tag: tag, MaxRows: limit})
	return ps, api.DBError(err, "product")
}

// SetPrice changes a product's price; orders placed before keep theirs.
func (s *ProductService) SetPrice(ctx context.Context, id pgtype.UUID, price json.Number) (db.Product, error) {
	p, err := parsePrice("price", price)
	if err != nil {
		return db.Product{}, err
	}
	row, err := s.q.SetProductPrice(ctx, p, id)
	return row, api.DBError(err, "product")
}

// Import writes a stream of products through COPY, all or nothing: each
// record is validated as it arrives, and the first bad record (or a
// constraint violation, such as a SKU that exists) aborts the import with
// nothing written. The error names the record by its 0-based index,
// records[i], or the field in it, records[i].sku. Memory stays flat
// whatever the number of records.
func (s *ProductService) Import(ctx context.Context, records iter.Seq2[ProductInput, error]) (int64, error) {
	index := int64(-1)
	rows := func(yield func(db.Product, error) bool) {
		for in, err := range records {
			index++
			var p db.Product
			if err == nil {
				p, err = in.row()
			}
			if err != nil {
				yield(db.Product{}, api.RecordError(index, err, "product"))
				return
			}
			if !yield(p, nil) {
				return
			}
		}
	}
	// s.bulk is the session's writer: the write empties the read scope.
	n, err := model.BulkCreateSeq(ctx, s.bulk, s.table, rows)
	if err != nil {
		// The server names the row of a constraint violation (a SKU taken,
		// here or earlier in the stream).
		var rowErr *model.RowError
		if errors.As(err, &rowErr) {
			return 0, api.RecordError(rowErr.Row, rowErr.Err, "product")
		}
		return 0, api.DBError(err, "product")
	}
	return n, nil
}
