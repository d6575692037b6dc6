// Package classifiedsapi serves the classifieds module's routes, one handler type
// per feature (and function).
package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/problem"
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

// createBody is a new listing: its fields, or those of a template (templateId,
// signed in) changed by the fields given; without an account also the address
// and the accepted texts.
type createBody struct {
	classifieds.Input
	TemplateID             string `json:"templateId"`
	Email                  string `json:"email"`
	AcceptedTermsVersion   string `json:"acceptedTermsVersion"`
	AcceptedPrivacyVersion string `json:"acceptedPrivacyVersion"`
}

// Pending is the answer to a listing sent without an account: the same whether
// the address has an account or not.
type Pending struct {
	Status string `json:"status"`
}

// Create serves POST /v1/listings. Signed in, the listing (or one made from a
// template) is published at once. Without an account it waits for the address
// to be confirmed by the mailed link: 202, whatever the address.
func (h Listings) Create(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b createBody
	if err := r.DecodeJSON(&b, classifieds.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	acc := r.Principal.AccountID
	if acc == "" {
		if b.TemplateID != "" {
			return httpapi.Response{}, problem.New(http.StatusUnauthorized, problem.CodeUnauthenticated)
		}
		in := classifieds.AnonymousInput{Input: b.Input, Email: b.Email, AcceptedTermsVersion: b.AcceptedTermsVersion, AcceptedPrivacyVersion: b.AcceptedPrivacyVersion}
		if err := h.Svc.Submit(ctx, in, r.Lang); err != nil {
			return httpapi.Response{}, err
		}
		return httpapi.JSON(http.StatusAccepted, Pending{Status: classifieds.StatusPending}), nil
	}
	if b.TemplateID != "" {
		tpl, err := h.Svc.Template(ctx, acc, b.TemplateID)
		if err != nil {
			return httpapi.Response{}, err
		}
		b = createBody{Input: tpl}
		if err := r.DecodeJSON(&b, classifieds.MaxBody); err != nil {
			return httpapi.Response{}, err
		}
	}
	l, err := h.Svc.Publish(ctx, acc, b.Input, r.Lang, r.ClientIP())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, classifieds.MineOf(l, l.CreatedAt)), nil
}

// maxTokenBody bounds a confirmation's body: a token and its JSON.
const maxTokenBody = 1 << 10

type confirmBody struct {
	Token string `json:"token"`
}

// Confirmed is the answer to a confirmed listing.
type Confirmed struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// Confirm serves POST /v1/listings/confirm: the mailed token publishes its
// listing, once.
func (h Listings) Confirm(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b confirmBody
	if err := r.DecodeJSON(&b, maxTokenBody); err != nil {
		return httpapi.Response{}, err
	}
	l, err := h.Svc.Confirm(ctx, b.Token, r.ClientIP())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, Confirmed{ID: l.ID, Status: l.Status}), nil
}

// Browse serves GET /v1/listings: anyone, no cookie; filtered, newest first or by
// start date, paged.
func (h Listings) Browse(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, classifieds.MaxBrowsePage)
	if err != nil {
		return httpapi.Response{}, err
	}
	f, err := classifieds.ParseFilter(r.Event.QueryStringParameters)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Svc.Browse(ctx, f, pg)
	return httpapi.Listed("listings", cs, next, err, classifieds.ErrBadCursor)
}

// Patch serves PATCH /v1/listings/{id}: the advertiser changes the fields given
// of a public listing; 404 for another's or an unknown one, 409 for one that is
// no longer public.
func (h Listings) Patch(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	acc := r.Principal.AccountID
	l, err := h.Svc.Editable(ctx, acc, r.Event.PathParameters["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	in := classifieds.InputOf(l)
	if err := r.DecodeJSON(&in, classifieds.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	l, err = h.Svc.Edit(ctx, l, in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, classifieds.MineOf(l, *l.UpdatedAt)), nil
}

// End serves DELETE /v1/listings/{id}: the advertiser ends the listing early; it
// stays as a template. 404 for another's or an unknown one.
func (h Listings) End(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.End(ctx, r.Principal.AccountID, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
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
		"POST /v1/listings": {Handler: h.Create, Access: httpapi.Optional, MaxBody: classifieds.MaxBody, Idempotency: httpapi.IdempotencyOptional,
			Limits: []ratelimit.Rule{ratelimit.ListingCreate, ratelimit.ListingCreateAll}},
		"POST /v1/listings/confirm": {Handler: h.Confirm, Access: httpapi.Public, MaxBody: maxTokenBody, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}},
		"GET /v1/listings":          {Handler: h.Browse, Access: httpapi.Public},
		"GET /v1/listings/{id}":     {Handler: h.Get, Access: httpapi.Public},
		"PATCH /v1/listings/{id}":   {Handler: h.Patch, Access: httpapi.Signed, MaxBody: classifieds.MaxBody},
		"DELETE /v1/listings/{id}":  {Handler: h.End, Access: httpapi.Signed},
		"GET /v1/me/listings":       {Handler: h.Mine, Access: httpapi.Signed},
	}
}
