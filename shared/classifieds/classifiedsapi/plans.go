package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Plans serves the flat-rate plans and their orders (PlanFunction, HGK-6, CP-4).
type Plans struct {
	Svc *classifieds.Orders
}

// PlanList is the body of GET /v1/plans.
type PlanList struct {
	Plans []classifieds.Plan `json:"plans"`
	// FreeOffers is how many offers an advertiser may publish at once without a
	// plan; ConsentVersion the version of the consent text an order names.
	FreeOffers     int    `json:"freeOffers"`
	ConsentVersion string `json:"consentVersion"`
}

// List serves GET /v1/plans (public).
func (h Plans) List(_ context.Context, _ *httpapi.Request) (httpapi.Response, error) {
	return httpapi.JSON(http.StatusOK, PlanList{Plans: h.Svc.Plans, FreeOffers: h.Svc.FreeOffers, ConsentVersion: classifieds.PaymentConsentVersion}), nil
}

// Order serves POST /v1/me/plan: an order and its checkout at the provider; the
// account's open order of the plan when there is one (200), else a new one (201).
func (h Plans) Order(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.OrderInput
	if err := r.DecodeJSON(&in, classifieds.MaxOrderBody); err != nil {
		return httpapi.Response{}, err
	}
	p, err := h.Svc.Place(ctx, r.Principal.AccountID, r.Lang, in)
	if err != nil {
		return httpapi.Response{}, err
	}
	status := http.StatusOK
	if p.New {
		status = http.StatusCreated
	}
	return httpapi.JSON(status, p), nil
}

// Get serves GET /v1/me/orders/{id}: the caller's order; another's is 404.
func (h Plans) Get(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	o, err := h.Svc.Get(ctx, r.Principal.AccountID, r.Event.PathParameters["id"])
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, o), nil
}

// Routes are served by the plan function.
func (h Plans) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/plans":          {Handler: h.List, Access: httpapi.Public},
		"POST /v1/me/plan":       {Handler: h.Order, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.PlanOrder}, MaxBody: classifieds.MaxOrderBody, Idempotency: httpapi.IdempotencyOptional},
		"GET /v1/me/orders/{id}": {Handler: h.Get, Access: httpapi.Signed},
	}
}

// PaymentWebhook serves the payment provider's webhook (PaymentWebhookFunction).
type PaymentWebhook struct {
	Svc *classifieds.Orders
}

// Webhook serves POST /v1/payments/webhook: the signed event; 200 with what it
// did ("processed", "duplicate" for an event seen before, "ignored" for another
// type), or a problem when it changes nothing.
func (h PaymentWebhook) Webhook(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	body, err := r.Body()
	if err != nil {
		return httpapi.Response{}, err
	}
	if len(body) > classifieds.MaxWebhookBody {
		return httpapi.Response{}, problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
	}
	res, err := h.Svc.Webhook(ctx, body, r.Header(classifieds.PaymentSignatureHeader))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, map[string]string{"result": res}), nil
}

// Routes are served by the payment webhook function.
func (h PaymentWebhook) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/payments/webhook": {Handler: h.Webhook, Access: httpapi.Callback, Limits: []ratelimit.Rule{ratelimit.PaymentWebhook, ratelimit.PaymentWebhookAll}, MaxBody: classifieds.MaxWebhookBody},
	}
}
