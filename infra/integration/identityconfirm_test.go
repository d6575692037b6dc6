package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kontor/infra/standin/idp"
	"kontor/shared/classifieds"
	"kontor/shared/hmacsig"
	"kontor/shared/secrets"
)

// startIdentity starts a confirmation as c and returns the provider's page.
func startIdentity(t *testing.T, c *client) *url.URL {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/me/identity-confirmation", nil)
	want(t, r, http.StatusCreated)
	var out struct{ RedirectURL string }
	r.json(t, &out)
	u, err := url.Parse(out.RedirectURL)
	if err != nil || !strings.HasSuffix(u.Path, "/_local/idp/authorize") {
		t.Fatalf("redirect %q", out.RedirectURL)
	}
	q := u.Query()
	if len(q.Get("state")) < 40 || len(q.Get("nonce")) < 40 || q.Get("state") == q.Get("nonce") ||
		!strings.HasSuffix(q.Get("callback"), "/v1/identity-confirmation/callback") || !strings.Contains(q.Get("return"), "/classifieds/identity/return") {
		t.Fatalf("redirect %q", out.RedirectURL)
	}
	return u
}

// finishAt sends the stand-in provider's form for the flow at u with verdict, as
// a script, and returns the status the portal answered its callback with.
func finishAt(t *testing.T, u *url.URL, verdict string) int {
	t.Helper()
	form := u.Query()
	form.Set("verdict", verdict)
	resp, err := http.PostForm(u.Scheme+"://"+u.Host+u.Path, form) // #nosec G107 -- the stack's stand-in
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ CallbackStatus int }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("stand-in answered %d: %v", resp.StatusCode, err)
	}
	return out.CallbackStatus
}

type identityStatus struct {
	Advertiser  bool
	ConfirmedAt *time.Time
}

func identityOf(t *testing.T, c *client) identityStatus {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/identity-confirmation", nil)
	want(t, r, http.StatusOK)
	var st identityStatus
	r.json(t, &st)
	return st
}

// idpSecret is the run's secret shared with the stand-in provider.
func idpSecret(t *testing.T) []byte {
	t.Helper()
	name := stack.Parameters()[idp.CallbackSecretParameter]
	if name == "" {
		name = "/kontor/idp-callback-secret"
	}
	s, err := secrets.Client{Config: awsCfg}.Read(context.Background(), name, 32)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// callback posts a callback body signed with secret as the provider would.
func callback(c *client, secret []byte, body map[string]string, at time.Time) response {
	b, _ := json.Marshal(body)
	return c.raw(http.MethodPost, "/v1/identity-confirmation/callback", "application/json", b,
		map[string]string{classifieds.IdentitySignatureHeader: hmacsig.Sign(secret, b, at)})
}

// Promise: HGK-5 — identity confirmation stores only the fact and the date.
// Only an advertiser who has published may start; the provider's signed verdict
// confirms, and the advertiser's public listing then shows "identity confirmed";
// nothing the provider sent beyond its verdict (name, document number) is stored;
// a replayed callback, a forged signature, a wrong nonce, a state from nowhere
// and an old signature are refused and change nothing; a failed verdict uses the
// state up and confirms nothing.
func TestIdentityConfirmationKeepsOnlyTheFactAndRefusesReplays(t *testing.T) {
	a, _ := signUp(t, "idconf-adv")
	acc := profile(t, a).ID
	if st := identityOf(t, a); st.Advertiser || st.ConfirmedAt != nil {
		t.Fatalf("before any listing %+v", st)
	}
	want(t, a.do(http.MethodPost, "/v1/me/identity-confirmation", nil), http.StatusForbidden, "identity_not_advertiser")
	want(t, newClient(t).do(http.MethodPost, "/v1/me/identity-confirmation", nil), http.StatusUnauthorized, "unauthenticated")
	l := publish(t, a, nil)
	if st := identityOf(t, a); !st.Advertiser || st.ConfirmedAt != nil {
		t.Fatalf("after the first listing %+v", st)
	}

	// A failed verdict confirms nothing and uses the state up.
	failed := startIdentity(t, a)
	if s := finishAt(t, failed, classifieds.VerdictFailed); s != http.StatusNoContent {
		t.Fatalf("failed verdict answered %d", s)
	}
	if s := finishAt(t, failed, classifieds.VerdictConfirmed); s != http.StatusConflict {
		t.Fatalf("a used state answered %d", s)
	}
	if identityOf(t, a).ConfirmedAt != nil || publicView(t, l.ID).IdentityConfirmed {
		t.Fatal("a failed verdict confirmed")
	}

	// Forged and mismatched callbacks change nothing.
	u := startIdentity(t, a)
	q := u.Query()
	secret := idpSecret(t)
	provider := newClient(t)
	good := map[string]string{"state": q.Get("state"), "nonce": q.Get("nonce"), "verdict": "confirmed"}
	want(t, callback(provider, []byte("not the shared secret at all, no!"), good, time.Now()), http.StatusUnauthorized, "identity_signature_invalid")
	want(t, callback(provider, secret, good, time.Now().Add(-10*time.Minute)), http.StatusUnauthorized, "identity_signature_invalid")
	b, _ := json.Marshal(good)
	want(t, provider.raw(http.MethodPost, "/v1/identity-confirmation/callback", "application/json", b, nil), http.StatusUnauthorized, "identity_signature_invalid")
	want(t, callback(provider, secret, map[string]string{"state": q.Get("state"), "nonce": "guessed", "verdict": "confirmed"}, time.Now()), http.StatusConflict, "identity_flow_used")
	want(t, callback(provider, secret, map[string]string{"state": "made-up", "nonce": q.Get("nonce"), "verdict": "confirmed"}, time.Now()), http.StatusConflict, "identity_flow_used")
	want(t, callback(provider, secret, map[string]string{"state": q.Get("state"), "nonce": q.Get("nonce"), "verdict": "maybe"}, time.Now()), http.StatusBadRequest, "validation_failed")
	want(t, provider.raw(http.MethodPost, "/v1/identity-confirmation/callback", "application/json", []byte("{not json"), map[string]string{classifieds.IdentitySignatureHeader: hmacsig.Sign(secret, []byte("{not json"), time.Now())}), http.StatusBadRequest)
	if identityOf(t, a).ConfirmedAt != nil {
		t.Fatal("a refused callback confirmed")
	}

	// The provider's page, then its signed verdict: confirmed.
	resp, err := http.Get(u.String()) // #nosec G107 -- the stack's stand-in
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("provider page %v %v", resp, err)
	}
	resp.Body.Close()
	if s := finishAt(t, u, classifieds.VerdictConfirmed); s != http.StatusNoContent {
		t.Fatalf("confirmed verdict answered %d", s)
	}
	st := identityOf(t, a)
	if st.ConfirmedAt == nil || time.Since(*st.ConfirmedAt) > time.Minute {
		t.Fatalf("after the confirmation %+v", st)
	}
	if !publicView(t, l.ID).IdentityConfirmed {
		t.Fatal("the public listing does not show the confirmation")
	}
	// The replay of the very callback, and the same body signed afresh, are refused.
	if s := finishAt(t, u, classifieds.VerdictConfirmed); s != http.StatusConflict {
		t.Fatalf("a replayed callback answered %d", s)
	}
	want(t, callback(provider, secret, good, time.Now()), http.StatusConflict, "identity_flow_used")

	// Nothing the provider sent beyond its verdict is stored: no name, no
	// document number, no state or nonce once used.
	for _, it := range itemsHolding(t, "ClassifiedsTable", acc) {
		s := toJSON(t, it)
		for _, leak := range []string{"Mustermann", "Erika", "T22000129", q.Get("nonce")} {
			if strings.Contains(s, leak) {
				t.Fatalf("the table keeps %q: %s", leak, s)
			}
		}
	}
	if n := len(itemsHolding(t, "ClassifiedsTable", q.Get("state"))); n != 0 {
		t.Fatalf("the used state is still stored (%d items)", n)
	}
}

// Promise: HGK-5 — identity confirmation stores only the fact and the date.
// Promise: HGK-16 — access without reason, deletion on request.
// The export holds the date of the confirmation; erasure takes it with the
// advertiser item, and the module exports nothing afterwards.
func TestIdentityConfirmationIsExportedAndErased(t *testing.T) {
	a, email := signUp(t, "idconf-erase")
	acc := profile(t, a).ID
	publish(t, a, nil)
	if s := finishAt(t, startIdentity(t, a), classifieds.VerdictConfirmed); s != http.StatusNoContent {
		t.Fatalf("confirmation answered %d", s)
	}
	d := toJSON(t, export(t, a).Categories)
	if !strings.Contains(d, classifieds.KindIdentity) || !strings.Contains(d, "identityConfirmedAt") {
		t.Fatalf("the export lacks the confirmation: %s", d)
	}
	want(t, a.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	assertClassifiedsExportEmpty(t, acc, email)
}

// Starting is throttled per account: the eleventh start within the hour is 429
// with Retry-After.
func TestIdentityConfirmationStartIsThrottled(t *testing.T) {
	a, _ := signUp(t, "idconf-flood")
	publish(t, a, nil)
	for range 10 {
		startIdentity(t, a)
	}
	r := a.do(http.MethodPost, "/v1/me/identity-confirmation", nil)
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}
