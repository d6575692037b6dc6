package integration

// Defects found from outside, each proven here through the real path: HTTP →
// authorizer → function → emulator.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/httpapi"
	"kontor/shared/insurance"
	"kontor/shared/ratelimit"
)

// Promise: H4U-5 — someone who knows a customer's contract number, name and
// birthdate, registers with their own address and identifies with their own ID
// card does not get the customer's contracts: the eID outcome counts only when the
// identified person is the contract's holder, and a mismatch looks like any other
// failure.
func TestEIDActivationIsBoundToTheContractHolder(t *testing.T) {
	staff := staffClient(t)
	victim := newPolicyholder("Vera")
	importCSV(t, staff, importHeader+victim.csv())
	stranger := newClient(t)
	stranger.csrf()
	strangerEmail := newEmail("mallory")
	r := stranger.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(victim, strangerEmail, insurance.ByEID))
	want(t, r, http.StatusAccepted)
	var reg registrationDoc
	r.json(t, &reg)
	// The stranger identifies — as themselves.
	var done struct {
		CallbackStatus int `json:"callbackStatus"`
	}
	own := url.Values{"givenNames": {"Mallory"}, "familyNames": {"Stranger"}, "dateOfBirth": {"1990-01-01"}}
	postJSON(t, reg.RedirectURL+"?result=verified&"+own.Encode(), &done)
	if done.CallbackStatus != http.StatusNoContent {
		t.Fatalf("callback answered %d", done.CallbackStatus)
	}
	want(t, stranger.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID}), http.StatusBadRequest, "activation_invalid")
	item, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Key: idKey("REG#"+reg.ID, "REG"), ConsistentRead: aws.Bool(true)})
	if err != nil || item.Item == nil {
		t.Fatalf("registration: %v", err)
	}
	if v, _ := item.Item["eidResult"].(*types.AttributeValueMemberS); v == nil || v.Value != insurance.EIDFailed {
		t.Fatalf("eid result %v, want failed", item.Item["eidResult"])
	}
	// Only the outcome is stored: nothing the card reported.
	for _, leak := range []string{"Mallory", "Stranger", "1990-01-01"} {
		if strings.Contains(toJSON(t, item.Item), leak) {
			t.Fatalf("the registration keeps %q from the eID", leak)
		}
	}
	if mailCount(t, strangerEmail) != 0 {
		t.Fatal("the stranger got mail")
	}
	// A replayed verified callback cannot change the outcome either.
	postJSON(t, reg.RedirectURL+"?result=verified&"+victim.identity(), &done)
	if done.CallbackStatus != http.StatusConflict {
		t.Fatalf("a second, different outcome answered %d", done.CallbackStatus)
	}
	want(t, stranger.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID}), http.StatusBadRequest, "activation_invalid")

	// A provider that verified but reported no identity proves nothing.
	r = stranger.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(victim, newEmail("mallory"), insurance.ByEID))
	want(t, r, http.StatusAccepted)
	var bare registrationDoc
	r.json(t, &bare)
	postJSON(t, bare.RedirectURL+"?result=verified", &done)
	want(t, stranger.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": bare.ID}), http.StatusBadRequest, "activation_invalid")
}

// Promise: H4U-7 — what staff download is exactly what was checked: the upload URL,
// used again after complete, cannot overwrite the stored invoice.
func TestReplayedUploadURLNeverReachesWhatIsDownloaded(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Rita", "portal-processing", "health-data")
	cl := createClaim(t, c, p.Contracts[0])
	ni, r := upload(t, c, cl.ID, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)

	page := []byte("<html><script>alert(document.cookie)</script></html>")
	replay := func() int {
		req, err := http.NewRequest(http.MethodPut, ni.Upload.URL, bytes.NewReader(append(page, make([]byte, len(pdfFile)-len(page))...)))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range ni.Upload.Headers {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode
	}
	// While the staging object stays, the URL cannot store again (If-None-Match).
	if s := replay(); s != http.StatusPreconditionFailed {
		t.Fatalf("replayed upload answered %d, want 412", s)
	}
	// Even once staging is emptied (as the sweep does), a replay lands in staging
	// only; completing again changes nothing.
	if _, err := s3Client().DeleteObject(context.Background(), &s3.DeleteObjectInput{Bucket: aws.String(stack.Name("InvoiceBucket")), Key: aws.String(stagingKey(cl.ID, ni.Invoice.ID))}); err != nil {
		t.Fatal(err)
	}
	if s := replay(); s != http.StatusOK {
		t.Fatalf("replay into an empty staging area answered %d", s)
	}
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+ni.Invoice.ID+"/complete", nil), http.StatusOK)
	for _, who := range []struct {
		c    *client
		path string
	}{{c, "/v1/me/claims/"}, {staff, "/v1/staff/claims/"}} {
		r := who.c.do(http.MethodGet, who.path+cl.ID+"/invoices/"+ni.Invoice.ID+"/download", nil)
		want(t, r, http.StatusOK)
		var d insurance.Download
		r.json(t, &d)
		got, ctype := download(t, d.URL)
		if !bytes.Equal(got, pdfFile) || ctype != "application/pdf" {
			t.Fatalf("%s downloads %q as %s", who.path, got[:min(len(got), 40)], ctype)
		}
	}
	// Erasing the claim's data removes what sits in its staging area too.
	want(t, c.do(http.MethodDelete, "/v1/me/consents/health-data", nil), http.StatusOK)
	if objectExists(t, stagingKey(cl.ID, ni.Invoice.ID)) || objectExists(t, storedKey(cl.ID, ni.Invoice.ID)) {
		t.Fatal("the replayed bytes survived the withdrawal")
	}
}

// waitMailCount waits until the number of mails to addr stops changing and returns it.
func waitMailCount(t *testing.T, addr string) int {
	t.Helper()
	last, stable := -1, 0
	for range 60 {
		n := mailCount(t, addr)
		if n == last {
			stable++
			if stable >= 5 {
				return n
			}
		} else {
			last, stable = n, 0
		}
		time.Sleep(200 * time.Millisecond)
	}
	return last
}

// Mail anyone can cause to be sent to an address is bounded per address across
// every route and client, and per client across routes; the answers stay alike, so
// the limit tells nothing about whether the address is registered.
func TestMailToAnAddressIsBounded(t *testing.T) {
	_, registered := signUp(t, "flooded")
	unknown := newEmail("nobody")
	for _, addr := range []string{registered, unknown} {
		for i := range 10 {
			c := newClient(t) // twenty clients would not help either
			c.csrf()
			var r response
			if i%2 == 0 {
				r = c.do(http.MethodPost, "/v1/accounts", map[string]any{"email": addr, "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion})
			} else {
				r = c.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": addr})
			}
			want(t, r, http.StatusAccepted)
			if string(r.Body) != `{"status":"accepted"}` {
				t.Fatalf("answer differs: %s", r.Body)
			}
		}
		// Within the hour: the sign-up's own mail counts as well.
		got := waitMailCount(t, addr)
		if got > ratelimit.MailToAddress.Max {
			t.Fatalf("%d mails reached one address, limit %d", got, ratelimit.MailToAddress.Max)
		}
		if addr == registered && got != ratelimit.MailToAddress.Max {
			t.Fatalf("%d mails reached the registered address, want exactly %d", got, ratelimit.MailToAddress.Max)
		}
	}
	// One client cannot spread mail over many addresses and routes either.
	c := newClient(t)
	c.csrf()
	for i := range ratelimit.MailPerClient.Max {
		path, body := "/v1/password/forgot", map[string]any{"email": newEmail("spread")}
		if i%2 == 1 {
			path, body = "/v1/accounts", map[string]any{"email": newEmail("spread"), "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
		}
		want(t, c.do(http.MethodPost, path, body), http.StatusAccepted)
	}
	r := c.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": newEmail("spread")})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 3600 {
		t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
	}
}

// limitedRoute is one route with an abuse limit, and a request that reaches it.
type limitedRoute struct {
	method, path string
	body         any
	rule         ratelimit.Rule
	function     string
}

// Every route that sends mail, creates accounts, takes a password or token, uploads
// or stores for an anonymous caller answers 429 with Retry-After past its limit
// (docs/limits.md). Requests count before their body is looked at, so the bodies
// here are invalid on purpose: cheap, and they change nothing.
func TestAbuseLimitsAnswer429WithRetryAfter(t *testing.T) {
	bad := map[string]any{"unexpected": true}
	public := []limitedRoute{
		{http.MethodPost, "/v1/accounts", bad, ratelimit.AccountCreate, "AccountsFunction"},
		{http.MethodPost, "/v1/accounts/confirm", bad, ratelimit.TokenPerClient, "AccountsFunction"},
		{http.MethodPost, "/v1/accounts/email/confirm", bad, ratelimit.TokenPerClient, "AccountsFunction"},
		{http.MethodPost, "/v1/password/forgot", bad, ratelimit.MailPerClient, "PasswordFunction"},
		{http.MethodPost, "/v1/password/reset", bad, ratelimit.TokenPerClient, "PasswordFunction"},
		{http.MethodPost, "/v1/sessions/device", bad, ratelimit.DeviceSignIn, "SessionsFunction"},
		{http.MethodPost, "/v1/insurance/registrations", bad, ratelimit.InsuranceRegister, "RegistrationFunction"},
		{http.MethodPost, "/v1/insurance/activations", bad, ratelimit.InsuranceActivate, "RegistrationFunction"},
		{http.MethodPost, "/v1/contact-requests", bad, ratelimit.ContactSubmit, "ContactFunction"},
		{http.MethodPost, "/v1/group-subscriptions/unsubscribe?token=x", bad, ratelimit.NetworkUnsubscribe, "GroupsFunction"},
	}
	for _, lr := range public {
		c := newClient(t)
		c.csrf()
		hitLimit(t, c, lr)
	}
	member, _ := signUp(t, "limited")
	// Limits per account: an administrator and a staff member of their own, so the
	// seeded administrator other tests invite with keeps its budget.
	admin := invited(t, "admin")
	staff := staffClient(t)
	networker := invited(t, "network")
	signed := []struct {
		c *client
		limitedRoute
	}{
		{member, limitedRoute{http.MethodPatch, "/v1/me", bad, ratelimit.ProfileChange, "MeFunction"}},
		{member, limitedRoute{http.MethodPut, "/v1/me/password", bad, ratelimit.PasswordChange, "PasswordFunction"}},
		{member, limitedRoute{http.MethodPost, "/v1/sessions/current/confirm", bad, ratelimit.SessionConfirm, "SessionsFunction"}},
		{member, limitedRoute{http.MethodPost, "/v1/me/devices", bad, ratelimit.DeviceCreate, "DevicesFunction"}},
		{member, limitedRoute{http.MethodPost, "/v1/me/claims", bad, ratelimit.ClaimCreate, "ClaimsFunction"}},
		{member, limitedRoute{http.MethodPost, "/v1/me/claims/" + "0190a0a0-0000-7000-8000-000000000000" + "/invoices", bad, ratelimit.Upload, "ClaimsFunction"}},
		{member, limitedRoute{http.MethodPost, "/v1/me/contact-requests", bad, ratelimit.ContactSubmit, "ContactFunction"}},
		{admin, limitedRoute{http.MethodPost, "/v1/admin/members", bad, ratelimit.Invite, "MembersFunction"}},
		{admin, limitedRoute{http.MethodPost, "/v1/admin/holds", bad, ratelimit.HoldPlace, "HoldsFunction"}},
		{staff, limitedRoute{http.MethodPost, "/v1/staff/contract-imports", bad, ratelimit.ContractImport, "ContractImportFunction"}},
		{networker, limitedRoute{http.MethodPost, "/v1/groups/0190a0a0-0000-7000-8000-000000000000/posts", bad, ratelimit.NetworkWrite, "GroupsFunction"}},
		{networker, limitedRoute{http.MethodPut, "/v1/me/profile/picture", bad, ratelimit.Upload, "NetworkFunction"}},
		// HKC-7: direct messages, 300 per 15 minutes.
		{networker, limitedRoute{http.MethodPost, "/v1/conversations/0190a0a0-0000-7000-8000-000000000000/messages", bad, ratelimit.MessageSend, "MessagesFunction"}},
	}
	for _, s := range signed {
		hitLimit(t, s.c, s.limitedRoute)
	}
}

// hitLimit sends rule.Max requests, which pass the limit, then one that must not,
// then — after the function's instances were replaced — one more: the limit lives
// in the limits table, not in an instance's memory.
func hitLimit(t *testing.T, c *client, lr limitedRoute) {
	t.Helper()
	send := func() response {
		b := []byte(toJSON(t, lr.body))
		return c.raw(lr.method, lr.path, "application/json", b, nil)
	}
	for i := range lr.rule.Max {
		if r := send(); r.Status == http.StatusTooManyRequests {
			t.Fatalf("%s %s: limited after %d of %d", lr.method, lr.path, i, lr.rule.Max)
		}
	}
	r := send()
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	s, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || s < 1 || time.Duration(s)*time.Second > lr.rule.Window+time.Second {
		t.Fatalf("%s %s: Retry-After %q", lr.method, lr.path, r.Header.Get("Retry-After"))
	}
	before := len(stack.InitDurations()[lr.function])
	if err := stack.Recycle(lr.function); err != nil {
		t.Fatal(err)
	}
	want(t, send(), http.StatusTooManyRequests, "too_many_attempts")
	if after := len(stack.InitDurations()[lr.function]); after <= before {
		t.Fatalf("%s: no cold start after recycling (%d → %d instances)", lr.function, before, after)
	}
}

// A person who registers in English gets English error details, whatever the
// browser's Accept-Language says.
func TestRegistrationAnswersInTheLanguageItNames(t *testing.T) {
	c := newClient(t)
	c.lang = "de-DE"
	c.csrf()
	r := c.do(http.MethodPost, "/v1/accounts", map[string]any{"email": "not an address", "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion})
	want(t, r, http.StatusBadRequest, "validation_failed")
	if b := r.problem(t); b.Detail != "The request contains invalid fields." || len(b.Errors) == 0 || b.Errors[0].Message != "This is not a valid email address." {
		t.Fatalf("problem %+v", b)
	}
	r = c.do(http.MethodPost, "/v1/insurance/registrations", map[string]any{"firstName": "", "language": "en"})
	want(t, r, http.StatusBadRequest, "validation_failed")
	if b := r.problem(t); b.Errors[0].Message != "This field is required." || r.Header.Get("Content-Language") != "en" {
		t.Fatalf("problem %+v", b)
	}
}

// Promise: AHK-3 — the answer to a sign-in shows that very sign-in: its time as the
// last login, and as the first one at the first sign-in.
func TestSignInAnswerShowsThisSignIn(t *testing.T) {
	c := newClient(t)
	email := newEmail("times")
	tok := register(t, c, email)
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	start := time.Now().Add(-time.Second)
	first := login(t, c, email, goodPassword).Profile
	if first.FirstLoginAt == nil || first.LastLoginAt == nil || !first.FirstLoginAt.Equal(*first.LastLoginAt) || first.LastLoginAt.Before(start) {
		t.Fatalf("first sign-in answered first %v, last %v", first.FirstLoginAt, first.LastLoginAt)
	}
	time.Sleep(10 * time.Millisecond)
	second := login(t, newClient(t), email, goodPassword).Profile
	if !second.FirstLoginAt.Equal(*first.FirstLoginAt) || !second.LastLoginAt.After(*first.LastLoginAt) {
		t.Fatalf("second sign-in answered first %v, last %v (before: %v)", second.FirstLoginAt, second.LastLoginAt, first.LastLoginAt)
	}
	if p := profile(t, c); !p.LastLoginAt.Equal(*second.LastLoginAt) {
		t.Fatalf("profile shows last %v, the sign-in answered %v", p.LastLoginAt, second.LastLoginAt)
	}
}

// While processing is restricted, granting the marketing consent is refused, as
// docs/privacy.md says; other consents may be given.
func TestRestrictedPersonCannotGrantMarketing(t *testing.T) {
	c, _ := signUp(t, "restricted")
	want(t, c.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	want(t, c.do(http.MethodPut, "/v1/me/consents/marketing-alerts", map[string]any{"textVersion": "2026-01"}), http.StatusConflict, "processing_restricted")
	want(t, c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	want(t, c.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	want(t, c.do(http.MethodPut, "/v1/me/consents/marketing-alerts", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
}

// invited returns a freshly invited member with the given role ("admin" or
// "staff"), signed in with the temporary password changed.
func invited(t *testing.T, role string, more ...string) *client {
	t.Helper()
	admin := adminClient(t)
	email := newEmail(role)
	body := map[string]any{"email": email, "language": "en", role: true}
	for _, r := range more {
		body[r] = true
	}
	want(t, admin.do(http.MethodPost, "/v1/admin/members", body), http.StatusCreated)
	m := mailTo(t, email, "temporary password")
	temp := ""
	for _, line := range strings.Split(m.Text, "\n") {
		if v, ok := strings.CutPrefix(line, "Temporary password: "); ok {
			temp = strings.TrimSpace(v)
		}
	}
	c := newClient(t)
	login(t, c, email, temp)
	want(t, c.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": temp, "newPassword": goodPassword}), http.StatusOK)
	return c
}

// The site's security headers reach the browser on every response through the
// gateway: the record of processing as a page (no framing, no script, its inline
// style allowed by hash), a JSON answer and a problem.
func TestResponsesCarryTheSiteSecurityHeaders(t *testing.T) {
	c := newClient(t)
	page := c.do(http.MethodGet, "/v1/privacy/processing?format=html", nil)
	want(t, page, http.StatusOK)
	if got, wantCSP := page.Header.Get("Content-Security-Policy"), httpapi.PageCSP(string(page.Body)); got != wantCSP || !strings.Contains(got, "style-src 'sha256-") {
		t.Fatalf("page policy %q, want %q", got, wantCSP)
	}
	for _, r := range []response{page, c.do(http.MethodGet, "/v1/privacy/processing", nil), c.do(http.MethodGet, "/v1/me", nil)} {
		csp := r.Header.Get("Content-Security-Policy")
		if r.Header.Get("X-Frame-Options") != "DENY" || !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "script-src") ||
			strings.Contains(csp, "unsafe-inline") || r.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("status %d: headers %v", r.Status, r.Header)
		}
	}
}

// A client cannot escape its per-client limit by claiming another address: the
// viewer address header the site's distribution sets is believed only with the
// distribution's origin value, which the local stack (like a direct call to the
// deployed API) does not have. Each request here claims a fresh address and a made-up
// origin value; all count against the one connection's address.
func TestForgedViewerAddressDoesNotEscapeTheLimit(t *testing.T) {
	c := newClient(t)
	c.csrf()
	lr := limitedRoute{http.MethodPost, "/v1/contact-requests", map[string]any{"unexpected": true}, ratelimit.ContactSubmit, "ContactFunction"}
	b := []byte(toJSON(t, lr.body))
	send := func(i int) response {
		return c.raw(lr.method, lr.path, "application/json", b, map[string]string{
			httpapi.ViewerAddressHeader: fmt.Sprintf("203.0.113.%d", i+1),
			httpapi.OriginHeader:        "guessed-origin-value",
		})
	}
	for i := range lr.rule.Max {
		if r := send(i); r.Status == http.StatusTooManyRequests {
			t.Fatalf("limited after %d of %d", i, lr.rule.Max)
		}
	}
	want(t, send(lr.rule.Max), http.StatusTooManyRequests, "too_many_attempts")
}
