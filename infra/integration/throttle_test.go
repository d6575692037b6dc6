package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kontor/shared/httpapi"
	"kontor/shared/identity"
)

// wantRetryAfter fails unless r tells to wait at most one throttle window.
func wantRetryAfter(t *testing.T, r response) {
	t.Helper()
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > int(identity.ThrottleWindow.Seconds()) {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
}

func wrongPassword(i int) map[string]any {
	return map[string]any{"password": "wrong password " + strconv.Itoa(i)}
}

func signInBody(email string, password map[string]any) map[string]any {
	return map[string]any{"email": email, "password": password["password"]}
}

// Wrong passwords from one client hold that client at the address; a stranger who
// knows the address cannot lock its owner out, who signs in from elsewhere as usual.
func TestStrangerCannotLockTheOwnerOut(t *testing.T) {
	_, email := signUp(t, "throttled")
	c := newClientFrom(t, "127.0.0.2")
	c.csrf()
	for i := range identity.PairFailureCap {
		want(t, c.do(http.MethodPost, "/v1/sessions", signInBody(email, wrongPassword(i))), http.StatusUnauthorized, "invalid_credentials")
	}
	// This client is refused even the right password until the window ends.
	r := c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	wantRetryAfter(t, r)
	// The refusal reads the same for an address that has no access.
	for i := range identity.PairFailureCap {
		want(t, c.do(http.MethodPost, "/v1/sessions", signInBody(newEmail("nobody"), wrongPassword(i))), http.StatusUnauthorized, "invalid_credentials")
	}
	ghost := newEmail("ghost")
	for i := range identity.PairFailureCap {
		want(t, c.do(http.MethodPost, "/v1/sessions", signInBody(ghost, wrongPassword(i))), http.StatusUnauthorized, "invalid_credentials")
	}
	g := c.do(http.MethodPost, "/v1/sessions", signInBody(ghost, wrongPassword(9)))
	want(t, g, http.StatusTooManyRequests, "too_many_attempts")
	if !bytes.Equal(g.Body[:bytes.Index(g.Body, []byte(`"instance"`))], r.Body[:bytes.Index(r.Body, []byte(`"instance"`))]) {
		t.Fatalf("refusals differ: %s vs %s", g.Body, r.Body)
	}
	// The owner, from a client of their own, signs in.
	login(t, newClientFrom(t, "127.0.0.3"), email, goodPassword)
	// Throttling is logged without personal data.
	if out := logs.String(); !strings.Contains(out, "login throttled") {
		t.Fatal("throttling not logged")
	}
}

// Guessing spread over many clients stops at the per-address cap for every client
// that never signed in to the account; a client that did keeps its own allowance.
func TestGuessingSpreadOverClientsStopsWithoutLockingOutAKnownClient(t *testing.T) {
	owner, email := signUp(t, "spread")
	want(t, owner.do(http.MethodDelete, "/v1/sessions/current", nil), http.StatusNoContent)
	guesses := 0
	for guesses < identity.AccountFailureCap {
		c := newClient(t)
		c.csrf()
		for i := 0; i < identity.PairFailureCap && guesses < identity.AccountFailureCap; i++ {
			want(t, c.do(http.MethodPost, "/v1/sessions", signInBody(email, wrongPassword(guesses))), http.StatusUnauthorized, "invalid_credentials")
			guesses++
		}
	}
	// A client new to the account is refused even the right password.
	fresh := newClient(t)
	fresh.csrf()
	r := fresh.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	wantRetryAfter(t, r)
	// The client the owner signed in from before is not.
	owner.csrf()
	login(t, owner, email, goodPassword)
	profile(t, owner)
}

// Wrong passwords sent all at once are checked no more often than the cap allows:
// every attempt takes its place in the counters before its password is checked.
func TestConcurrentWrongPasswordsAreCheckedAtMostTheCap(t *testing.T) {
	_, email := signUp(t, "concurrent")
	c := newClient(t)
	c.csrf()
	token := c.cookies[httpapi.CSRFCookie]
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(c.ip)}, Timeout: 5 * time.Second}
	hc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, MaxConnsPerHost: 64}}
	const attempts = 60
	statuses := make(chan int, attempts)
	var wg sync.WaitGroup
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, _ := json.Marshal(signInBody(email, wrongPassword(i)))
			req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, stack.APIURL+"/v1/sessions", bytes.NewReader(b))
			if err != nil {
				statuses <- 0
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Cookie", httpapi.CSRFCookie+"="+token)
			req.Header.Set(httpapi.CSRFHeader, token)
			resp, err := hc.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			_ = resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(statuses)
	counts := map[int]int{}
	for s := range statuses {
		counts[s]++
	}
	// An overloaded store answers 503 with Retry-After (docs/decisions.md); every other
	// answer is a checked password (401) or a refusal before the check (429).
	if counts[http.StatusUnauthorized] > identity.PairFailureCap || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests]+counts[http.StatusServiceUnavailable] != attempts ||
		counts[http.StatusServiceUnavailable] == attempts {
		t.Fatalf("of %d concurrent wrong passwords %d were checked (cap %d); answers %v", attempts, counts[http.StatusUnauthorized], identity.PairFailureCap, counts)
	}
}

func TestLoginIsThrottledPerClient(t *testing.T) {
	_, email := signUp(t, "victim")
	c := newClientFrom(t, "127.0.0.4")
	c.csrf()
	// Spraying many addresses from one client trips the client limit.
	for i := 0; i < identity.ClientFailureCap; i++ {
		r := c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": newEmail("spray"), "password": "wrong password"})
		want(t, r, http.StatusUnauthorized, "invalid_credentials")
	}
	want(t, c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusTooManyRequests, "too_many_attempts")
	// Another client signs in to the same account as usual.
	login(t, newClientFrom(t, "127.0.0.5"), email, goodPassword)
}
