package classifiedsapi

import (
	"context"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/oneclick"
	"kontor/shared/ratelimit"
)

// AlertUnsubscribe serves the one-click links in alert mails (RFC 8058): the
// GET shows a page asking to confirm (mail scanners follow links), the POST
// (that page's form, or the mail program's one-click) ends the alert.
type AlertUnsubscribe struct {
	Svc *classifieds.AlertDelivery
}

// alertUnsubscribeTexts are the link's pages (shared/oneclick).
var alertUnsubscribeTexts = oneclick.Texts{
	"de": {
		oneclick.Ask:  {Title: "Suchauftrag beenden", Text: "Möchten Sie keine E-Mails mehr zu diesem Suchauftrag erhalten? Der Suchauftrag wird damit beendet.", Button: "Suchauftrag beenden"},
		oneclick.Done: {Title: "Suchauftrag beendet", Text: "Sie erhalten zu diesem Suchauftrag keine E-Mails mehr. Einen neuen Suchauftrag können Sie jederzeit auf HandGegenKoje.de anlegen."},
	},
	"en": {
		oneclick.Ask:  {Title: "End alert", Text: "Do you want to stop emails for this alert? This ends the alert.", Button: "End alert"},
		oneclick.Done: {Title: "Alert ended", Text: "You will get no more emails for this alert. You can set up a new alert on HandGegenKoje.de at any time."},
	},
}

// Ask serves GET /v1/alerts/unsubscribe?token=: a page that asks to confirm;
// it changes nothing.
func (h AlertUnsubscribe) Ask(_ context.Context, r *httpapi.Request) (httpapi.Response, error) {
	return oneclick.Answer(r, alertUnsubscribeTexts, oneclick.Ask, classifieds.AlertUnsubscribePath)
}

// End serves POST /v1/alerts/unsubscribe?token=: the alert the token names
// ends. Any token gets the same answer, used or not, so the route tells nothing
// and a repeat is harmless.
func (h AlertUnsubscribe) End(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.UnsubscribeAlert(ctx, oneclick.Token(r)); err != nil {
		return httpapi.Response{}, err
	}
	return oneclick.Answer(r, alertUnsubscribeTexts, oneclick.Done, classifieds.AlertUnsubscribePath)
}

// Routes are the link's routes: without a session, authenticated by the token,
// counted per client and for all clients.
func (h AlertUnsubscribe) Routes() map[string]httpapi.Route {
	link := []ratelimit.Rule{ratelimit.AlertUnsubscribe, ratelimit.AlertUnsubscribeAll}
	return map[string]httpapi.Route{
		"GET " + classifieds.AlertUnsubscribePath:  {Handler: h.Ask, Access: httpapi.Public, Limits: link},
		"POST " + classifieds.AlertUnsubscribePath: {Handler: h.End, Access: httpapi.Callback, Limits: link, MaxBody: 1 << 10},
	}
}
