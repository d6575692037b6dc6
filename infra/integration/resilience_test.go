package integration

// Faults between the functions and the emulator (stack.Faults(), a toxiproxy in
// front of moto): refused connections, answers cut off after the store acted,
// latency of seconds, a paused emulator. Every route must answer a problem
// document — 503 with Retry-After where the store is down, within the function's
// time, never "please sign in", never a success for something not stored — and
// leave nothing half written.

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/infra/local"
)

// faults returns the stack's fault proxy and ends every fault when the test ends.
func faults(t *testing.T) *local.Faults {
	t.Helper()
	f := stack.Faults()
	if f == nil {
		t.Fatal("the suite's stack runs without the fault proxy")
	}
	t.Cleanup(func() {
		if err := f.Reset(); err != nil {
			t.Error(err)
		}
	})
	return f
}

// wantUnavailable fails unless r is Kontor's own 503 problem with Retry-After: the
// function answered, not the gateway after a timeout.
func wantUnavailable(t *testing.T, r response, what string) {
	t.Helper()
	if r.Status != http.StatusServiceUnavailable || r.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("%s: %d %s %s, want a 503 problem", what, r.Status, r.Header.Get("Content-Type"), r.Body)
	}
	if code := r.problem(t).Code; code != "service_unavailable" {
		t.Fatalf("%s: code %s", what, code)
	}
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("%s: Retry-After %q", what, r.Header.Get("Retry-After"))
	}
}

// With the store refusing connections, a signed-in person is told the service is
// unavailable (not that they are signed out), anonymous writes are refused the same
// way, routes that need no store still serve, and nothing asked for during the
// outage is stored.
func TestStoreDownIsAnswered503AndStoresNothing(t *testing.T) {
	member, email := signUp(t, "outage")
	before := profile(t, member)
	anon := newClient(t)
	anon.csrf()
	newcomer := newEmail("during-outage")

	f := faults(t)
	f.Disable()
	wantUnavailable(t, member.do(http.MethodGet, "/v1/me", nil), "GET /v1/me")
	wantUnavailable(t, member.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Changed"}), "PATCH /v1/me")
	wantUnavailable(t, member.do(http.MethodGet, "/v1/me/export", nil), "GET /v1/me/export")
	wantUnavailable(t, member.do(http.MethodDelete, "/v1/sessions/current", nil), "DELETE /v1/sessions/current")
	wantUnavailable(t, anon.do(http.MethodPost, "/v1/accounts", map[string]any{"email": newcomer, "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}), "POST /v1/accounts")
	wantUnavailable(t, anon.do(http.MethodPost, "/v1/sessions", map[string]any{"email": email, "password": goodPassword}), "POST /v1/sessions")
	wantUnavailable(t, anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": newcomer, "message": "Hallo"}), "POST /v1/contact-requests")
	// The record of processing needs no store.
	want(t, anon.do(http.MethodGet, "/v1/privacy/processing", nil), http.StatusOK)
	if err := f.Enable(); err != nil {
		t.Fatal(err)
	}

	after := profile(t, member) // still signed in: the outage ended nothing
	if after.FirstName != before.FirstName {
		t.Fatalf("the refused change was stored: %q", after.FirstName)
	}
	if exists(t, "IdentityTable", idKey("EMAIL#"+newcomer, "EMAIL")) {
		t.Fatal("an account was created during the outage")
	}
	if n := mailCount(t, newcomer); n != 0 {
		t.Fatalf("%d mails went out for a refused request", n)
	}
}

// A store that answers after seconds, or not at all (the emulator paused), is
// answered 503 by the function itself before its timeout, never left to the
// gateway's timeout.
func TestSlowOrStoppedStoreIsAnsweredInTime(t *testing.T) {
	member, _ := signUp(t, "slow")
	f := faults(t)
	if _, err := f.Latency(6 * time.Second); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	wantUnavailable(t, member.do(http.MethodGet, "/v1/me", nil), "GET /v1/me with 6 s latency")
	t.Logf("answered after %v with 6 s latency", time.Since(start).Round(10*time.Millisecond))
	wantUnavailable(t, member.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Slow"}), "PATCH /v1/me with 6 s latency")
	f.RemoveAll()

	if err := f.PauseEmulator(); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	wantUnavailable(t, member.do(http.MethodGet, "/v1/me", nil), "GET /v1/me, emulator paused")
	t.Logf("answered after %v with the emulator paused", time.Since(start).Round(10*time.Millisecond))
	if err := f.ResumeEmulator(); err != nil {
		t.Fatal(err)
	}
	want(t, member.do(http.MethodGet, "/v1/me", nil), http.StatusOK)
}

// Connections cut after the store acted (the function never hears back, and the SDK
// retries): whatever a route answered, what it stored is whole. A claim is never
// without its entries in the owner's list and the review queue, an account never
// without its address, and a 201 or 202 always means stored.
func TestCutConnectionsLeaveNothingHalfWritten(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Cora", "portal-processing", "health-data")
	me := profile(t, c)
	anon := newClient(t)
	anon.csrf()

	f := faults(t)
	if _, err := f.Add(local.Toxic{Type: "reset_peer", Stream: local.Answers, Toxicity: 0.9, Attributes: map[string]any{"timeout": 0}}); err != nil {
		t.Fatal(err)
	}
	created, refused := map[string]bool{}, 0
	for range 12 {
		r := c.keyed(http.MethodPost, "/v1/me/claims", newKey(), map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-02", "amountCents": 1200})
		switch r.Status {
		case http.StatusCreated:
			var cl struct{ ID string }
			r.json(t, &cl)
			created[cl.ID] = true
		case http.StatusServiceUnavailable:
			wantUnavailable(t, r, "POST /v1/me/claims")
			refused++
		default:
			t.Fatalf("POST /v1/me/claims under cut connections: %d %s", r.Status, r.Body)
		}
	}
	var signups []string
	for range 8 {
		addr := newEmail("cut")
		r := anon.do(http.MethodPost, "/v1/accounts", map[string]any{"email": addr, "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion})
		if r.Status != http.StatusAccepted {
			wantUnavailable(t, r, "POST /v1/accounts")
		}
		signups = append(signups, addr)
	}
	f.RemoveAll()
	t.Logf("claims: %d created, %d answered 503", len(created), refused)

	// Every claim stored for the customer is whole, and every 201 was stored.
	stored := claimItemsOf(t, me.ID)
	for id := range created {
		if !stored[id] {
			t.Errorf("claim %s was answered 201 but is not stored", id)
		}
	}
	for id := range stored {
		if !exists(t, "InsuranceTable", idKey("ACCOUNT#"+me.ID, "CLAIM#"+id)) || !exists(t, "InsuranceTable", idKey("REVIEW", id)) {
			t.Errorf("claim %s is stored without its index entries", id)
		}
	}
	// An address claimed for an account always has its account.
	for _, addr := range signups {
		it, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("IdentityTable")), Key: idKey("EMAIL#"+addr, "EMAIL"), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if it.Item == nil {
			continue
		}
		id, _ := it.Item["accountId"].(*types.AttributeValueMemberS)
		if id == nil || !exists(t, "IdentityTable", idKey("ACCOUNT#"+id.Value, "ACCOUNT")) {
			t.Errorf("address %s is claimed without an account", addr)
		}
	}
}

// claimItemsOf returns the ids of every claim item of an account (a test may scan).
func claimItemsOf(t *testing.T, accountID string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	p := dynamodb.NewScanPaginator(db(), &dynamodb.ScanInput{
		TableName:                 aws.String(stack.Name("InsuranceTable")),
		FilterExpression:          aws.String("sk = :claim AND accountId = :a"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":claim": &types.AttributeValueMemberS{Value: "CLAIM"}, ":a": &types.AttributeValueMemberS{Value: accountID}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			if pk, ok := it["pk"].(*types.AttributeValueMemberS); ok {
				out[strings.TrimPrefix(pk.Value, "CLAIM#")] = true
			}
		}
	}
	return out
}
