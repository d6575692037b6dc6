// Package privacyapi maps the privacy routes to the rights service.
package privacyapi

import (
	"context"
	"net/http"
	"strings"

	"kontor/shared/httpapi"
	"kontor/shared/privacy"
	"kontor/shared/privacy/rights"
)

const maxBody = 4 << 10

// Handlers serves the privacy routes.
type Handlers struct {
	Svc    *rights.Service
	Region string
}

// Export serves GET /v1/me/export.
func (h Handlers) Export(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	doc, err := h.Svc.Export(ctx, r.Principal)
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, doc)
	resp.Headers = map[string]string{"Content-Disposition": `attachment; filename="kontor-export.json"`}
	return resp, nil
}

// ConsentList is the answer of GET /v1/me/consents.
type ConsentList struct {
	Purposes []privacy.Purpose      `json:"purposes"`
	Current  []privacy.ConsentState `json:"current"`
	History  []privacy.ConsentEvent `json:"history"`
}

// Consents serves GET /v1/me/consents.
func (h Handlers) Consents(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	cur, hist, err := h.Svc.Consents(ctx, r.Principal)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ConsentList{Purposes: h.Svc.Purposes, Current: cur, History: hist}), nil
}

type grantBody struct {
	TextVersion string `json:"textVersion"`
}

// Grant serves PUT /v1/me/consents/{purpose}.
func (h Handlers) Grant(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b grantBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	c, err := h.Svc.Grant(ctx, r.Principal, r.Event.PathParameters["purpose"], b.TextVersion)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, c), nil
}

// Withdrawal is the answer to a withdrawal: the consent and how many stored items
// that rested only on it were deleted.
type Withdrawal struct {
	privacy.ConsentState
	DeletedItems int `json:"deletedItems"`
}

// Withdraw serves DELETE /v1/me/consents/{purpose}.
func (h Handlers) Withdraw(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	c, n, err := h.Svc.Withdraw(ctx, r.Principal, r.Event.PathParameters["purpose"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, Withdrawal{ConsentState: c, DeletedItems: n}), nil
}

// Restriction is the state of the restriction of processing.
type Restriction struct {
	Restricted bool `json:"restricted"`
}

// GetRestriction serves GET /v1/me/restriction.
func (h Handlers) GetRestriction(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	on, err := h.Svc.Restricted(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, Restriction{Restricted: on}), nil
}

// PutRestriction serves PUT /v1/me/restriction.
func (h Handlers) PutRestriction(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Restrict(ctx, r.Principal, true); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, Restriction{Restricted: true}), nil
}

// DeleteRestriction serves DELETE /v1/me/restriction.
func (h Handlers) DeleteRestriction(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Restrict(ctx, r.Principal, false); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, Restriction{Restricted: false}), nil
}

type objectionBody struct {
	Scope string `json:"scope"`
}

// Objection is the answer to an objection.
type Objection struct {
	Scope string `json:"scope"`
	// AccountClosed is true after a general objection: the service can no longer be used.
	AccountClosed bool `json:"accountClosed"`
}

// Object serves PUT /v1/me/objection.
func (h Handlers) Object(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b objectionBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.Object(ctx, r.Principal, b.Scope); err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, Objection{Scope: b.Scope, AccountClosed: b.Scope == rights.ObjectAll})
	if b.Scope == rights.ObjectAll {
		resp = resp.WithCookies(httpapi.ClearSessionCookie(), httpapi.ClearCSRFCookie())
	}
	return resp, nil
}

// Erasure is the answer to DELETE /v1/me.
type Erasure struct {
	Status string `json:"status"` // done | held | running
	// Kept counts, per kind, what a legal retention duty keeps (HGK-16).
	Kept map[string]int `json:"kept,omitempty"`
}

// Erase serves DELETE /v1/me: erasure and deactivation.
func (h Handlers) Erase(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	j, err := h.Svc.Erase(ctx, r.Principal, "deactivation")
	if err != nil {
		return httpapi.Response{}, err
	}
	status := http.StatusOK
	if j.Status != rights.JobDone {
		status = http.StatusAccepted
	}
	return httpapi.JSON(status, Erasure{Status: j.Status, Kept: j.Kept}).WithCookies(httpapi.ClearSessionCookie(), httpapi.ClearCSRFCookie()), nil
}

// HoldList is the answer of GET /v1/admin/holds.
type HoldList struct {
	Holds []privacy.Hold `json:"holds"`
}

// ListHolds serves GET /v1/admin/holds.
func (h Handlers) ListHolds(ctx context.Context, _ *httpapi.Request) (httpapi.Response, error) {
	hs, err := h.Svc.Holds(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, HoldList{Holds: hs}), nil
}

type holdBody struct {
	AccountID string `json:"accountId"`
	Reason    string `json:"reason"`
}

// PlaceHold serves POST /v1/admin/holds.
func (h Handlers) PlaceHold(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b holdBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	hold, err := h.Svc.PlaceHold(ctx, r.Principal, b.AccountID, b.Reason)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, hold), nil
}

type liftBody struct {
	Reason string `json:"reason"`
}

// LiftHold serves DELETE /v1/admin/holds/{accountId}; a pending erasure finishes
// at the next retention sweep.
func (h Handlers) LiftHold(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b liftBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.LiftHold(ctx, r.Principal, r.Event.PathParameters["accountId"], b.Reason); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Processing serves GET /v1/privacy/processing: JSON, or an HTML table in the
// caller's language with ?format=html or Accept: text/html.
func (h Handlers) Processing(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
	rec := h.Svc.Record(h.Region)
	if r.Event.QueryStringParameters["format"] == "html" || strings.HasPrefix(r.Header("accept"), "text/html") {
		return httpapi.HTML(http.StatusOK, rec.HTML(r.Lang)), nil
	}
	return httpapi.JSON(http.StatusOK, rec), nil
}
