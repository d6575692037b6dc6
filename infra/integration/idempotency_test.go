package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/contact"
	"kontor/shared/idempotency"
	"kontor/shared/ids"
	"kontor/shared/insurance"
)

// newKey returns a fresh Idempotency-Key.
func newKey() string { return ids.NewV7(time.Now()) }

// keyed sends body as JSON with an Idempotency-Key.
func (c *client) keyed(method, path, key string, body any) response {
	c.t.Helper()
	return c.raw(method, path, "application/json", []byte(toJSON(c.t, body)), map[string]string{idempotency.Header: key})
}

// wantReplayed fails unless again is first given once more, marked as replayed.
func wantReplayed(t *testing.T, first, again response) {
	t.Helper()
	if again.Status != first.Status || string(again.Body) != string(first.Body) ||
		again.Header.Get(idempotency.ReplayedHeader) != "true" || first.Header.Get(idempotency.ReplayedHeader) != "" {
		t.Fatalf("repeat answered %d %s (replayed %q), first %d %s", again.Status, again.Body, again.Header.Get(idempotency.ReplayedHeader), first.Status, first.Body)
	}
}

// A sign-up repeated with its Idempotency-Key gets the first answer and mails
// nothing again; the key with another body is refused, a malformed key too, and
// another client's same key is its own.
func TestSignUpRepeatedWithItsKeyMailsOnce(t *testing.T) {
	c := newClient(t)
	c.csrf()
	addr, key := newEmail("keyed"), newKey()
	body := map[string]any{"email": addr, "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
	first := c.keyed(http.MethodPost, "/v1/accounts", key, body)
	want(t, first, http.StatusAccepted)
	mailTo(t, addr, "set your password")
	wantReplayed(t, first, c.keyed(http.MethodPost, "/v1/accounts", `"`+key+`"`, body))
	other := map[string]any{"email": newEmail("keyed-other"), "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
	want(t, c.keyed(http.MethodPost, "/v1/accounts", key, other), http.StatusUnprocessableEntity, "idempotency_key_reused")
	want(t, c.keyed(http.MethodPost, "/v1/accounts", "not a key", body), http.StatusBadRequest, "idempotency_key_invalid")
	elsewhere := newClient(t)
	elsewhere.csrf()
	if r := elsewhere.keyed(http.MethodPost, "/v1/accounts", key, other); r.Status != http.StatusAccepted || r.Header.Get(idempotency.ReplayedHeader) != "" {
		t.Fatalf("another client's key: %d %v", r.Status, r.Header)
	}
	time.Sleep(time.Second)
	if n := mailCount(t, addr); n != 1 {
		t.Fatalf("%d mails for one sign-up sent twice with its key", n)
	}
}

// A device credential is created only with a key, and once per key: the repeat
// gets the same credential, and the person's export lists the kept answer, sealed;
// their erasure removes it.
func TestDeviceCreationTakesAKeyAndCreatesOnce(t *testing.T) {
	c, _ := signUp(t, "keyed-device")
	me := profile(t, c)
	want(t, c.do(http.MethodPost, "/v1/me/devices", map[string]any{"name": "Phone"}), http.StatusBadRequest, "idempotency_key_missing")
	key := newKey()
	first := c.keyed(http.MethodPost, "/v1/me/devices", key, map[string]any{"name": "Phone"})
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, c.keyed(http.MethodPost, "/v1/me/devices", key, map[string]any{"name": "Phone"}))
	r := c.do(http.MethodGet, "/v1/me/devices", nil)
	var list struct{ Devices []newDevice }
	r.json(t, &list)
	if len(list.Devices) != 1 {
		t.Fatalf("%d devices after one keyed request sent twice", len(list.Devices))
	}
	var d newDevice
	first.json(t, &d)
	if n := itemsOf(t, "IdempotencyTable", me.ID); n != 1 {
		t.Fatalf("%d kept answers of the account", n)
	}
	exp := toJSON(t, export(t, c))
	if !strings.Contains(exp, `"route":"POST /v1/me/devices"`) || d.Credential == "" || strings.Contains(exp, d.Credential) {
		t.Fatalf("export of the kept answer: %s", exp)
	}
	want(t, c.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if n := itemsOf(t, "IdempotencyTable", me.ID); n != 0 {
		t.Fatalf("%d kept answers survive the erasure", n)
	}
}

// A claim is created only with a key, and once per key: a claim created twice would
// be reimbursed twice. The repeat gets the first answer; the key with another claim
// is refused and creates nothing.
func TestClaimCreationTakesAKeyAndCreatesOnce(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Keya", "portal-processing", "health-data")
	body := map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-02", "amountCents": 4200, "description": "Brille"}
	want(t, c.do(http.MethodPost, "/v1/me/claims", body), http.StatusBadRequest, "idempotency_key_missing")
	key := newKey()
	first := c.keyed(http.MethodPost, "/v1/me/claims", key, body)
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, c.keyed(http.MethodPost, "/v1/me/claims", key, body))
	other := map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-03", "amountCents": 9900}
	want(t, c.keyed(http.MethodPost, "/v1/me/claims", key, other), http.StatusUnprocessableEntity, "idempotency_key_reused")
	var list struct{ Claims []insurance.Claim }
	r := c.do(http.MethodGet, "/v1/me/claims", nil)
	want(t, r, http.StatusOK)
	r.json(t, &list)
	var cl insurance.Claim
	first.json(t, &cl)
	if len(list.Claims) != 1 || list.Claims[0].ID != cl.ID {
		t.Fatalf("%d claims after one keyed claim sent twice and its key reused", len(list.Claims))
	}
}

// Invitations, legal holds and contact requests repeated with their key are
// answered as the first time: no "already exists", no second request for staff.
func TestCreationsRepeatedWithTheirKeyAreAnsweredAsTheFirstTime(t *testing.T) {
	admin := adminClient(t)
	invite := map[string]any{"email": newEmail("keyed-invite"), "language": "en"}
	key := newKey()
	first := admin.keyed(http.MethodPost, "/v1/admin/members", key, invite)
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, admin.keyed(http.MethodPost, "/v1/admin/members", key, invite))
	want(t, admin.do(http.MethodPost, "/v1/admin/members", invite), http.StatusConflict, "email_taken") // without the key: a new request

	member, _ := signUp(t, "keyed-hold")
	hold := map[string]any{"accountId": profile(t, member).ID, "reason": "court order 7 O 3/26"}
	key = newKey()
	first = admin.keyed(http.MethodPost, "/v1/admin/holds", key, hold)
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, admin.keyed(http.MethodPost, "/v1/admin/holds", key, hold))

	anon := newClient(t)
	anon.csrf()
	ask := map[string]any{"email": newEmail("keyed-asker"), "message": "Noch einmal?", "consentVersion": contact.ConsentVersion}
	key = newKey()
	first = anon.keyed(http.MethodPost, "/v1/contact-requests", key, ask)
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, anon.keyed(http.MethodPost, "/v1/contact-requests", key, ask))
	mine := map[string]any{"message": "Mit Konto, einmal.", "consentVersion": contact.ConsentVersion}
	key = newKey()
	first = member.keyed(http.MethodPost, "/v1/me/contact-requests", key, mine)
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, member.keyed(http.MethodPost, "/v1/me/contact-requests", key, mine))
}

// A repeat while the first request with its key still runs is told to wait
// (409, Retry-After); a first request answered 503 keeps nothing, and its repeat
// runs.
func TestKeyInUseWaitsAndAFailedRequestRunsAgain(t *testing.T) {
	c, _ := signUp(t, "keyed-running")
	me := profile(t, c)
	key := newKey()
	body := map[string]any{"message": "Läuft noch?", "consentVersion": contact.ConsentVersion}
	// The first request, as the router claimed it, still running.
	s := &idempotency.Store{DB: db(), Table: stack.Name("IdempotencyTable"), Now: func() time.Time { return time.Now().UTC() }}
	running, err := s.Begin(context.Background(), idempotency.Request{Scope: idempotency.Scope{AccountID: me.ID}, Route: "POST /v1/me/contact-requests",
		Key: key, Method: http.MethodPost, Path: "/v1/me/contact-requests", Body: []byte(toJSON(t, body))})
	if err != nil || running.Outcome != idempotency.Run {
		t.Fatalf("claim: %v %v", running.Outcome, err)
	}
	r := c.keyed(http.MethodPost, "/v1/me/contact-requests", key, body)
	want(t, r, http.StatusConflict, "idempotency_key_in_use")
	if r.Header.Get("Retry-After") != "1" {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	if err := s.Release(context.Background(), running); err != nil {
		t.Fatal(err)
	}
	want(t, c.keyed(http.MethodPost, "/v1/me/contact-requests", key, body), http.StatusCreated)

	anon := newClient(t)
	anon.csrf()
	addr, key := newEmail("keyed-outage"), newKey()
	signup := map[string]any{"email": addr, "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
	f := faults(t)
	f.Disable()
	wantUnavailable(t, anon.keyed(http.MethodPost, "/v1/accounts", key, signup), "POST /v1/accounts during the outage")
	if err := f.Enable(); err != nil {
		t.Fatal(err)
	}
	r = anon.keyed(http.MethodPost, "/v1/accounts", key, signup)
	if r.Status != http.StatusAccepted || r.Header.Get(idempotency.ReplayedHeader) != "" {
		t.Fatalf("repeat after the outage: %d %v", r.Status, r.Header)
	}
	mailTo(t, addr, "set your password")
}
