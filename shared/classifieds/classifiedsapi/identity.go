package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Identity serves the identity confirmation (IdentityConfirmationFunction, HGK-5).
type Identity struct {
	Svc *classifieds.Identity
}

// Status serves GET /v1/me/identity-confirmation: whether the account may
// confirm (it has published a listing) and when it did.
func (h Identity) Status(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	st, err := h.Svc.Status(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, st), nil
}

// Start serves POST /v1/me/identity-confirmation: where to send the browser, the
// provider with a state bound to the account and a single-use nonce.
func (h Identity) Start(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	u, err := h.Svc.Start(ctx, r.Principal.AccountID, r.Lang)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, map[string]string{"redirectUrl": u}), nil
}

// Callback serves POST /v1/identity-confirmation/callback: the provider's verdict,
// signed (HMAC); only the fact and date of a confirmation are kept.
func (h Identity) Callback(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	body, err := r.Body()
	if err != nil {
		return httpapi.Response{}, err
	}
	if len(body) > classifieds.MaxIdentityCallback {
		return httpapi.Response{}, problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
	}
	if err := h.Svc.Callback(ctx, body, r.Header(classifieds.IdentitySignatureHeader)); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the identity confirmation function.
func (h Identity) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me/identity-confirmation":        {Handler: h.Status, Access: httpapi.Signed},
		"POST /v1/me/identity-confirmation":       {Handler: h.Start, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.IdentityConfirmStart}},
		"POST /v1/identity-confirmation/callback": {Handler: h.Callback, Access: httpapi.Callback, Limits: []ratelimit.Rule{ratelimit.IdentityCallback, ratelimit.IdentityCallbackAll}, MaxBody: classifieds.MaxIdentityCallback},
	}
}
