package insuranceapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/insurance"
	"kontor/shared/ratelimit"
	"kontor/shared/upload"
)

// Claims serves the customer's claims and invoices. Every route needs both the
// processing consent (H4U-3) and the health-data consent (H4U-7) — the route's
// gate, insurance.ClaimsGate.
type Claims struct {
	Claims *insurance.Claims
}

type createBody struct {
	ContractNumber string `json:"contractNumber"`
	TreatmentDate  string `json:"treatmentDate"`
	Description    string `json:"description"`
	AmountCents    int64  `json:"amountCents"`
}

// Create serves POST /v1/me/claims. The route requires an Idempotency-Key: a claim
// created twice would be reimbursed twice.
func (h Claims) Create(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b createBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	cl, err := h.Claims.Create(ctx, r.Principal, insurance.ClaimInput{ContractNumber: b.ContractNumber, TreatmentDate: b.TreatmentDate, Description: b.Description, AmountCents: b.AmountCents})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, cl), nil
}

// ClaimList is a page of claims; Next, when set, asks for the following page.
type ClaimList struct {
	Claims []insurance.Claim `json:"claims"`
	Next   string            `json:"next,omitempty"`
}

// page reads ?limit= and ?cursor=.
func page(r *httpapi.Request) (insurance.Page, error) {
	q := r.Event.QueryStringParameters
	return insurance.CheckPage(q["limit"], q["cursor"])
}

// Mine serves GET /v1/me/claims.
func (h Claims) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Claims.Mine(ctx, r.Principal.AccountID, pg)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ClaimList{Claims: cs, Next: next}), nil
}

// One serves GET /v1/me/claims/{id}: only the owner's (404 otherwise).
func (h Claims) One(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	cl, err := h.Claims.Own(ctx, r.Principal, r.Event.PathParameters["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, cl), nil
}

type invoiceBody struct {
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// NewInvoice is an invoice entry with its upload.
type NewInvoice struct {
	Invoice insurance.Invoice `json:"invoice"`
	Upload  upload.URL        `json:"upload"`
}

// AddInvoice serves POST /v1/me/claims/{id}/invoices.
func (h Claims) AddInvoice(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b invoiceBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	inv, up, err := h.Claims.AddInvoice(ctx, r.Principal, r.Event.PathParameters["id"], b.ContentType, b.Size)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, NewInvoice{Invoice: inv, Upload: up}), nil
}

// Complete serves POST /v1/me/claims/{id}/invoices/{invoiceId}/complete.
func (h Claims) Complete(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	inv, err := h.Claims.Complete(ctx, r.Principal, r.Event.PathParameters["id"], r.Event.PathParameters["invoiceId"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, inv), nil
}

// Download serves GET /v1/me/claims/{id}/invoices/{invoiceId}/download.
func (h Claims) Download(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	d, err := h.Claims.OwnDownload(ctx, r.Principal, r.Event.PathParameters["id"], r.Event.PathParameters["invoiceId"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, d), nil
}

// Routes are served by the claims function.
func (h Claims) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/me/claims":                                    {Handler: h.Create, Access: httpapi.Signed, Gate: insurance.ClaimsGate, Limits: []ratelimit.Rule{ratelimit.ClaimCreate}, Idempotency: httpapi.IdempotencyRequired},
		"GET /v1/me/claims":                                     {Handler: h.Mine, Access: httpapi.Signed, Gate: insurance.ClaimsGate},
		"GET /v1/me/claims/{id}":                                {Handler: h.One, Access: httpapi.Signed, Gate: insurance.ClaimsGate},
		"POST /v1/me/claims/{id}/invoices":                      {Handler: h.AddInvoice, Access: httpapi.Signed, Gate: insurance.ClaimsGate, Limits: []ratelimit.Rule{ratelimit.Upload}},
		"POST /v1/me/claims/{id}/invoices/{invoiceId}/complete": {Handler: h.Complete, Access: httpapi.Signed, Gate: insurance.ClaimsGate},
		"GET /v1/me/claims/{id}/invoices/{invoiceId}/download":  {Handler: h.Download, Access: httpapi.Signed, Gate: insurance.ClaimsGate},
	}
}

// Review serves the staff's review of claims.
type Review struct {
	Review *insurance.Review
}

// Queue serves GET /v1/staff/claims: claims awaiting a decision.
func (h Review) Queue(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r)
	if err != nil {
		return httpapi.Response{}, err
	}
	cs, next, err := h.Review.Queue(ctx, pg)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, ClaimList{Claims: cs, Next: next}), nil
}

// One serves GET /v1/staff/claims/{id}.
func (h Review) One(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	cl, err := h.Review.ForStaff(ctx, r.Event.PathParameters["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, cl), nil
}

type decisionBody struct {
	Status          string `json:"status"`
	ReimbursedCents int64  `json:"reimbursedCents"`
	Note            string `json:"note"`
	Version         int    `json:"version"`
}

// Decide serves POST /v1/staff/claims/{id}/decision (H4U-10: a person decides).
func (h Review) Decide(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b decisionBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	cl, err := h.Review.Decide(ctx, r.Principal, r.Event.PathParameters["id"], insurance.DecisionInput{Status: b.Status, ReimbursedCents: b.ReimbursedCents, Note: b.Note, Version: b.Version})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, cl), nil
}

// Download serves GET /v1/staff/claims/{id}/invoices/{invoiceId}/download; audited.
func (h Review) Download(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	d, err := h.Review.StaffDownload(ctx, r.Principal, r.Event.PathParameters["id"], r.Event.PathParameters["invoiceId"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, d), nil
}

// Routes are served by the claim review function.
func (h Review) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/staff/claims":                                    {Handler: h.Queue, Access: httpapi.Signed, Role: access.RoleStaff},
		"GET /v1/staff/claims/{id}":                               {Handler: h.One, Access: httpapi.Signed, Role: access.RoleStaff},
		"POST /v1/staff/claims/{id}/decision":                     {Handler: h.Decide, Access: httpapi.Signed, Role: access.RoleStaff},
		"GET /v1/staff/claims/{id}/invoices/{invoiceId}/download": {Handler: h.Download, Access: httpapi.Signed, Role: access.RoleStaff},
	}
}
