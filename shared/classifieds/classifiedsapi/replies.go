package classifiedsapi

import (
	"context"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// Replies serves replies to listings (RepliesFunction, HGK-9, HGK-10).
type Replies struct {
	Svc *classifieds.Replies
}

// Send serves POST /v1/listings/{id}/replies: anyone, no account. The answer is
// 202 {id}, the same whether the filter delivered or withheld the reply.
func (h Replies) Send(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.ReplyInput
	if err := r.DecodeJSON(&in, classifieds.MaxReplyBody); err != nil {
		return httpapi.Response{}, err
	}
	s, err := h.Svc.Send(ctx, r.Event.PathParameters["id"], in, r.Lang, r.ClientIP())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, s), nil
}

// Mine serves GET /v1/me/replies: the advertiser's delivered replies, newest
// first, paged.
func (h Replies) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	rs, next, err := h.Svc.Mine(ctx, r.Principal.AccountID, pg)
	return httpapi.Listed("replies", rs, next, err, classifieds.ErrBadCursor)
}

// DeleteMine serves DELETE /v1/me/replies/{id}: the advertiser's own delivered
// reply; 404 for anyone else's.
func (h Replies) DeleteMine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.DeleteMine(ctx, r.Principal.AccountID, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// DeleteByToken serves POST /v1/replies/{id}/delete {token}: the replier's link,
// once; unknown, used and forged tokens answer 404 alike.
func (h Replies) DeleteByToken(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b confirmBody
	if err := r.DecodeJSON(&b, maxTokenBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.DeleteByToken(ctx, r.Event.PathParameters["id"], b.Token); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the replies function.
func (h Replies) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/listings/{id}/replies": {Handler: h.Send, Access: httpapi.Public, MaxBody: classifieds.MaxReplyBody, Idempotency: httpapi.IdempotencyOptional,
			Limits: []ratelimit.Rule{ratelimit.ReplySend, ratelimit.ReplySendAll}},
		"GET /v1/me/replies":           {Handler: h.Mine, Access: httpapi.Signed},
		"DELETE /v1/me/replies/{id}":   {Handler: h.DeleteMine, Access: httpapi.Signed},
		"POST /v1/replies/{id}/delete": {Handler: h.DeleteByToken, Access: httpapi.Public, MaxBody: maxTokenBody, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}},
	}
}
