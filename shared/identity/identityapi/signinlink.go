package identityapi

import (
	"context"
	"net/http"

	"kontor/shared/httpapi"
)

type signInLinkBody struct {
	Email    string `json:"email"`
	Language string `json:"language"`
	Next     string `json:"next"`
}

// RequestSignInLink serves POST /v1/sessions/link: the same 202 for every
// address; only an active account gets the mail (HGK-3).
func (h Handlers) RequestSignInLink(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b signInLinkBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if b.Language == "" {
		b.Language = r.Lang
	}
	r.UseLanguage(b.Language)
	if err := h.Svc.RequestSignInLink(ctx, b.Email, b.Language, b.Next); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, accepted), nil
}

// SignInWithLink serves POST /v1/sessions/link/confirm: a session as a password
// sign-in starts one, with its cookies.
func (h Handlers) SignInWithLink(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b tokenBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	res, err := h.Svc.SignInWithLink(ctx, b.Token, r.ClientIP(), previousSession(r))
	if err != nil {
		return httpapi.Response{}, err
	}
	return sessionResponse(http.StatusCreated, res), nil
}
