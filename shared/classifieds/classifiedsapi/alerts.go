package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// Alerts serves alerts for new listings (AlertsFunction; HGK-2, HGK-3).
type Alerts struct {
	Svc *classifieds.Alerts
}

// alertList is the account's alerts and how many it may hold.
type alertList struct {
	Alerts []classifieds.Alert `json:"alerts"`
	Max    int                 `json:"max"`
}

// Subscribe serves POST /v1/alerts: an alert without an account. It is kept
// pending and a confirmation link mailed; the answer is 202 for every address.
// A signed-in person uses POST /v1/me/alerts.
func (h Alerts) Subscribe(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.AnonymousAlert
	if err := r.DecodeJSON(&in, classifieds.MaxAlertBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.SubscribeWithoutAccount(ctx, in); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, struct{}{}), nil
}

// Confirm serves POST /v1/alerts/confirm {token}: the mailed link's token, once;
// the alert becomes active and the account is created if there is none (HGK-2).
func (h Alerts) Confirm(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in confirmBody
	if err := r.DecodeJSON(&in, maxTokenBody); err != nil {
		return httpapi.Response{}, err
	}
	a, err := h.Svc.Confirm(ctx, in.Token)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, a), nil
}

// Create serves POST /v1/me/alerts: signed in, the alert is active at once.
func (h Alerts) Create(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.AlertInput
	if err := r.DecodeJSON(&in, classifieds.MaxAlertBody); err != nil {
		return httpapi.Response{}, err
	}
	a, err := h.Svc.Create(ctx, r.Principal.AccountID, in)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, a), nil
}

// Mine serves GET /v1/me/alerts: all of the account's alerts (at most
// classifieds.MaxAlerts, so no cursor).
func (h Alerts) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	as, err := h.Svc.List(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, alertList{Alerts: as, Max: classifieds.MaxAlerts}), nil
}

// Change serves PATCH /v1/me/alerts/{id}: criteria, frequency, paused; an
// absent field stays. Another account's alert is 404.
func (h Alerts) Change(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var p classifieds.AlertPatch
	if err := r.DecodeJSON(&p, classifieds.MaxAlertBody); err != nil {
		return httpapi.Response{}, err
	}
	a, err := h.Svc.Change(ctx, r.Principal.AccountID, r.Event.PathParameters["id"], p)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, a), nil
}

// Delete serves DELETE /v1/me/alerts/{id}; another account's alert is 404.
func (h Alerts) Delete(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Delete(ctx, r.Principal.AccountID, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the alerts function.
func (h Alerts) Routes() map[string]httpapi.Route {
	write := []ratelimit.Rule{ratelimit.AlertWrite}
	return map[string]httpapi.Route{
		"POST /v1/alerts":           {Handler: h.Subscribe, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.AlertCreate, ratelimit.AlertCreateAll}, MaxBody: classifieds.MaxAlertBody},
		"POST /v1/alerts/confirm":   {Handler: h.Confirm, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxTokenBody},
		"POST /v1/me/alerts":        {Handler: h.Create, Access: httpapi.Signed, Limits: write, MaxBody: classifieds.MaxAlertBody},
		"GET /v1/me/alerts":         {Handler: h.Mine, Access: httpapi.Signed},
		"PATCH /v1/me/alerts/{id}":  {Handler: h.Change, Access: httpapi.Signed, Limits: write, MaxBody: classifieds.MaxAlertBody},
		"DELETE /v1/me/alerts/{id}": {Handler: h.Delete, Access: httpapi.Signed},
	}
}
