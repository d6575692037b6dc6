package integration

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/identity/identitywire"
)

const (
	termsVersion   = "2026-01"
	privacyVersion = "2026-01"
	goodPassword   = "Segelboot am Steg 42"
)

var seq atomic.Int64

// newEmail returns an address no other test uses.
func newEmail(prefix string) string {
	return fmt.Sprintf("%s.%d.%d@example.org", prefix, time.Now().UnixNano()%1e9, seq.Add(1))
}

// register creates access for email through the API and returns the confirm token.
func register(t *testing.T, c *client, email string) string {
	t.Helper()
	c.csrf()
	r := c.do(http.MethodPost, "/v1/accounts", map[string]any{
		"email": email, "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion,
	})
	want(t, r, http.StatusAccepted)
	return tokenFrom(t, mailTo(t, email, "set your password"))
}

// signUp registers, confirms and signs in a new member, returning the signed-in client.
func signUp(t *testing.T, prefix string) (*client, string) {
	t.Helper()
	c := newClient(t)
	email := newEmail(prefix)
	tok := register(t, c, email)
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)
	return c, email
}

func login(t *testing.T, c *client, email, password string) identitySessionInfo {
	t.Helper()
	if _, ok := c.cookies[httpapi.CSRFCookie]; !ok {
		c.csrf()
	}
	r := c.doAsClient(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": password})
	want(t, r, http.StatusCreated)
	var info identitySessionInfo
	r.json(t, &info)
	return info
}

type identitySessionInfo struct {
	CSRFToken          string           `json:"csrfToken"`
	MustChangePassword bool             `json:"mustChangePassword"`
	Profile            identity.Profile `json:"profile"`
}

func profile(t *testing.T, c *client) identity.Profile {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me", nil)
	want(t, r, http.StatusOK)
	var p identity.Profile
	r.json(t, &p)
	return p
}

// adminClient signs in as the seeded administrator.
func adminClient(t *testing.T) *client {
	t.Helper()
	if _, err := identitywire.SeedLocalAdmin(context.Background(), awsCfg, stack.Name("IdentityTable")); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	login(t, c, identitywire.LocalAdminEmail, identitywire.LocalAdminPassword)
	return c
}

// Promise: AHK-1 — access needs only an email; a link sets the password; login with email and password.
// Promise: HKC-1 — the accepted terms and privacy-notice versions are recorded with the time.
// Promise: AHK-3 — registration, first and last login are recorded.
// Promise: AHK-2 — first and last name can be reviewed and changed.
// Promise: HGK-11 — the login cookie is deleted at logout and the session is gone server-side.
func TestSelfServiceAccountLifecycle(t *testing.T) {
	c := newClient(t)
	email := newEmail("anna")
	before := time.Now().UTC().Add(-time.Second)
	tok := register(t, c, email)

	// Before confirmation the address cannot sign in.
	r := c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword})
	want(t, r, http.StatusUnauthorized, "invalid_credentials")

	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	// The link works once: used again with another password it is refused; the
	// same request repeated (its answer lost) is answered as done.
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword + "!"}), http.StatusBadRequest, "token_invalid")
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)

	info := login(t, c, email, goodPassword)
	if info.MustChangePassword || info.Profile.Email != email {
		t.Fatalf("session info %+v", info)
	}
	p := profile(t, c)
	if p.TermsVersion != termsVersion || p.PrivacyVersion != privacyVersion || p.TermsAcceptedAt == nil || p.TermsAcceptedAt.Before(before) {
		t.Fatalf("acceptance not recorded: %+v", p)
	}
	if p.RegisteredAt.Before(before) || p.FirstLoginAt == nil || p.LastLoginAt == nil || !p.FirstLoginAt.Equal(*p.LastLoginAt) {
		t.Fatalf("login times not recorded: %+v", p)
	}
	first := *p.FirstLoginAt

	r = c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Anna", "lastName": "Bergström"})
	want(t, r, http.StatusOK)
	if p = profile(t, c); p.FirstName != "Anna" || p.LastName != "Bergström" {
		t.Fatalf("names not changed: %+v", p)
	}
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"lastName": ""}), http.StatusOK)
	if p = profile(t, c); p.LastName != "" || p.FirstName != "Anna" {
		t.Fatalf("last name not removed: %+v", p)
	}

	session := c.cookies[httpapi.SessionCookie]
	want(t, c.do(http.MethodDelete, "/v1/sessions/current", nil), http.StatusNoContent)
	if _, ok := c.cookies[httpapi.SessionCookie]; ok {
		t.Fatal("session cookie not removed at logout")
	}
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	// Replaying the old cookie does not work: the session is gone server-side.
	c.cookies[httpapi.SessionCookie] = session
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	delete(c.cookies, httpapi.SessionCookie)

	time.Sleep(1100 * time.Millisecond)
	c.csrf()
	login(t, c, email, goodPassword)
	p = profile(t, c)
	if !p.FirstLoginAt.Equal(first) || !p.LastLoginAt.After(first) {
		t.Fatalf("first login changed or last login not updated: first %v → %v, last %v", first, p.FirstLoginAt, p.LastLoginAt)
	}
}

// Promise: HKC-1 — registration requires accepting the current terms and privacy notice.
func TestRegistrationRequiresCurrentTermsAndPrivacyNotice(t *testing.T) {
	c := newClient(t)
	c.csrf()
	email := newEmail("noterms")
	for _, body := range []map[string]any{
		{"email": email},
		{"email": email, "acceptedTermsVersion": termsVersion},
		{"email": email, "acceptedTermsVersion": "2019-01", "acceptedPrivacyVersion": privacyVersion},
	} {
		r := c.do(http.MethodPost, "/v1/accounts", body)
		want(t, r, http.StatusBadRequest, "validation_failed")
	}
	if n := mailCount(t, email); n != 0 {
		t.Fatalf("%d mails sent for a refused registration", n)
	}
}

func TestRegistrationDoesNotRevealExistingAccounts(t *testing.T) {
	_, email := signUp(t, "exists")
	c := newClient(t)
	c.csrf()
	body := map[string]any{"email": strings.ToUpper(email), "language": "de", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
	existing := c.do(http.MethodPost, "/v1/accounts", body)
	body["email"] = newEmail("fresh")
	fresh := c.do(http.MethodPost, "/v1/accounts", body)
	if existing.Status != fresh.Status || string(existing.Body) != string(fresh.Body) {
		t.Fatalf("answers differ: %d %s vs %d %s", existing.Status, existing.Body, fresh.Status, fresh.Body)
	}
	m := mailTo(t, email, "Zugang besteht bereits")
	if tokenInLink.MatchString(m.Text) {
		t.Fatal("the notice to an existing owner carries a token")
	}
}

// Promise: HKC-2 — an invited member gets an individual temporary password that must be changed at first login; nothing else works until then.
func TestInvitedMemberMustChangeTemporaryPassword(t *testing.T) {
	admin := adminClient(t)
	email := newEmail("member")
	r := admin.do(http.MethodPost, "/v1/admin/members", map[string]any{"email": email, "firstName": "Jan", "lastName": "Kühn", "language": "de", "network": true})
	want(t, r, http.StatusCreated)
	// Twice is a conflict, not a second account.
	want(t, admin.do(http.MethodPost, "/v1/admin/members", map[string]any{"email": email}), http.StatusConflict, "email_taken")
	var member struct {
		ID    string
		Roles []string
	}
	r.json(t, &member)
	// Invited with network: true, the member joins the members' network.
	if !slices.Equal(member.Roles, []string{access.RoleMember, access.RoleNetwork}) {
		t.Fatalf("roles %v", member.Roles)
	}
	if entries, err := privacyStore().AuditFor(context.Background(), member.ID, time.Now()); err != nil || len(entries) != 1 || entries[0].Action != "member.invited" {
		t.Fatalf("invitation not audited: %+v %v", entries, err)
	}

	m := mailTo(t, email, "vorläufiges Passwort")
	temp := ""
	for _, line := range strings.Split(m.Text, "\n") {
		if v, ok := strings.CutPrefix(line, "Vorläufiges Passwort: "); ok {
			temp = strings.TrimSpace(v)
		}
	}
	if len(temp) != 16 {
		t.Fatalf("no temporary password in mail: %q", m.Text)
	}

	c := newClient(t)
	info := login(t, c, email, temp)
	if !info.MustChangePassword {
		t.Fatal("temporary password not flagged")
	}
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusForbidden, "password_change_required")
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "X"}), http.StatusForbidden, "password_change_required")
	want(t, c.do(http.MethodPost, "/v1/admin/members", map[string]any{"email": newEmail("x")}), http.StatusForbidden, "password_change_required")

	want(t, c.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": "wrong-password-123", "newPassword": goodPassword}), http.StatusBadRequest, "current_password_wrong")
	r = c.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": temp, "newPassword": goodPassword})
	want(t, r, http.StatusOK)
	p := profile(t, c)
	if p.MustChangePassword || p.FirstName != "Jan" || p.FirstLoginAt == nil || p.PasswordChangedAt == nil {
		t.Fatalf("profile after change: %+v", p)
	}
	// The temporary password is gone.
	c2 := newClient(t)
	c2.csrf()
	want(t, c2.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": temp}), http.StatusUnauthorized, "invalid_credentials")
}

func TestOnlyAdminsInviteMembers(t *testing.T) {
	c, _ := signUp(t, "notadmin")
	want(t, c.do(http.MethodPost, "/v1/admin/members", map[string]any{"email": newEmail("y")}), http.StatusForbidden, "forbidden")
	anon := newClient(t)
	anon.csrf()
	want(t, anon.do(http.MethodPost, "/v1/admin/members", map[string]any{"email": newEmail("y")}), http.StatusUnauthorized, "unauthenticated")
}

// Promise: AHK-1 — forgotten-password flow with single-use, expiring links.
func TestForgottenPasswordFlow(t *testing.T) {
	c, email := signUp(t, "forgot")
	other := newClient(t)
	other.csrf()
	unknown := newEmail("nobody")
	a := other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": email})
	b := other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": unknown})
	want(t, a, http.StatusAccepted)
	if a.Status != b.Status || string(a.Body) != string(b.Body) {
		t.Fatal("forgot answers reveal which address has access")
	}
	if mailCount(t, unknown) != 0 {
		t.Fatal("mail sent to an address without access")
	}
	tok := tokenFrom(t, mailTo(t, email, "Reset your password"))
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": tok, "password": "short"}), http.StatusBadRequest, "validation_failed")
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": tok, "password": "Neues Passwort 2026"}), http.StatusNoContent)
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": tok, "password": "Noch ein Passwort 1"}), http.StatusBadRequest, "token_invalid")
	// The reset ended the session that was signed in before.
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	login(t, other, email, "Neues Passwort 2026")
	// The reset repeated as it was (its answer lost) is answered as done and ends
	// nothing: the session signed in since stays.
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/password/reset", map[string]any{"token": tok, "password": "Neues Passwort 2026"}), http.StatusNoContent)
	want(t, other.do(http.MethodGet, "/v1/me", nil), http.StatusOK)
	// Once the password changed again, the used link is refused even with the
	// password it set.
	want(t, other.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": "Neues Passwort 2026", "newPassword": "Drittes Passwort 2026"}), http.StatusOK)
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/password/reset", map[string]any{"token": tok, "password": "Neues Passwort 2026"}), http.StatusBadRequest, "token_invalid")
}

// newClientWithCSRF is a new client holding a CSRF token, as a page that fetched it.
func newClientWithCSRF(t *testing.T) *client {
	t.Helper()
	c := newClient(t)
	c.csrf()
	return c
}

func TestExpiredLinkIsRefused(t *testing.T) {
	c := newClient(t)
	email := newEmail("late")
	tok := register(t, c, email)
	expireToken(t, tok)
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusBadRequest, "token_invalid")
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	a, email := signUp(t, "twodevices")
	b := newClient(t)
	login(t, b, email, goodPassword)
	oldCookie := a.cookies[httpapi.SessionCookie]
	r := a.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": goodPassword, "newPassword": "Ganz neues Passwort"})
	want(t, r, http.StatusOK)
	if a.cookies[httpapi.SessionCookie] == oldCookie {
		t.Fatal("session not rotated at password change")
	}
	profile(t, a)
	want(t, b.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
	mailTo(t, email, "password was changed")
	// The old CSRF token is no longer bound to any session.
	a.cookies[httpapi.CSRFCookie] = b.cookies[httpapi.CSRFCookie]
	want(t, a.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "X"}), http.StatusForbidden, "csrf_token_invalid")
}

func TestSessionRotatesAtLogin(t *testing.T) {
	c, email := signUp(t, "rotate")
	old := c.cookies[httpapi.SessionCookie]
	login(t, c, email, goodPassword)
	if c.cookies[httpapi.SessionCookie] == old {
		t.Fatal("same session id after a new login")
	}
	other := newClient(t)
	other.cookies[httpapi.SessionCookie] = old
	want(t, other.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
}

// Promise: AHK-2 — a new email address takes effect only after confirmation by link.
func TestEmailChangeNeedsConfirmation(t *testing.T) {
	c, email := signUp(t, "mover")
	newAddr := newEmail("moved")
	r := c.do(http.MethodPatch, "/v1/me", map[string]any{"email": newAddr})
	want(t, r, http.StatusOK)
	p := profile(t, c)
	if p.Email != email || p.PendingEmail != newAddr {
		t.Fatalf("email changed before confirmation: %+v", p)
	}
	tok := tokenFrom(t, mailTo(t, newAddr, "Confirm your new email"))
	anon := newClient(t)
	anon.csrf()
	want(t, anon.do(http.MethodPost, "/v1/accounts/email/confirm", map[string]any{"token": tok}), http.StatusNoContent)
	if p = profile(t, c); p.Email != newAddr || p.PendingEmail != "" {
		t.Fatalf("email not changed: %+v", p)
	}
	mailTo(t, email, "email address was changed")
	// The confirmation repeated (its answer lost) is answered as done and mails
	// the previous address nothing more.
	notices := mailCount(t, email)
	want(t, anon.do(http.MethodPost, "/v1/accounts/email/confirm", map[string]any{"token": tok}), http.StatusNoContent)
	if n := mailCount(t, email); n != notices {
		t.Fatalf("%d mails to the previous address after the repeat, want %d", n, notices)
	}
	login(t, anon, newAddr, goodPassword)
	// The previous address is free again and no longer signs in.
	x := newClient(t)
	x.csrf()
	want(t, x.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusUnauthorized, "invalid_credentials")
}

func TestEmailChangeToTakenAddressRevealsNothing(t *testing.T) {
	c, _ := signUp(t, "taker")
	_, taken := signUp(t, "owner")
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"email": taken}), http.StatusOK)
	m := mailTo(t, taken, "Email address change")
	if tokenInLink.MatchString(m.Text) {
		t.Fatal("owner of a taken address got a confirmation link")
	}
}

func TestLanguagePreferenceIsRememberedInCookieAndProfile(t *testing.T) {
	c, _ := signUp(t, "lang")
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"language": "de"}), http.StatusOK)
	if c.cookies[httpapi.LangCookie] != "de" {
		t.Fatalf("language cookie %q", c.cookies[httpapi.LangCookie])
	}
	r := c.do(http.MethodPatch, "/v1/me", map[string]any{"language": "fr"})
	if b := r.problem(t); b.Status != 400 || !strings.Contains(b.Detail, "ungültige") || b.Errors[0].Field != "language" {
		t.Fatalf("problem not in German or wrong field: %+v", b)
	}
}

// Promise: HKC-13 — access is password-protected: no route but the public ones answers without a session.
func TestProtectedRoutesNeedASession(t *testing.T) {
	c := newClient(t)
	c.csrf()
	for _, rt := range []struct{ method, path string }{
		{http.MethodGet, "/v1/me"}, {http.MethodPatch, "/v1/me"}, {http.MethodPut, "/v1/me/password"},
		{http.MethodDelete, "/v1/sessions/current"}, {http.MethodPost, "/v1/admin/members"},
	} {
		r := c.do(rt.method, rt.path, map[string]any{})
		if rt.method == http.MethodGet {
			r = c.do(rt.method, rt.path, nil)
		}
		want(t, r, http.StatusUnauthorized, "unauthenticated")
	}
}

// A revoked session stops working with the very next request: the authorizer
// result is not cached.
func TestRevokedSessionStopsAtOnce(t *testing.T) {
	a, email := signUp(t, "revoke")
	b := newClient(t)
	login(t, b, email, goodPassword)
	profile(t, b)
	want(t, b.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": goodPassword, "newPassword": "Wieder ein neues Passwort"}), http.StatusOK)
	want(t, a.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
}

// Older links lose their power once a newer one did its work: a second sign-up
// link (a repeated sign-up mails another) does not set a new password on the
// active account (that would be a reset ending no session); a reset link made
// before the password last changed is refused; of two email-change links, only
// the latest request's moves the address. A used link's repeat is answered as
// done at most RepeatedLinkMax times.
func TestOlderLinksAreRefusedOnceANewerOneWasUsed(t *testing.T) {
	c := newClient(t)
	email := newEmail("twolinks")
	first := register(t, c, email)
	want(t, c.do(http.MethodPost, "/v1/accounts", map[string]any{
		"email": email, "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion,
	}), http.StatusAccepted)
	second := newToken(t, email, "set your password", first)
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": first, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": second, "password": "Someone Else 2026!"}), http.StatusBadRequest, "token_invalid")
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusOK)

	// Two reset links; the newer used; the older refused.
	other := newClientWithCSRF(t)
	want(t, other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": email}), http.StatusAccepted)
	older := newToken(t, email, "Reset your password")
	want(t, other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": email}), http.StatusAccepted)
	newer := newToken(t, email, "Reset your password", older)
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": newer, "password": "Neues Passwort 2026"}), http.StatusNoContent)
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": older, "password": "Attacker Chosen 2026"}), http.StatusBadRequest, "token_invalid")
	// The used link's repeat is answered as done a few times, then no more.
	for range identity.RepeatedLinkMax {
		want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/password/reset", map[string]any{"token": newer, "password": "Neues Passwort 2026"}), http.StatusNoContent)
	}
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/password/reset", map[string]any{"token": newer, "password": "Neues Passwort 2026"}), http.StatusBadRequest, "token_invalid")
	login(t, other, email, "Neues Passwort 2026")

	// Two email changes; the first request's link no longer moves the address.
	carol, dave := newEmail("carol"), newEmail("dave")
	want(t, other.do(http.MethodPatch, "/v1/me", map[string]any{"email": carol}), http.StatusOK)
	t1 := tokenFrom(t, mailTo(t, carol, "Confirm your new email"))
	want(t, other.do(http.MethodPatch, "/v1/me", map[string]any{"email": dave}), http.StatusOK)
	t2 := tokenFrom(t, mailTo(t, dave, "Confirm your new email"))
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/accounts/email/confirm", map[string]any{"token": t1}), http.StatusBadRequest, "token_invalid")
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/accounts/email/confirm", map[string]any{"token": t2}), http.StatusNoContent)
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/accounts/email/confirm", map[string]any{"token": t1}), http.StatusBadRequest, "token_invalid")
	if p := profile(t, other); p.Email != dave {
		t.Fatalf("address %s, want %s", p.Email, dave)
	}
}

// newToken waits for a mail to addr with subject whose link is none of seen and
// returns that link's token.
func newToken(t *testing.T, addr, subject string, seen ...string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms, err := stack.Mail(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if len(m.To) == 1 && strings.EqualFold(m.To[0], addr) && strings.Contains(m.Subject, subject) {
				if g := tokenInLink.FindStringSubmatch(m.Text); g != nil && !slices.Contains(seen, g[1]) {
					return g[1]
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no new mail %q to %s", subject, addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
