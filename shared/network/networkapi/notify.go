package networkapi

import (
	"context"
	"html/template"
	"net/http"
	"strings"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/network"
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

// unsubscribePage is the answer to the link in a notification: the GET shows a
// form that asks to confirm (a GET never unsubscribes: mail scanners follow
// links), the POST (the form, or the mail program's one-click) tells that it is
// done. No script, no style, no outside resource.
var unsubscribePage = template.Must(template.New("unsubscribe").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p>{{if .Button}}<form method="post" action="{{.Action}}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">{{.Button}}</button></form>{{end}}</main></body></html>
`))

var unsubscribeTexts = map[string]map[string][3]string{
	"de": {
		"ask":  {"Benachrichtigungen ausschalten", "Möchten Sie keine E-Mails mehr über neue Beiträge in dieser Gruppe erhalten?", "Ausschalten"},
		"done": {"Benachrichtigungen ausgeschaltet", "Sie erhalten keine E-Mails mehr über neue Beiträge in dieser Gruppe. Auf der Seite der Gruppe können Sie sie wieder einschalten.", ""},
	},
	"en": {
		"ask":  {"Turn off notifications", "Do you want to stop emails about new posts in this group?", "Turn off"},
		"done": {"Notifications turned off", "You will get no more emails about new posts in this group. You can turn them on again on the group's page.", ""},
	},
}

func unsubscribeAnswer(r *httpapi.Request, state string) (httpapi.Response, error) {
	t := unsubscribeTexts[r.Lang][state]
	if t[0] == "" {
		t = unsubscribeTexts["en"][state]
	}
	var b strings.Builder
	err := unsubscribePage.Execute(&b, map[string]string{"Lang": r.Lang, "Title": t[0], "Text": t[1], "Button": t[2],
		"Action": network.UnsubscribePath + "?token=" + r.Event.QueryStringParameters["token"]})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.HTML(http.StatusOK, b.String())
	resp.Headers["Cache-Control"] = "no-store"
	resp.Headers["Referrer-Policy"] = "no-referrer"
	return resp, nil
}

// AskUnsubscribe serves GET /v1/group-subscriptions/unsubscribe?token=: a page
// that asks to confirm; it changes nothing.
func (h Subscriptions) AskUnsubscribe(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return unsubscribeAnswer(r, "ask")
}

// UnsubscribeByToken serves POST /v1/group-subscriptions/unsubscribe?token=
// (RFC 8058 one-click): the subscription the token names ends. Any token gets
// the same answer, used or not, so the route tells nothing and a repeat is
// harmless.
func (h Subscriptions) UnsubscribeByToken(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.UnsubscribeByToken(ctx, r.Event.QueryStringParameters["token"]); err != nil {
		return httpapi.Response{}, err
	}
	return unsubscribeAnswer(r, "done")
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
