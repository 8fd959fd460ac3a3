package shop

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/aquila-go/aquila/api"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

// CustomerService is the request-scoped domain service for customers.
type CustomerService struct {
	q db.Querier
}

// NewCustomerService is the CustomerService provider.
func NewCustomerService(q db.Querier) *CustomerService { return &CustomerService{q: q} }

// CustomerInput is the body of POST /customers.
type CustomerInput struct {
	Email string  `json:"email"`
	Name  string  `json:"name"`
	Phone *string `json:"phone,omitempty"`
}

// Validate checks the input before it reaches the database, with the
// same rules as the table's CHECK constraints.
func (in *CustomerInput) Validate() error {
	if at := strings.IndexByte(in.Email, '@'); at < 1 || at == len(in.Email)-1 || len(in.Email) > 320 {
		return api.Errorf(api.CodeInvalid, "email", "must look like name@host")
	}
	if err := validName("name", in.Name); err != nil {
		return err
	}
	if in.Phone != nil && (len(*in.Phone) == 0 || len(*in.Phone) > 32) {
		return api.Errorf(api.CodeInvalid, "phone", "must be 1 to 32 characters")
	}
	return nil
}

func validName(field, s string) error {
	if n := utf8.RuneCountInString(s); n < 1 || n > 200 {
		return api.Errorf(api.CodeInvalid, field, "must be 1 to 200 characters")
	}
	return nil
}

// Create validates in and inserts the customer.
func (s *CustomerService) Create(ctx context.Context, in CustomerInput) (db.Customer, error) {
	if err := in.Validate(); err != nil {
		return db.Customer{}, err
	}
	c, err := s.q.CreateCustomer(ctx, db.CreateCustomerParams{Email: in.Email, Name: in.Name, Phone: in.Phone})
	return c, api.DBError(err, "customer")
}

// Get returns one customer.
func (s *CustomerService) Get(ctx context.Context, id int64) (db.Customer, error) {
	c, err := s.q.GetCustomer(ctx, id)
	return c, api.DBError(err, "customer")
}

// List returns up to limit customers with an id above after.
func (s *CustomerService) List(ctx context.Context, after int64, limit int32) ([]db.Customer, error) {
	cs, err := s.q.ListCustomers(ctx, after, limit)
	return cs, api.DBError(err, "customer")
}

// Delete removes a customer who has no orders (a customer with orders is
// a 422: the foreign key restricts the delete).
func (s *CustomerService) Delete(ctx context.Context, id int64) error {
	n, err := s.q.DeleteCustomer(ctx, id)
	if err != nil {
		return api.DBError(err, "customer")
	}
	if n == 0 {
		return api.Errorf(api.CodeNotFound, "", "customer not found")
	}
	return nil
}
