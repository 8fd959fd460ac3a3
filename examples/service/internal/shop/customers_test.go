package shop_test

import (
	"context"
	"testing"

	"github.com/aquila-go/aquila/api"

	"github.com/aquila-go/aquila/examples/service/internal/shop"
)

func TestCustomerCRUD(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _ := services(t)

	ann, err := s.Customers.Create(ctx, shop.CustomerInput{Email: "ann@example.com", Name: "Ann", Phone: new("+44 20 7946 0000")})
	if err != nil {
		t.Fatal(err)
	}
	if ann.ID == 0 || !ann.CreatedAt.Valid || ann.Phone == nil || *ann.Phone != "+44 20 7946 0000" {
		t.Fatalf("created %+v", ann)
	}
	bob, err := s.Customers.Create(ctx, shop.CustomerInput{Email: "bob@example.com", Name: "Bob"})
	if err != nil {
		t.Fatal(err)
	}
	if bob.Phone != nil {
		t.Errorf("phone = %q, want NULL", *bob.Phone)
	}

	got, err := s.Customers.Get(ctx, ann.ID)
	if err != nil || got.Email != "ann@example.com" || got.Name != "Ann" {
		t.Fatalf("get = %+v, %v", got, err)
	}
	page, err := s.Customers.List(ctx, ann.ID, 10)
	if err != nil || len(page) != 1 || page[0].ID != bob.ID {
		t.Fatalf("list after ann = %+v, %v", page, err)
	}

	_, err = s.Customers.Create(ctx, shop.CustomerInput{Email: "ann@example.com", Name: "Ann again"})
	wantError(t, err, api.CodeConflict, "email")

	if err := s.Customers.Delete(ctx, bob.ID); err != nil {
		t.Fatal(err)
	}
	_, err = s.Customers.Get(ctx, bob.ID)
	wantError(t, err, api.CodeNotFound, "")
	wantError(t, s.Customers.Delete(ctx, bob.ID), api.CodeNotFound, "")
}

func TestCustomerInputRejected(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in    shop.CustomerInput
		field string
	}{
		{shop.CustomerInput{Email: "nobody", Name: "N"}, "email"},
		{shop.CustomerInput{Email: "n@example.com", Name: ""}, "name"},
		{shop.CustomerInput{Email: "n@example.com", Name: "N", Phone: new("")}, "phone"},
	} {
		wantError(t, tc.in.Validate(), api.CodeInvalid, tc.field)
	}
}
