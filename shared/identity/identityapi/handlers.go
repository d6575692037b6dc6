// Package identityapi maps the identity routes to the identity service: decode and
// validate the body, call the service, write the answer and the cookies.
package identityapi

import (
	"context"
	"errors"
	"net/http"

	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/ids"
)

// maxBody bounds every identity request body.
const maxBody = 4 << 10

// Handlers serves the identity routes.
type Handlers struct {
	Svc *identity.Service
}

type createAccountBody struct {
	Email                  string `json:"email"`
	Language               string `json:"language"`
	AcceptedTermsVersion   string `json:"acceptedTermsVersion"`
	AcceptedPrivacyVersion string `json:"acceptedPrivacyVersion"`
}

// Accepted is the answer to requests whose outcome goes out by mail. It is the same
// whatever the outcome, so it reveals nothing about which addresses have access.
type Accepted struct {
	Status string `json:"status"`
}

var accepted = Accepted{Status: "accepted"}

// CreateAccount serves POST /v1/accounts.
func (h Handlers) CreateAccount(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b createAccountBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if b.Language == "" {
		b.Language = r.Lang
	}
	r.UseLanguage(b.Language)
	err := h.Svc.Register(ctx, identity.RegisterInput{
		Email: b.Email, Language: b.Language, TermsVersion: b.AcceptedTermsVersion, PrivacyVersion: b.AcceptedPrivacyVersion,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, accepted), nil
}

type tokenPasswordBody struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// ConfirmAccount serves POST /v1/accounts/confirm.
func (h Handlers) ConfirmAccount(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b tokenPasswordBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.Confirm(ctx, b.Token, b.Password); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

type tokenBody struct {
	Token string `json:"token"`
}

// ConfirmEmail serves POST /v1/accounts/email/confirm.
func (h Handlers) ConfirmEmail(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b tokenBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.ConfirmEmail(ctx, b.Token); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

type inviteBody struct {
	Email     string `json:"email"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	Language  string `json:"language"`
	Admin     bool   `json:"admin"`
	Staff     bool   `json:"staff"`
	Network   bool   `json:"network"`
}

// Member is the admin's view of an invited member.
type Member struct {
	ID                 string   `json:"id"`
	Email              string   `json:"email"`
	FirstName          string   `json:"firstName"`
	LastName           string   `json:"lastName"`
	Language           string   `json:"language"`
	Roles              []string `json:"roles"`
	MustChangePassword bool     `json:"mustChangePassword"`
}

// InviteMember serves POST /v1/admin/members (admin role).
func (h Handlers) InviteMember(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b inviteBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if b.Language == "" {
		b.Language = r.Lang
	}
	acc, err := h.Svc.Invite(ctx, r.Principal, identity.InviteInput{
		Email: b.Email, FirstName: b.FirstName, LastName: b.LastName, Language: b.Language, Admin: b.Admin, Staff: b.Staff, Network: b.Network,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusCreated, Member{
		ID: acc.ID, Email: acc.Email, FirstName: acc.FirstName, LastName: acc.LastName,
		Language: acc.Language, Roles: acc.Roles, MustChangePassword: acc.MustChangePassword,
	}), nil
}

// CSRF is the answer carrying a CSRF token for the X-CSRF-Token header.
type CSRF struct {
	CSRFToken string `json:"csrfToken"`
}

// IssueCSRF serves GET /v1/csrf. Signed in, it answers the session's own token: the
// one the CSRF cookie holds, unchanged and with no cookie set, or — when the cookie
// is missing or not the session's — a new one bound to the session. Signed out, a
// fresh token for the anonymous double-submit check (sign-in, registration,
// password links).
func (h Handlers) IssueCSRF(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if r.Principal.Authenticated() {
		t, rotated, err := h.Svc.SessionCSRF(ctx, r.Principal, r.Cookie(httpapi.CSRFCookie))
		switch {
		case err == nil && !rotated:
			return httpapi.JSON(http.StatusOK, CSRF{CSRFToken: t}), nil
		case err == nil:
			return httpapi.JSON(http.StatusOK, CSRF{CSRFToken: t}).WithCookies(httpapi.SetCSRFCookie(t)), nil
		case !errors.Is(err, identity.ErrNotFound):
			return httpapi.Response{}, err
		}
		// The session ended meanwhile: the caller is signed out.
	}
	t := ids.NewToken()
	return httpapi.JSON(http.StatusOK, CSRF{CSRFToken: t}).WithCookies(httpapi.SetCSRFCookie(t)), nil
}

type confirmBody struct {
	Password string `json:"password"`
}

// ConfirmSession serves POST /v1/sessions/current/confirm: the password again, as a
// fresh proof for the routes that need one.
func (h Handlers) ConfirmSession(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b confirmBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.ConfirmSession(ctx, r.Principal, b.Password); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

type loginBody struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// SessionInfo answers a sign-in or password change: the new CSRF token and whether
// the temporary password must still be changed.
type SessionInfo struct {
	CSRFToken          string           `json:"csrfToken"`
	MustChangePassword bool             `json:"mustChangePassword"`
	Profile            identity.Profile `json:"profile"`
}

func sessionResponse(status int, res identity.LoginResult) httpapi.Response {
	return httpapi.JSON(status, SessionInfo{
		CSRFToken: res.CSRF, MustChangePassword: res.Account.MustChangePassword, Profile: res.Account.Profile(),
	}).WithCookies(
		httpapi.SetSessionCookie(res.Token),
		httpapi.SetCSRFCookie(res.CSRF),
		httpapi.SetLangCookie(res.Account.Language),
	)
}

// Login serves POST /v1/sessions.
func (h Handlers) Login(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b loginBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	res, err := h.Svc.Login(ctx, identity.LoginInput{Email: b.Email, Password: b.Password, ClientIP: r.ClientIP(), PreviousSession: previousSession(r)})
	if err != nil {
		return httpapi.Response{}, err
	}
	return sessionResponse(http.StatusCreated, res), nil
}

// previousSession is the digest of the session the browser still presents, if any:
// a sign-in ends it, so every sign-in gets a fresh session id.
func previousSession(r *httpapi.Request) string {
	if t := r.Cookie(httpapi.SessionCookie); ids.PlausibleToken(t) {
		return ids.Digest(t)
	}
	return ""
}

// Logout serves DELETE /v1/sessions/current: the session ends server-side and the
// cookies are removed (HGK-11).
func (h Handlers) Logout(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	if err := h.Svc.Logout(ctx, r.Principal); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent().WithCookies(httpapi.ClearSessionCookie(), httpapi.ClearCSRFCookie()), nil
}

type forgotBody struct {
	Email string `json:"email"`
}

// ForgotPassword serves POST /v1/password/forgot.
func (h Handlers) ForgotPassword(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b forgotBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.Forgot(ctx, b.Email); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusAccepted, accepted), nil
}

// ResetPassword serves POST /v1/password/reset.
func (h Handlers) ResetPassword(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b tokenPasswordBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	if err := h.Svc.Reset(ctx, b.Token, b.Password); err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.NoContent(), nil
}

type changePasswordBody struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// ChangePassword serves PUT /v1/me/password: every session ends, this browser gets
// a new one.
func (h Handlers) ChangePassword(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b changePasswordBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	res, err := h.Svc.ChangePassword(ctx, r.Principal, b.CurrentPassword, b.NewPassword)
	if err != nil {
		return httpapi.Response{}, err
	}
	return sessionResponse(http.StatusOK, res), nil
}

// GetMe serves GET /v1/me.
func (h Handlers) GetMe(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	acc, err := h.Svc.Profile(ctx, r.Principal)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, acc.Profile()), nil
}

type patchMeBody struct {
	FirstName *string `json:"firstName"`
	LastName  *string `json:"lastName"`
	Email     *string `json:"email"`
	Language  *string `json:"language"`
}

// PatchMe serves PATCH /v1/me (AHK-2).
func (h Handlers) PatchMe(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var b patchMeBody
	if err := r.DecodeJSON(&b, maxBody); err != nil {
		return httpapi.Response{}, err
	}
	acc, err := h.Svc.UpdateProfile(ctx, r.Principal, identity.ProfilePatch{
		FirstName: b.FirstName, LastName: b.LastName, Email: b.Email, Language: b.Language,
	})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.JSON(http.StatusOK, acc.Profile())
	if b.Language != nil {
		resp = resp.WithCookies(httpapi.SetLangCookie(acc.Language))
	}
	return resp, nil
}
