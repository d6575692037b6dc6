package integration

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestLoginIsThrottledPerAccount(t *testing.T) {
	_, email := signUp(t, "throttled")
	c := newClientFrom(t, "127.0.0.2")
	c.csrf()
	for i := 0; i < 5; i++ {
		want(t, c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": "wrong password " + strconv.Itoa(i)}), http.StatusUnauthorized, "invalid_credentials")
	}
	// Even the right password is refused until the window ends.
	r := c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 15*60 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	// The lock is on the account, from any client.
	other := newClientFrom(t, "127.0.0.3")
	other.csrf()
	want(t, other.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusTooManyRequests, "too_many_attempts")
	// Throttling is logged without personal data.
	if out := logs.String(); !strings.Contains(out, "login throttled") {
		t.Fatal("throttling not logged")
	}
}

func TestLoginIsThrottledPerClient(t *testing.T) {
	_, email := signUp(t, "victim")
	c := newClientFrom(t, "127.0.0.4")
	c.csrf()
	// Spraying many addresses from one client trips the client limit.
	for i := 0; i < 20; i++ {
		r := c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": newEmail("spray"), "password": "wrong password"})
		want(t, r, http.StatusUnauthorized, "invalid_credentials")
	}
	want(t, c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusTooManyRequests, "too_many_attempts")
	// Another client signs in to the same account as usual.
	login(t, newClientFrom(t, "127.0.0.5"), email, goodPassword)
}
