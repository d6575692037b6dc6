package classifiedsapi

import (
	"context"
	"errors"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/ratelimit"
)

// ReplyReview serves the review of withheld replies (ReplyReviewFunction, HGK-10).
type ReplyReview struct {
	Svc *classifieds.ReplyReview
}

// reviewRequested is the advertiser's answer: how many of their withheld replies
// now await review; nothing of them.
type reviewRequested struct {
	Queued int `json:"queued"`
}

// RequestReview serves POST /v1/me/replies/withheld-review.
func (h ReplyReview) RequestReview(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	n, err := h.Svc.RequestReview(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, reviewRequested{Queued: n}), nil
}

// noReaction is the replier's answer: one of the classifieds.NoReaction… states.
type noReaction struct {
	Status string `json:"status"`
}

// NoReaction serves POST /v1/replies/{id}/no-reaction {token}: the replier's link.
func (h ReplyReview) NoReaction(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b confirmBody
	if err := r.DecodeJSON(&b, maxTokenBody); err != nil {
		return httpapi.Response{}, err
	}
	st, err := h.Svc.NoReaction(ctx, r.Event.PathParameters["id"], b.Token)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, noReaction{Status: st}), nil
}

// reviewQueue is one page of the staff's queue.
type reviewQueue struct {
	Replies []classifieds.ReviewItem `json:"replies"`
	Next    string                   `json:"next,omitempty"`
}

// Queue serves GET /v1/staff/withheld-replies: the queue, oldest first, paged.
func (h ReplyReview) Queue(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	items, next, err := h.Svc.StaffQueue(ctx, pg)
	if errors.Is(err, classifieds.ErrBadCursor) {
		return httpapi.Response{}, httpapi.BadCursor()
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, reviewQueue{Replies: items, Next: next}), nil
}

// Release serves POST /v1/staff/withheld-replies/{id}/release.
func (h ReplyReview) Release(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Release(ctx, r.Principal, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Spam serves POST /v1/staff/withheld-replies/{id}/spam.
func (h ReplyReview) Spam(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.ConfirmSpam(ctx, r.Principal, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the reply review function.
func (h ReplyReview) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/me/replies/withheld-review":          {Handler: h.RequestReview, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.ReplyReviewRequest}},
		"POST /v1/replies/{id}/no-reaction":            {Handler: h.NoReaction, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxTokenBody},
		"GET /v1/staff/withheld-replies":               {Handler: h.Queue, Access: httpapi.Signed, Role: access.RoleStaff},
		"POST /v1/staff/withheld-replies/{id}/release": {Handler: h.Release, Access: httpapi.Signed, Role: access.RoleStaff},
		"POST /v1/staff/withheld-replies/{id}/spam":    {Handler: h.Spam, Access: httpapi.Signed, Role: access.RoleStaff},
	}
}
