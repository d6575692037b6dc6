package networkapi

import (
	"context"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/oneclick"
	"kontor/shared/ratelimit"
)

// Subscriptions serves a member's notifications of new posts per group and the
// one-click unsubscribe links in them (RFC 8058).
type Subscriptions struct {
	Svc *network.SubscriptionService
}

// Subscription serves GET /v1/groups/{id}/subscription.
func (h Subscriptions) Subscription(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, err := h.Svc.Get(ctx, reader(r), param(r, "id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, v), nil
}

// Subscribe serves PUT /v1/groups/{id}/subscription: 201 when turned on, 200
// when it was on.
func (h Subscriptions) Subscribe(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	v, created, err := h.Svc.Subscribe(ctx, reader(r), param(r, "id"))
	return openedOrFound(v, created, err)
}

// Unsubscribe serves DELETE /v1/groups/{id}/subscription.
func (h Subscriptions) Unsubscribe(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Unsubscribe(ctx, reader(r), param(r, "id")); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// unsubscribeTexts are the pages of the link in a notification (shared/oneclick).
var unsubscribeTexts = oneclick.Texts{
	"de": {
		oneclick.Ask:  {Title: "Benachrichtigungen ausschalten", Text: "Möchten Sie keine E-Mails mehr über neue Beiträge in dieser Gruppe erhalten?", Button: "Ausschalten"},
		oneclick.Done: {Title: "Benachrichtigungen ausgeschaltet", Text: "Sie erhalten keine E-Mails mehr über neue Beiträge in dieser Gruppe. Auf der Seite der Gruppe können Sie sie wieder einschalten."},
	},
	"en": {
		oneclick.Ask:  {Title: "Turn off notifications", Text: "Do you want to stop emails about new posts in this group?", Button: "Turn off"},
		oneclick.Done: {Title: "Notifications turned off", Text: "You will get no more emails about new posts in this group. You can turn them on again on the group's page."},
	},
}

func unsubscribeAnswer(r *httpapi.Request, state string) (httpapi.Response, error) {
	return oneclick.Answer(r, unsubscribeTexts, state, network.UnsubscribePath)
}

// AskUnsubscribe serves GET /v1/group-subscriptions/unsubscribe?token=: a page
// that asks to confirm; it changes nothing.
func (h Subscriptions) AskUnsubscribe(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return unsubscribeAnswer(r, oneclick.Ask)
}

// UnsubscribeByToken serves POST /v1/group-subscriptions/unsubscribe?token=
// (RFC 8058 one-click): the subscription the token names ends. Any token gets
// the same answer, used or not, so the route tells nothing and a repeat is
// harmless.
func (h Subscriptions) UnsubscribeByToken(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.UnsubscribeByToken(ctx, oneclick.Token(r)); err != nil {
		return httpapi.Response{}, err
	}
	return unsubscribeAnswer(r, oneclick.Done)
}

// Routes are the subscription routes (network members only, hidden from everyone
// else) and the public unsubscribe link: without a session, authenticated by its
// token, counted per client and for all clients.
func (h Subscriptions) Routes() map[string]httpapi.Route {
	member := func(fn httpapi.Handler, limits ...ratelimit.Rule) httpapi.Route {
		return httpapi.Route{Handler: fn, Access: httpapi.Signed, Role: access.RoleNetwork, HiddenWithoutRole: true, Gate: groupGate, Limits: limits}
	}
	link := []ratelimit.Rule{ratelimit.NetworkUnsubscribe, ratelimit.NetworkUnsubscribeAll}
	return map[string]httpapi.Route{
		"GET /v1/groups/{id}/subscription":    member(h.Subscription),
		"PUT /v1/groups/{id}/subscription":    member(h.Subscribe, ratelimit.NetworkWrite),
		"DELETE /v1/groups/{id}/subscription": member(h.Unsubscribe),
		"GET " + network.UnsubscribePath:      {Handler: h.AskUnsubscribe, Access: httpapi.Public, Limits: link},
		"POST " + network.UnsubscribePath:     {Handler: h.UnsubscribeByToken, Access: httpapi.Callback, Limits: link, MaxBody: 1 << 10},
	}
}
