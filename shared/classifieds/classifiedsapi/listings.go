// Package classifiedsapi serves the classifieds module's routes, one handler type
// per feature (and function).
package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// Listings serves the listings (ListingsFunction).
type Listings struct {
	Svc *classifieds.Listings
	// Extras adds the photos and the identity mark to the public view
	// (viewextras.go); nil adds none.
	Extras *classifieds.ViewExtras
}

// MaxCursor bounds a cursor's length.
const MaxCursor = 512

// page reads ?limit= (1 to max) and ?cursor=.
func page(r *httpapi.Request, max int) (classifieds.Page, error) {
	limit, cursor, err := httpapi.PageQuery(r, max, MaxCursor)
	return classifieds.Page{Limit: limit, Cursor: cursor}, err
}

// Create serves POST /v1/listings: signed in, the listing is published at once.
func (h Listings) Create(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.Input
	if err := r.DecodeJSON(&in, classifieds.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	l, err := h.Svc.Publish(ctx, r.Principal.AccountID, in, r.Lang)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, classifieds.MineOf(l, l.CreatedAt)), nil
}

// Get serves GET /v1/listings/{id}: anyone, while the listing is public; 404
// otherwise (pending, ended, expired or unknown alike).
func (h Listings) Get(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	l, err := h.Svc.Public(ctx, r.Event.PathParameters["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	v, err := h.Svc.PublicView(ctx, l)
	if err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Extras.Add(ctx, l, &v); err != nil { // photos and identity mark
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// Mine serves GET /v1/me/listings: the advertiser's own listings, newest first,
// public or not, paged.
func (h Listings) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	ls, next, err := h.Svc.Of(ctx, r.Principal.AccountID, pg)
	return httpapi.Listed("listings", ls, next, err, classifieds.ErrBadCursor)
}

// Routes are served by the listings function.
func (h Listings) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/listings":     {Handler: h.Create, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.ListingCreate, ratelimit.ListingCreateAll}, MaxBody: classifieds.MaxBody, Idempotency: httpapi.IdempotencyOptional},
		"GET /v1/listings/{id}": {Handler: h.Get, Access: httpapi.Public},
		"GET /v1/me/listings":   {Handler: h.Mine, Access: httpapi.Signed},
	}
}
