package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Sign-in by mailed link (HGK-3): an account whose password nobody knows (a
// provisioned one, HGK-2) or whose owner forgot it signs in with a single-use link
// mailed to its address.
const (
	// TokenSignIn is the kind of a sign-in link's token.
	TokenSignIn = "signin"
	// SignInTokenTTL is how long a sign-in link works.
	SignInTokenTTL = 15 * time.Minute
	// PathSignInLink is the portal page a sign-in link opens; it signs in only
	// when the person presses its button (mail scanners open links).
	PathSignInLink = "/login/link"
)

// Evidence events (HGK-12): how an account signed in.
const (
	evidenceLogin     = "login"
	evidenceLoginLink = "login-link"
)

// SignInLinkAnswerTime is the least time a sign-in link request takes, whatever
// the address: mailing the link (its per-address limit and the outbox item) is
// work the decoy does not do, and without a floor the answer's time would tell
// an active account from any other address (tens of milliseconds). It lies well
// above the request's own work when the function is warm.
const SignInLinkAnswerTime = 250 * time.Millisecond

// waitUntil returns at t, or earlier when ctx ends (the function's time budget).
func waitUntil(ctx context.Context, t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// decoyAccount is the account of a decoy sign-in token: no account has this id
// (accounts have UUIDs), so the token signs nobody in, and it is no one's data.
const decoyAccount = "none"

// RequestSignInLink mails a sign-in link to an active account. For any other
// address (unknown, pending, deactivated) it mails nothing and stores a decoy
// token no one holds, so the answer and its work are alike. lang is the mail's
// language; empty, the account's. next, when set, is the page of this site to
// open after signing in (CheckNext); the link carries it.
func (s *Service) RequestSignInLink(ctx context.Context, emailIn, lang, next string) error {
	defer waitUntil(ctx, time.Now().Add(SignInLinkAnswerTime))
	var f fields
	email, code := NormalizeEmail(emailIn)
	f.check("email", code)
	if lang != "" {
		f.check("language", CheckLanguage(lang))
	}
	f.check("next", CheckNext(next))
	if err := f.err(); err != nil {
		return err
	}
	now := s.Now()
	acc, err := s.accountByEmail(ctx, email, now)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("sign-in link: %w", err)
	}
	if err != nil || acc.Status != StatusActive {
		decoy := Token{Digest: ids.Digest(ids.NewToken()), Kind: TokenSignIn, AccountID: decoyAccount, IssuedAt: now, ExpiresAt: now.Add(SignInTokenTTL)}
		if err := s.Store.PutToken(ctx, decoy); err != nil {
			return fmt.Errorf("sign-in link: %w", err)
		}
		return nil
	}
	if lang == "" {
		lang = acc.Language
	}
	raw := ids.NewToken()
	if err := s.Store.PutToken(ctx, Token{Digest: ids.Digest(raw), Kind: TokenSignIn, AccountID: acc.ID, IssuedAt: now, ExpiresAt: now.Add(SignInTokenTTL)}); err != nil {
		return fmt.Errorf("issue sign-in token: %w", err)
	}
	return s.send(ctx, acc.Email, lang, mailSignIn, mailData{Link: signInLink(s.BaseURL, raw, next)})
}

// signInLink is the link a sign-in mail carries: the page, the page to open
// afterwards (if any) and the token, last, so that the link ends with it as the
// other mailed links do.
func signInLink(base, raw, next string) string {
	if next == "" {
		return link(base, PathSignInLink, raw)
	}
	return strings.TrimRight(base, "/") + PathSignInLink + "?next=" + url.QueryEscape(next) + "&token=" + url.QueryEscape(raw)
}

// MaxNextLen bounds the page a sign-in link leads to.
const MaxNextLen = 300

// CheckNext checks the page a sign-in link leads to after signing in: empty, or a
// path of this site in one of its languages (never another origin), printable.
func CheckNext(next string) problem.Code {
	switch {
	case next == "":
		return problem.Code{}
	case len(next) > MaxNextLen:
		return problem.FieldTooLong
	case !strings.HasPrefix(next, "/de/") && !strings.HasPrefix(next, "/en/"),
		strings.ContainsAny(next, "\\ "), strings.IndexFunc(next, unicode.IsControl) >= 0, !utf8.ValidString(next):
		return problem.FieldInvalidValue
	}
	return problem.Code{}
}

// SignInWithLink starts a session through a mailed sign-in link, as a password
// sign-in does (the client becomes known to the account, the evidence is recorded
// as "login-link"). The link is marked used before the session is written, by a
// conditional write that only one use wins: a replay, a second browser or a race
// gets 400 token_invalid. A use whose answer was lost is not repeated (that would
// be a second session for whoever holds the link); the person asks for a new link.
//
// The session starts with a fresh proof (confirmedAt): the link proves control of
// the address exactly as a reset link does, which would set a new password and
// sign in with a proof anyway, and an account with a generated password has no
// other way to prove itself for erasure (HGK-16).
func (s *Service) SignInWithLink(ctx context.Context, raw, clientIP, previous string) (LoginResult, error) {
	t, err := s.useToken(ctx, raw, TokenSignIn)
	if err != nil {
		return LoginResult{}, err
	}
	now := s.Now()
	acc, err := s.tokenAccount(ctx, t, now)
	if err != nil {
		return LoginResult{}, err
	}
	if acc.Status != StatusActive {
		return LoginResult{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
	}
	if err := s.Store.UseToken(ctx, t, now); err != nil {
		if errors.Is(err, ErrNotFound) {
			return LoginResult{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
		}
		return LoginResult{}, fmt.Errorf("sign-in link: %w", err)
	}
	k, err := s.throttleKeys(ctx, acc.Email, clientIP, now)
	if err != nil {
		return LoginResult{}, err
	}
	if k.client != "" {
		if err := s.Store.RememberClient(ctx, acc.ID, k.client, now, now.Add(KnownClientTTL)); err != nil {
			return LoginResult{}, fmt.Errorf("remember client: %w", err)
		}
	}
	s.Log.InfoContext(ctx, "sign-in link used", slog.String("accountId", acc.ID))
	return s.startSession(ctx, acc, previous, clientIP, now, true, evidenceLoginLink)
}
