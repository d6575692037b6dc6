// Package contactapi serves the contact form and the staff's handling of requests.
package contactapi

import (
	"context"
	"errors"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/contact"
	"kontor/shared/httpapi"
	"kontor/shared/privacy"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Handlers serves the routes.
type Handlers struct {
	Svc *contact.Service
	// People tells the signed-in sender's address (the identity module).
	People privacy.Resolver
}

type submitBody struct {
	Email          string `json:"email"`
	Name           string `json:"name"`
	Subject        string `json:"subject"`
	Message        string `json:"message"`
	AppLog         string `json:"appLog"`
	ConsentVersion string `json:"consentVersion"`
}

// Receipt is the answer to a submitted request.
type Receipt struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// Submit serves POST /v1/contact-requests: no account needed.
func (h Handlers) Submit(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b submitBody
	if err := r.DecodeJSON(&b, contact.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	req, err := h.Svc.Submit(ctx, contact.Input{Email: b.Email, Name: b.Name, Subject: b.Subject, Message: b.Message, AppLog: b.AppLog, ConsentVersion: b.ConsentVersion}, "")
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, Receipt{ID: req.ID, Status: req.Status}), nil
}

type signedBody struct {
	Subject        string `json:"subject"`
	Message        string `json:"message"`
	AppLog         string `json:"appLog"`
	ConsentVersion string `json:"consentVersion"`
}

// SubmitSigned serves POST /v1/me/contact-requests: the account's email is used and
// the request is linked to the account (it appears in the export).
func (h Handlers) SubmitSigned(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b signedBody
	if err := r.DecodeJSON(&b, contact.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	acc, err := h.People.Person(ctx, r.Principal.AccountID)
	if errors.Is(err, privacy.ErrUnknownPerson) {
		return httpapi.Response{}, problem.New(http.StatusUnauthorized, problem.CodeUnauthenticated)
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	req, err := h.Svc.Submit(ctx, contact.Input{Email: acc.Email, Subject: b.Subject, Message: b.Message, AppLog: b.AppLog, ConsentVersion: b.ConsentVersion}, acc.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, Receipt{ID: req.ID, Status: req.Status}), nil
}

// MineList is a page of the signed-in person's own requests.
type MineList struct {
	Requests []contact.Mine `json:"requests"`
	Next     string         `json:"next,omitempty"`
}

// Mine serves GET /v1/me/contact-requests: the requests sent from the signed-in
// account, newest first, paged (?limit=, ?cursor= the previous page's next).
func (h Handlers) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	q := r.Event.QueryStringParameters
	limit, cursor, err := contact.MinePage(q["limit"], q["cursor"])
	if err != nil {
		return httpapi.Response{}, err
	}
	rs, next, err := h.Svc.Of(ctx, r.Principal.AccountID, limit, cursor)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, MineList{Requests: rs, Next: next}), nil
}

// List is the staff's list of open requests.
type List struct {
	Requests []contact.Request `json:"requests"`
}

// Open serves GET /v1/staff/contact-requests.
func (h Handlers) Open(ctx context.Context, _ *httpapi.Request) (httpapi.Response, error) {
	rs, err := h.Svc.Open(ctx)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, List{Requests: rs}), nil
}

type resolveBody struct {
	RetainYears  int    `json:"retainYears"`
	RetainReason string `json:"retainReason"`
}

// Resolve serves POST /v1/staff/contact-requests/{id}/resolve.
func (h Handlers) Resolve(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b resolveBody
	if err := r.DecodeJSON(&b, contact.MaxBody); err != nil {
		return httpapi.Response{}, err
	}
	req, err := h.Svc.Resolve(ctx, r.Event.PathParameters["id"], r.Principal.AccountID, b.RetainYears, b.RetainReason)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, req), nil
}

// Routes are served by the contact function.
func (h Handlers) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/contact-requests":                    {Handler: h.Submit, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.ContactSubmit, ratelimit.ContactSubmitAll}, MaxBody: contact.MaxBody, Idempotency: httpapi.IdempotencyOptional},
		"POST /v1/me/contact-requests":                 {Handler: h.SubmitSigned, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.ContactSubmit}, MaxBody: contact.MaxBody, Idempotency: httpapi.IdempotencyOptional},
		"GET /v1/me/contact-requests":                  {Handler: h.Mine, Access: httpapi.Signed},
		"GET /v1/staff/contact-requests":               {Handler: h.Open, Access: httpapi.Signed, Role: access.RoleStaff},
		"POST /v1/staff/contact-requests/{id}/resolve": {Handler: h.Resolve, Access: httpapi.Signed, Role: access.RoleStaff},
	}
}
