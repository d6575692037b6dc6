package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/privacy/protocol"
)

// provision invokes the identity module's privacy function as the core does and
// returns the account id it answers.
func provision(t *testing.T, email string, confirmed bool) string {
	t.Helper()
	out := invokeIdentity(t, protocol.Request{Module: "identity", Op: protocol.OpProvision, Account: &protocol.NewAccount{
		Email: email, Language: "de", TermsVersion: termsVersion, PrivacyVersion: privacyVersion, EmailConfirmed: confirmed,
	}})
	if out.AccountID == "" {
		t.Fatalf("provision answered no account id")
	}
	return out.AccountID
}

func invokeIdentity(t *testing.T, req protocol.Request) protocol.Response {
	t.Helper()
	payload, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := stack.Invoke(context.Background(), "IdentityPrivacyFunction", payload)
	if err != nil || strings.Contains(string(raw), "errorMessage") {
		t.Fatalf("invoke %s: %s %v", req.Op, raw, err)
	}
	var out protocol.Response
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("decode %s: %v", raw, err)
	}
	return out
}

// requestLink asks for a sign-in link for email and returns the answer.
func requestLink(t *testing.T, c *client, email, lang string) response {
	t.Helper()
	if _, ok := c.cookies[httpapi.CSRFCookie]; !ok {
		c.csrf()
	}
	return c.do(http.MethodPost, "/v1/sessions/link", map[string]any{"email": email, "language": lang})
}

func useLink(c *client, token string) response {
	if _, ok := c.cookies[httpapi.CSRFCookie]; !ok {
		c.csrf()
	}
	return c.do(http.MethodPost, "/v1/sessions/link/confirm", map[string]any{"token": token})
}

// HGK-2: an address another module confirmed gets an active account with a
// generated password and no mail, through the privacy protocol; the same address
// again, and concurrent calls, end with the one account.
// HGK-3: it signs in by a mailed link (a fresh proof, evidence "login-link",
// HGK-12), the link works once and from one browser, and the person sets a
// password of their own through the forgotten-password flow.
func TestProvisionedAccountSignsInByLinkAndSetsItsPassword(t *testing.T) {
	email := newEmail("skipper")
	got := make([]string, 4)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			out := invokeIdentity(t, protocol.Request{Module: "identity", Op: protocol.OpProvision, Account: &protocol.NewAccount{
				Email: email, Language: "de", TermsVersion: termsVersion, PrivacyVersion: privacyVersion, EmailConfirmed: true,
			}})
			got[i] = out.AccountID
		})
	}
	wg.Wait()
	for _, id := range got {
		if id == "" || id != got[0] {
			t.Fatalf("concurrent provisions answered %v", got)
		}
	}
	if again := provision(t, email, true); again != got[0] {
		t.Fatalf("again %s, want %s", again, got[0])
	}
	time.Sleep(300 * time.Millisecond)
	if n := mailCount(t, email); n != 0 {
		t.Fatalf("%d mails to a provisioned address", n)
	}
	// No password signs in: nobody knows the generated one.
	c := newClient(t)
	c.csrf()
	want(t, c.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), http.StatusUnauthorized, "invalid_credentials")

	want(t, requestLink(t, c, email, "de"), http.StatusAccepted)
	m := mailTo(t, email, "Anmeldelink")
	if !strings.Contains(m.Text, "/login/link?token=") {
		t.Fatalf("mail %q", m.Text)
	}
	tok := tokenFrom(t, m)
	r := useLink(c, tok)
	want(t, r, http.StatusCreated)
	var info identitySessionInfo
	r.json(t, &info)
	if info.Profile.ID != got[0] || info.CSRFToken == "" || c.cookies[httpapi.SessionCookie] == "" || c.cookies[httpapi.CSRFCookie] != info.CSRFToken {
		t.Fatalf("session %+v, cookies %v", info, c.cookies)
	}
	if p := profile(t, c); p.Email != email || p.TermsVersion != termsVersion || p.FirstLoginAt == nil {
		t.Fatalf("profile %+v", p)
	}
	// The client is known to the account now, as after a password sign-in.
	if known, err := identityStore().KnownClients(context.Background(), got[0], time.Now()); err != nil || len(known) != 1 {
		t.Fatalf("known clients %v %v", known, err)
	}
	// Replayed, from this browser or another, the link is refused.
	want(t, useLink(c, tok), http.StatusBadRequest, "token_invalid")
	want(t, useLink(newClient(t), tok), http.StatusBadRequest, "token_invalid")

	// The link sign-in is a fresh proof: an address change (which needs one) is
	// taken without a password.
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"email": newEmail("moved")}), http.StatusOK)

	// HGK-12: the sign-in is in the evidence log under its own event, with this
	// client's address.
	admin := adminClient(t)
	er := admin.do(http.MethodGet, "/v1/admin/evidence/"+got[0], nil)
	want(t, er, http.StatusOK)
	var ev struct {
		Records []struct {
			Event string `json:"event"`
			IP    string `json:"ip"`
		} `json:"records"`
	}
	er.json(t, &ev)
	if len(ev.Records) != 1 || ev.Records[0].Event != "login-link" || ev.Records[0].IP != c.ip {
		t.Fatalf("evidence %+v", ev)
	}

	// A password of one's own, through the forgotten-password flow.
	other := newClientWithCSRF(t)
	want(t, other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": email}), http.StatusAccepted)
	reset := tokenFrom(t, mailTo(t, email, "Passwort zurücksetzen"))
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": reset, "password": goodPassword}), http.StatusNoContent)
	login(t, other, email, goodPassword)
	// The reset ended the link's session.
	want(t, c.do(http.MethodGet, "/v1/me", nil), http.StatusUnauthorized, "unauthenticated")
}

// HGK-2: without the flag, provisioning is as before (a pending account and the
// link to set a password); with it, a pending account becomes active and its
// sign-up link stops working.
func TestProvisionActivatesAPendingSignUp(t *testing.T) {
	email := newEmail("pending")
	c := newClient(t)
	signup := register(t, c, email)
	id := provision(t, email, true)
	acc, err := identityStore().Account(context.Background(), id, time.Now())
	if err != nil || acc.Status != "active" || acc.PasswordHash == "" || acc.ExpiresAt != nil {
		t.Fatalf("account %+v %v", acc, err)
	}
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": signup, "password": goodPassword}), http.StatusBadRequest, "token_invalid")
	fresh := newEmail("unflagged")
	pid := provision(t, fresh, false)
	if acc, err := identityStore().Account(context.Background(), pid, time.Now()); err != nil || acc.Status != "pending" {
		t.Fatalf("unflagged provision made %+v %v", acc, err)
	}
	mailTo(t, fresh, "Passwort festlegen")
}

// HGK-3: unknown, pending and deactivated addresses get the same answer as an
// active one and no mail; an expired link is refused; of two uses at the same
// moment one signs in.
func TestSignInLinkRevealsNothingAndWorksOnce(t *testing.T) {
	active := newEmail("active")
	provision(t, active, true)
	pending := newEmail("waiting")
	register(t, newClient(t), pending)
	deactivated := newEmail("gone")
	invokeIdentity(t, protocol.Request{Module: "identity", Op: protocol.OpDeactivate, AccountID: provision(t, deactivated, true)})
	unknown := newEmail("nobody")

	// Four rounds (the fifth mail to one address would be dropped, which is less
	// work): the answers, and their times, figures only (no timed assertion).
	var answers []response
	took := map[string][]time.Duration{}
	for range 4 {
		for _, addr := range []string{active, unknown, pending, deactivated} {
			c := newClientWithCSRF(t)
			t0 := time.Now()
			answers = append(answers, requestLink(t, c, addr, "en"))
			took[addr] = append(took[addr], time.Since(t0))
		}
	}
	for i, a := range answers {
		want(t, a, http.StatusAccepted)
		if string(a.Body) != string(answers[0].Body) {
			t.Fatalf("answer %d %s differs from %s", i, a.Body, answers[0].Body)
		}
	}
	for name, addr := range map[string]string{"active": active, "unknown": unknown, "pending": pending, "deactivated": deactivated} {
		d := took[addr]
		slices.Sort(d)
		t.Logf("answer time %s: median %v of %v", name, (d[1]+d[2])/2, d)
	}
	tok := tokenFrom(t, mailTo(t, active, "Your sign-in link"))
	time.Sleep(300 * time.Millisecond)
	for _, addr := range []string{unknown, deactivated} {
		if n := mailCount(t, addr); n != 0 {
			t.Fatalf("%d mails to %s", n, addr)
		}
	}
	if n := mailCount(t, pending); n != 1 { // only its sign-up link
		t.Fatalf("%d mails to the pending address", n)
	}

	// Two browsers use the link at the same moment: one signs in.
	a, b := newClientWithCSRF(t), newClientWithCSRF(t)
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i, c := range []*client{a, b} {
		wg.Go(func() { statuses[i] = useLink(c, tok).Status })
	}
	wg.Wait()
	if min(statuses[0], statuses[1]) != http.StatusCreated || max(statuses[0], statuses[1]) != http.StatusBadRequest {
		t.Fatalf("concurrent uses answered %v", statuses)
	}

	// Another account (the mail limit per address is spent on the first): a
	// link of another kind signs nobody in, a sign-in link sets no password, an
	// expired link and the link of an account deactivated since are refused.
	second := newEmail("second")
	secondID := provision(t, second, true)
	other := newClientWithCSRF(t)
	want(t, other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": second}), http.StatusAccepted)
	reset := tokenFrom(t, mailTo(t, second, "Passwort zurücksetzen"))
	want(t, useLink(other, reset), http.StatusBadRequest, "token_invalid")
	want(t, requestLink(t, other, second, "en"), http.StatusAccepted)
	late := newToken(t, second, "Your sign-in link")
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": late, "password": goodPassword}), http.StatusBadRequest, "token_invalid")
	expireToken(t, late)
	want(t, useLink(other, late), http.StatusBadRequest, "token_invalid")
	want(t, requestLink(t, other, second, "en"), http.StatusAccepted)
	fresh := newToken(t, second, "Your sign-in link", late)
	invokeIdentity(t, protocol.Request{Module: "identity", Op: protocol.OpDeactivate, AccountID: secondID})
	want(t, useLink(other, fresh), http.StatusBadRequest, "token_invalid")
	if _, ok := other.cookies[httpapi.SessionCookie]; ok {
		t.Fatal("a refused link set a session cookie")
	}
	// Malformed and unknown tokens alike.
	want(t, useLink(newClient(t), "x"), http.StatusBadRequest, "token_invalid")
	want(t, useLink(newClient(t), strings.Repeat("A", 43)), http.StatusBadRequest, "token_invalid")

	for _, addr := range []string{active, unknown, pending, deactivated} {
		if strings.Contains(logs.String(), addr) {
			t.Fatalf("the logs hold %s", addr)
		}
	}
	if strings.Contains(logs.String(), tok) {
		t.Fatal("the logs hold a sign-in token")
	}
}

// HGK-3: one client asking for links is stopped with 429 and Retry-After once the
// mail limit per client is spent; many clients flooding one address get their 202
// but the address receives at most the mail limit per address.
func TestSignInLinkRequestsAreThrottled(t *testing.T) {
	c := newClient(t)
	var last response
	for range 11 {
		last = requestLink(t, c, newEmail("flood"), "en")
		if last.Status == http.StatusTooManyRequests {
			break
		}
		want(t, last, http.StatusAccepted)
	}
	want(t, last, http.StatusTooManyRequests, "too_many_attempts")
	if last.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}

	// Guessing tokens: the per-client limit on mailed links stops it.
	guesser := newClientWithCSRF(t)
	for range 21 {
		last = useLink(guesser, ids.NewToken())
		if last.Status == http.StatusTooManyRequests {
			break
		}
		want(t, last, http.StatusBadRequest, "token_invalid")
	}
	want(t, last, http.StatusTooManyRequests, "too_many_attempts")
	if last.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	// The page to open afterwards is only a path of this site.
	r := newClientWithCSRF(t).do(http.MethodPost, "/v1/sessions/link", map[string]any{"email": newEmail("x"), "next": "/de/\\evil.example"})
	want(t, r, http.StatusBadRequest, "validation_failed")

	target := newEmail("target")
	provision(t, target, true)
	for range 4 {
		attacker := newClient(t)
		for range 2 {
			want(t, requestLink(t, attacker, target, "en"), http.StatusAccepted)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for mailCount(t, target) < 5 && time.Now().Before(deadline) {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(time.Second)
	if n := mailCount(t, target); n != 5 {
		t.Fatalf("%d mails to the flooded address, want the limit of 5", n)
	}
}
