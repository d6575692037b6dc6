package integration

import (
	"net/http"
	"strings"
	"testing"

	"kontor/shared/httpapi"
)

// Promise: AHK-4 — only session cookies: language, login session and CSRF token.
// Promise: HKC-17 — cookies carry no personal data.
// Promise: HGK-11 — no cookie holds an email address or other personal data.
func TestCookiesAreOnlySessionCookiesWithoutPersonalData(t *testing.T) {
	c := newClient(t)
	email := newEmail("cookie")
	tok := register(t, c, email)
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Cora", "lastName": "Keks", "language": "de"}), http.StatusOK)
	p := profile(t, c)
	want(t, c.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": goodPassword, "newPassword": "Kekse sind lecker 7"}), http.StatusOK)
	want(t, c.do(http.MethodDelete, "/v1/sessions/current", nil), http.StatusNoContent)

	allowed := map[string]bool{httpapi.SessionCookie: true, httpapi.CSRFCookie: true, httpapi.LangCookie: true}
	if len(c.setCookies) < 8 {
		t.Fatalf("only %d Set-Cookie headers seen", len(c.setCookies))
	}
	for _, sc := range c.setCookies {
		hc, err := http.ParseSetCookie(sc)
		if err != nil {
			t.Fatal(err)
		}
		if !allowed[hc.Name] {
			t.Errorf("unexpected cookie %s", hc.Name)
		}
		if !hc.Expires.IsZero() || hc.MaxAge > 0 {
			t.Errorf("persistent cookie: %s", sc)
		}
		if !hc.Secure || hc.SameSite != http.SameSiteLaxMode {
			t.Errorf("cookie without Secure/SameSite=Lax: %s", sc)
		}
		if hc.Name == httpapi.SessionCookie && !hc.HttpOnly {
			t.Errorf("session cookie readable by script: %s", sc)
		}
		low := strings.ToLower(sc)
		for _, pd := range []string{strings.ToLower(email), strings.Split(email, "@")[0], "cora", "keks", p.ID} {
			if strings.Contains(low, strings.ToLower(pd)) {
				t.Errorf("cookie %s holds personal data %q", hc.Name, pd)
			}
		}
	}
}
