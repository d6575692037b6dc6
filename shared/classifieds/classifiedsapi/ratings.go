package classifiedsapi

import (
	"context"
	"errors"
	"net/http"

	"kontor/shared/classifieds"
	"kontor/shared/httpapi"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Ratings serves ratings (RatingsFunction).
type Ratings struct {
	Svc     *classifieds.Ratings
	Confirm *classifieds.Confirmations
}

// Rate serves POST /v1/advertisers/{id}/ratings: signed in, the rating is stored
// at once and its publication recorded as evidence (HGK-12); without an account,
// the email address and language come along, a confirmation link is mailed and
// the answer is 202, the same whether the address has an account or not.
func (h Ratings) Rate(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in classifieds.AnonymousRating
	if err := r.DecodeJSON(&in, classifieds.MaxRatingBody); err != nil {
		return httpapi.Response{}, err
	}
	id := r.Event.PathParameters["id"]
	if !r.Principal.Authenticated() {
		if err := h.Confirm.RateWithoutAccount(ctx, id, in); err != nil {
			return httpapi.Response{}, err
		}
		return httpapi.JSON(http.StatusAccepted, struct{}{}), nil
	}
	if r.Principal.MustChangePassword {
		return httpapi.Response{}, problem.New(http.StatusForbidden, problem.CodePasswordChangeRequired)
	}
	rt, err := h.Svc.Rate(ctx, r.Principal.AccountID, id, in.RatingInput, r.Lang, r.ClientIP())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, rt), nil
}

// ConfirmRating serves POST /v1/ratings/confirm {token}: the mailed link's token,
// once; the rating is published and the account created (HGK-2).
func (h Ratings) ConfirmRating(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in confirmBody
	if err := r.DecodeJSON(&in, maxTokenBody); err != nil {
		return httpapi.Response{}, err
	}
	rt, err := h.Confirm.Confirm(ctx, in.Token, r.ClientIP())
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, rt), nil
}

// advertiserRatings is one page of an advertiser's ratings with the advertiser.
type advertiserRatings struct {
	Advertiser classifieds.PublicAdvertiser `json:"advertiser"`
	Ratings    []classifieds.Rating         `json:"ratings"`
	Next       string                       `json:"next,omitempty"`
}

// List serves GET /v1/advertisers/{id}/ratings: anyone, while the advertiser has
// a published listing (HGK-8); 404 otherwise, as for an unknown advertiser.
func (h Ratings) List(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	pg, err := page(r, 100)
	if err != nil {
		return httpapi.Response{}, err
	}
	adv, rs, next, err := h.Svc.Public(ctx, r.Event.PathParameters["id"], pg)
	if errors.Is(err, classifieds.ErrBadCursor) {
		return httpapi.Response{}, httpapi.BadCursor()
	}
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, advertiserRatings{Advertiser: adv, Ratings: rs, Next: next}), nil
}

// Mine serves GET /v1/me/ratings: the ratings the account received (always, public
// or not) and gave.
func (h Ratings) Mine(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	m, err := h.Svc.Mine(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, m), nil
}

// Delete serves DELETE /v1/ratings/{id}: the rater only; 404 for anyone else.
func (h Ratings) Delete(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Withdraw(ctx, r.Principal.AccountID, r.Event.PathParameters["id"]); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

// Routes are served by the ratings function.
func (h Ratings) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"POST /v1/advertisers/{id}/ratings": {Handler: h.Rate, Access: httpapi.Optional, Limits: []ratelimit.Rule{ratelimit.RatingCreate, ratelimit.RatingCreateAll}, MaxBody: classifieds.MaxRatingBody},
		"POST /v1/ratings/confirm":          {Handler: h.ConfirmRating, Access: httpapi.Public, Limits: []ratelimit.Rule{ratelimit.TokenPerClient, ratelimit.TokensAll}, MaxBody: maxTokenBody},
		"GET /v1/advertisers/{id}/ratings":  {Handler: h.List, Access: httpapi.Public},
		"GET /v1/me/ratings":                {Handler: h.Mine, Access: httpapi.Signed},
		"DELETE /v1/ratings/{id}":           {Handler: h.Delete, Access: httpapi.Signed},
	}
}

// Advertiser serves the advertiser's own data (AdvertiserFunction).
type Advertiser struct {
	Svc *classifieds.Advertisers
}

// Get serves GET /v1/me/advertiser.
func (h Advertiser) Get(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	rec, err := h.Svc.Data(ctx, r.Principal.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, rec), nil
}

// Patch serves PATCH /v1/me/advertiser: a field absent stays, null removes it.
func (h Advertiser) Patch(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var p classifieds.AdvertiserPatch
	if err := r.DecodeJSON(&p, classifieds.MaxAdvertiser); err != nil {
		return httpapi.Response{}, err
	}
	rec, err := h.Svc.Change(ctx, r.Principal.AccountID, p)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, rec), nil
}

// Routes are served by the advertiser function.
func (h Advertiser) Routes() map[string]httpapi.Route {
	return map[string]httpapi.Route{
		"GET /v1/me/advertiser":   {Handler: h.Get, Access: httpapi.Signed},
		"PATCH /v1/me/advertiser": {Handler: h.Patch, Access: httpapi.Signed, Limits: []ratelimit.Rule{ratelimit.AdvertiserChange}, MaxBody: classifieds.MaxAdvertiser},
	}
}
