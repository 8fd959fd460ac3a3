package shop

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/aquila-go/aquila/api"

	"github.com/aquila-go/aquila/examples/service/internal/db"
)

func (h *Handler) createCustomer(w http.ResponseWriter, r *http.Request) error {
	var in CustomerInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := h.newRequest(r).Customers.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/customers/"+strconv.FormatInt(c.ID, 10))
	return api.WriteJSON(w, r, http.StatusCreated, c)
}

func (h *Handler) getCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	c, err := h.newRequest(r).Customers.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, c)
}

func (h *Handler) listCustomers(w http.ResponseWriter, r *http.Request) error {
	v, err := api.ValidateParams(r, "after", "limit")
	if err != nil {
		return err
	}
	after, err := api.AfterID(v)
	if err != nil {
		return err
	}
	n, err := api.Limit(v)
	if err != nil {
		return err
	}
	cs, err := h.newRequest(r).Customers.List(r.Context(), after, n)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(cs, n, func(c db.Customer) string { return strconv.FormatInt(c.ID, 10) }))
}

func (h *Handler) deleteCustomer(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := h.newRequest(r).Customers.Delete(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (h *Handler) customerOrders(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	v, err := api.ValidateParams(r, "after", "limit")
	if err != nil {
		return err
	}
	after, err := api.AfterID(v)
	if err != nil {
		return err
	}
	n, err := api.Limit(v)
	if err != nil {
		return err
	}
	os, err := h.newRequest(r).Orders.ListForCustomer(r.Context(), id, after, n)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(os, n, func(o db.Order) string { return strconv.FormatInt(o.ID, 10) }))
}

func (h *Handler) createProduct(w http.ResponseWriter, r *http.Request) error {
	var in ProductInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.newRequest(r).Products.Create(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/products/"+p.ID.String())
	return api.WriteJSON(w, r, http.StatusCreated, p)
}

// importProducts streams an NDJSON body (or a JSON array) of products into
// one COPY: all are written or none.
func (h *Handler) importProducts(w http.ResponseWriter, r *http.Request) error {
	mt, err := api.ValidateMediaType(r, "application/x-ndjson", "application/json")
	if err != nil {
		return err
	}
	body := http.MaxBytesReader(w, r.Body, MaxImportBytes)
	n, err := h.newRequest(r).Products.Import(r.Context(), api.Records[ProductInput](body, mt == "application/x-ndjson"))
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusCreated, map[string]int64{"imported": n})
}

func (h *Handler) getProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := parseUUID("id", r.PathValue("id"))
	if err != nil {
		return err
	}
	p, err := h.newRequest(r).Products.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, p)
}

func (h *Handler) listProducts(w http.ResponseWriter, r *http.Request) error {
	v, err := api.ValidateParams(r, "after", "tag", "limit")
	if err != nil {
		return err
	}
	var tag *string
	if v.Has("tag") {
		t := v.Get("tag")
		tag = &t
	}
	n, err := api.Limit(v)
	if err != nil {
		return err
	}
	ps, err := h.newRequest(r).Products.List(r.Context(), v.Get("after"), tag, n)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, pageOf(ps, n, func(p db.Product) string { return p.Sku }))
}

// ProductPatch is the body of PATCH /products/{id}: the price is the one
// field that changes after creation.
type ProductPatch struct {
	Price json.Number `json:"price"`
}

func (h *Handler) patchProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := parseUUID("id", r.PathValue("id"))
	if err != nil {
		return err
	}
	var in ProductPatch
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	p, err := h.newRequest(r).Products.SetPrice(r.Context(), id, in.Price)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, p)
}

func (h *Handler) placeOrder(w http.ResponseWriter, r *http.Request) error {
	var in OrderInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.newRequest(r).Orders.Place(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/orders/"+strconv.FormatInt(o.ID, 10))
	return api.WriteJSON(w, r, http.StatusCreated, o)
}

func (h *Handler) getOrder(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	o, err := h.newRequest(r).Orders.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, o)
}

// StatusInput is the body of PUT /orders/{id}/status.
type StatusInput struct {
	Status string `json:"status"`
}

func (h *Handler) setOrderStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := api.PathID(r, "id")
	if err != nil {
		return err
	}
	var in StatusInput
	if err := api.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := h.newRequest(r).Orders.SetStatus(r.Context(), id, in.Status)
	if err != nil {
		return err
	}
	return api.WriteJSON(w, r, http.StatusOK, o)
}
