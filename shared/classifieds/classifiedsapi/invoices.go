package classifiedsapi

import (
	"context"
	"errors"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// Invoices serves an account its invoices (InvoicesFunction, HGK-4).
type Invoices struct {
	Svc *classifieds.Invoices
}

// List serves GET /v1/me/invoices: newest first, with a cursor.
func (h Invoices) List(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	l, err := h.Svc.List(ctx, r.Principal.AccountID, pg)
	if errors.Is(err, classifieds.ErrBadCursor) {
		return httpapi.Response{}, httpapi.BadCursor()
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, l), nil
}

// Download serves GET /v1/me/invoices/{number}/download: a link valid for five
// minutes; 404 for an invoice that is not the account's.
func (h Invoices) Download(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	d, err := h.Svc.Download(ctx, r.Principal.AccountID, param(r, "number"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, d), nil
}

// Routes are served by the invoices function.
func (h Invoices) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me/invoices":                   {Handler: h.List, Access: httpapi.Signed},
		"GET /v1/me/invoices/{number}/download": {Handler: h.Download, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.InvoiceDownload}},
	}
}
