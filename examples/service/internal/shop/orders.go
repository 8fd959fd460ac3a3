package shop

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/aquila-go/aquila/api"
	"github.com/aquila-go/aquila/postgres"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

// OrderService is the request-scoped domain service for orders.
type OrderService struct {
	q  db.Querier
	tx postgres.TxBeginner
}

// NewOrderService is the OrderService provider: q runs single queries, tx
// begins the transactions that place an order (on the primary).
func NewOrderService(q db.Querier, tx postgres.TxBeginner) *OrderService {
	return &OrderService{q: q, tx: tx}
}

// OrderInput is the body of POST /orders.
type OrderInput struct {
	CustomerID int64           `json:"customer_id"`
	Shipping   json.RawMessage `json:"shipping"`
	Note       *string         `json:"note,omitempty"`
	Items      []ItemInput     `json:"items"`
}

// ItemInput is one line of an order: the unit price is the product's
// price when the order is placed.
type ItemInput struct {
	ProductID string `json:"product_id"`
	Quantity  int32  `json:"quantity"`
}

// OrderView is an order with its items and total, as the API shows it.
type OrderView struct {
	db.Order
	Items []db.OrderItem `json:"items"`
	Total pgtype.Numeric `json:"total"`
}

const maxItems = 100

// items validates the input and parses the product ids.
func (in *OrderInput) items() ([]db.AddOrderItemParams, error) {
	if in.CustomerID <= 0 {
		return nil, api.Errorf(api.CodeInvalid, "customer_id", "must be a positive integer")
	}
	if !isObject(in.Shipping) {
		return nil, api.Errorf(api.CodeInvalid, "shipping", "must be a JSON object")
	}
	if in.Note != nil && (len(*in.Note) == 0 || len(*in.Note) > 2000) {
		return nil, api.Errorf(api.CodeInvalid, "note", "must be 1 to 2000 bytes")
	}
	if len(in.Items) == 0 || len(in.Items) > maxItems {
		return nil, api.Errorf(api.CodeInvalid, "items", "must hold 1 to %d items", maxItems)
	}
	out := make([]db.AddOrderItemParams, len(in.Items))
	for i, it := range in.Items {
		field := "items[" + strconv.Itoa(i) + "]"
		id, err := parseUUID(field+".product_id", it.ProductID)
		if err != nil {
			return nil, err
		}
		if it.Quantity < 1 || it.Quantity > 10_000 {
			return nil, api.Errorf(api.CodeInvalid, field+".quantity", "must be from 1 to 10000")
		}
		if j := slices.IndexFunc(out[:i], func(p db.AddOrderItemParams) bool { return p.ProductID == id }); j >= 0 {
			return nil, api.Errorf(api.CodeInvalid, field+".product_id", "repeats items[%d]", j)
		}
		out[i] = db.AddOrderItemParams{ProductID: id, Quantity: it.Quantity}
	}
	return out, nil
}

// isObject reports whether raw is a JSON object (the column's CHECK).
func isObject(raw json.RawMessage) bool {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	return len(raw) > 0 && raw[0] == '{' && json.Valid(raw)
}

// parseUUID parses a product id in its canonical or 32-digit form.
func parseUUID(field, s string) (pgtype.UUID, error) {
	var id pgtype.UUID
	if err := id.Scan(s); err != nil || !id.Valid {
		return pgtype.UUID{}, api.Errorf(api.CodeInvalid, field, "must be a UUID")
	}
	return id, nil
}

// Place creates the order and its items in one transaction: an unknown or
// inactive product, or an unknown customer, writes nothing.
func (s *OrderService) Place(ctx context.Context, in OrderInput) (OrderView, error) {
	items, err := in.items()
	if err != nil {
		return OrderView{}, err
	}
	var v OrderView
	err = postgres.InTx(ctx, s.tx, postgres.TxOptions{}, func(tx pgx.Tx) error {
		q := db.New(tx)
		o, err := q.CreateOrder(ctx, db.CreateOrderParams{CustomerID: in.CustomerID, Shipping: in.Shipping, Note: in.Note})
		if err != nil {
			return api.DBError(err, "order")
		}
		v = OrderView{Order: o, Items: make([]db.OrderItem, 0, len(items))}
		for i, it := range items {
			it.OrderID = o.ID
			row, err := q.AddOrderItem(ctx, it)
			if errors.Is(err, pgx.ErrNoRows) {
				return api.Errorf(api.CodeUnprocessable, "items["+strconv.Itoa(i)+"].product_id", "no active product with this id")
			}
			if err != nil {
				return api.DBError(err, "order item")
			}
			v.Items = append(v.Items, row)
		}
		v.Total, err = q.OrderTotal(ctx, o.ID)
		return api.DBError(err, "order")
	})
	if err != nil {
		return OrderView{}, err
	}
	return v, nil
}

// Get returns an order with its items and total.
func (s *OrderService) Get(ctx context.Context, id int64) (OrderView, error) {
	o, err := s.q.GetOrder(ctx, id)
	if err != nil {
		return OrderView{}, api.DBError(err, "order")
	}
	v := OrderView{Order: o}
	if v.Items, err = s.q.ListOrderItems(ctx, id); err != nil {
		return OrderView{}, api.DBError(err, "order")
	}
	v.Total, err = s.q.OrderTotal(ctx, id)
	return v, api.DBError(err, "order")
}

// ListForCustomer returns up to limit orders of a customer with an id
// above after; an unknown customer is a 404, not an empty list.
func (s *OrderService) ListForCustomer(ctx context.Context, customerID, after int64, limit int32) ([]db.Order, error) {
	os, err := s.q.ListCustomerOrders(ctx, db.ListCustomerOrdersParams{CustomerID: customerID, After: after, MaxRows: limit})
	if err != nil {
		return nil, api.DBError(err, "order")
	}
	if len(os) == 0 && after == 0 {
		if _, err := s.q.GetCustomer(ctx, customerID); err != nil {
			return nil, api.DBError(err, "customer")
		}
	}
	return os, nil
}

// transitions lists, for each status, the statuses an order may be in to
// move to it.
var transitions = map[string][]string{
	"paid":      {"pending"},
	"shipped":   {"paid"},
	"cancelled": {"pending", "paid"},
}

// SetStatus moves an order along pending → paid → shipped, or to
// cancelled before it ships; shipping stamps shipped_at. Any other move is
// a 409 naming the current status.
func (s *OrderService) SetStatus(ctx context.Context, id int64, status string) (db.Order, error) {
	from, ok := transitions[status]
	if !ok {
		return db.Order{}, api.Errorf(api.CodeInvalid, "status", "must be paid, shipped or cancelled")
	}
	o, err := s.q.SetOrderStatus(ctx, db.SetOrderStatusParams{Status: status, ID: id, FromStatuses: from})
	if !errors.Is(err, pgx.ErrNoRows) {
		return o, api.DBError(err, "order")
	}
	cur, err := s.q.GetOrder(ctx, id)
	if err != nil {
		return db.Order{}, api.DBError(err, "order")
	}
	return db.Order{}, api.Errorf(api.CodeConflict, "status", "an order that is %s cannot become %s", cur.Status, status)
}
