package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/standin/payments"
	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/hmacsig"
	"kontor/shared/ids"
	"kontor/shared/privacy"
	"kontor/shared/ratelimit"
	"kontor/shared/secrets"
)

// testFreeOffers is the FreeOffers parameter of the test stack (main_test.go).
const testFreeOffers = 3

type placed struct{ OrderID, CheckoutURL string }

// orderPlan orders plan as c with the current consent and returns the answer.
func orderPlan(t *testing.T, c *client, plan string) (response, placed) {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/me/plan", map[string]any{"plan": plan, "consentVersion": classifieds.PaymentConsentVersion})
	var p placed
	if r.Status/100 == 2 {
		r.json(t, &p)
	}
	return r, p
}

// orderOf is GET /v1/me/orders/{id}.
func orderOf(t *testing.T, c *client, id string) classifieds.Order {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/orders/"+id, nil)
	want(t, r, http.StatusOK)
	var o classifieds.Order
	r.json(t, &o)
	return o
}

// checkout sends the stand-in provider's hosted page's form (action pay or
// cancel) as a script and returns the status the portal answered the webhook with.
func checkout(t *testing.T, checkoutURL, action string) (int, string) {
	t.Helper()
	resp, err := http.PostForm(checkoutURL, url.Values{"action": {action}}) // #nosec G107 -- the stack's stand-in
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		WebhookStatus int
		EventID       string
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, ""
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out.WebhookStatus, out.EventID
}

// providerRecord is what the stand-in provider received and sent.
func providerRecord(t *testing.T) payments.Record {
	t.Helper()
	resp, err := http.Get(stack.APIURL + "/_local/payments/received") // #nosec G107 -- the stack's stand-in
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var rec payments.Record
	if err := json.NewDecoder(resp.Body).Decode(&rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// paymentSecret is the run's webhook secret shared with the stand-in provider.
func paymentSecret(t *testing.T) []byte {
	t.Helper()
	name := stack.Parameters()[payments.WebhookSecretParameter]
	if name == "" {
		name = "/kontor/payment-webhook-secret"
	}
	s, err := secrets.Client{Config: awsCfg}.Read(context.Background(), name, 32)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// webhook posts body signed with secret at as the provider would.
func webhook(c *client, secret, body []byte, at time.Time) response {
	return c.raw(http.MethodPost, "/v1/payments/webhook", "application/json", body,
		map[string]string{classifieds.PaymentSignatureHeader: hmacsig.Sign(secret, body, at)})
}

// completed is a checkout.session.completed event for order with amount and currency.
func completed(t *testing.T, eventID, order string, amount int64, currency string) []byte {
	t.Helper()
	return []byte(toJSON(t, map[string]any{"id": eventID, "type": classifieds.EventCheckoutCompleted,
		"data": map[string]any{"reference": order, "payment": "pay_" + eventID, "amount": amount, "currency": currency}}))
}

// invoicesDue returns the InvoiceDue items of an order.
func invoicesDue(t *testing.T, orderID string) []classifieds.InvoiceDue {
	t.Helper()
	out, err := db().Query(context.Background(), &dynamodb.QueryInput{TableName: aws.String(stack.Name("ClassifiedsTable")),
		ConsistentRead: aws.Bool(true), KeyConditionExpression: aws.String("pk = :pk AND sk = :sk"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S("INVOICEDUE"), ":sk": dynamo.S(orderID)}})
	if err != nil {
		t.Fatal(err)
	}
	var due []classifieds.InvoiceDue
	if err := dynamo.UnmarshalAll(out.Items, &due); err != nil {
		t.Fatal(err)
	}
	return due
}

func planValidUntil(t *testing.T, c *client) string {
	t.Helper()
	var a struct{ PlanValidUntil string }
	c.do(http.MethodGet, "/v1/me/advertiser", nil).json(t, &a)
	return a.PlanValidUntil
}

// buyPlan orders plan as c and pays it at the stand-in; it returns the order id.
func buyPlan(t *testing.T, c *client, plan string) string {
	t.Helper()
	r, p := orderPlan(t, c, plan)
	want(t, r, http.StatusCreated)
	if st, _ := checkout(t, p.CheckoutURL, "pay"); st != http.StatusOK {
		t.Fatalf("the webhook answered %d", st)
	}
	return p.OrderID
}

// Promise: HGK-6 — the validity of an advertiser's flat-rate plan is stored in the account.
// Promise: CP-4 — data goes to third parties only where a contract needs it, limited to the minimum, with consent.
// The whole path: the plans, an order with the consent, the checkout at the
// provider, its signed webhook; the order is paid, the plan valid three months
// from today and shown on the advertiser, the InvoiceDue written once with every
// field; the provider saw amount, currency, order id and return addresses only
// (no name, email, account or listing text); a double click and a repeated
// Idempotency-Key give one order; the webhook replayed (as sent, and re-signed)
// and a second event for the paid order change nothing.
func TestPlanPaymentWholePathHGK6CP4(t *testing.T) {
	a, email := signUp(t, "plan-buyer")
	acc := profile(t, a).ID
	want(t, patchAdvertiser(a, map[string]any{"name": "Erika Planvoll", "street": "Kajenweg 7", "city": "Kiel", "postalCode": "24103", "country": "DE"}), http.StatusOK)
	l := publish(t, a, map[string]any{"title": "Koje nach Gotland frei"})

	var plans struct {
		Plans          []classifieds.Plan
		FreeOffers     int
		ConsentVersion string
	}
	newClient(t).do(http.MethodGet, "/v1/plans", nil).json(t, &plans)
	if len(plans.Plans) != 2 || plans.Plans[0].ID != "flat-3m" || plans.Plans[0].AmountCents != 1900 || plans.Plans[0].Currency != "EUR" ||
		plans.FreeOffers != testFreeOffers || plans.ConsentVersion != classifieds.PaymentConsentVersion {
		t.Fatalf("plans %+v", plans)
	}

	// Without the consent, with an old one, or for no such plan: nothing is ordered.
	for body, field := range map[string]string{
		`{"plan":"flat-3m"}`:                            "consentVersion",
		`{"plan":"flat-3m","consentVersion":"2020-01"}`: "consentVersion",
		`{"plan":"gold","consentVersion":"` + classifieds.PaymentConsentVersion + `"}`: "plan",
	} {
		r := a.raw(http.MethodPost, "/v1/me/plan", "application/json", []byte(body), nil)
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != field {
			t.Fatalf("%s: %+v", body, p)
		}
	}
	want(t, newClientWithCSRF(t).do(http.MethodPost, "/v1/me/plan", map[string]any{"plan": "flat-3m"}), http.StatusUnauthorized)

	// A double click, five at once, and a repeated Idempotency-Key: one order.
	var wg sync.WaitGroup
	got := make([]placed, 5)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got[i] = orderPlan(t, a, "flat-3m")
		}()
	}
	wg.Wait()
	r, p := orderPlan(t, a, "flat-3m")
	want(t, r, http.StatusOK)
	for _, g := range got {
		if g.OrderID != p.OrderID || g.CheckoutURL != p.CheckoutURL {
			t.Fatalf("a double click made two orders: %+v and %+v", g, p)
		}
	}
	key := newKey()
	first := a.keyed(http.MethodPost, "/v1/me/plan", key, map[string]any{"plan": "flat-12m", "consentVersion": classifieds.PaymentConsentVersion})
	want(t, first, http.StatusCreated)
	wantReplayed(t, first, a.keyed(http.MethodPost, "/v1/me/plan", key, map[string]any{"plan": "flat-12m", "consentVersion": classifieds.PaymentConsentVersion}))

	o := orderOf(t, a, p.OrderID)
	if o.Status != classifieds.OrderOpen || o.AmountCents != 1900 || o.PlanName != plans.Plans[0].Name(o.Language) ||
		o.ConsentVersion != classifieds.PaymentConsentVersion || o.CheckoutURL == "" {
		t.Fatalf("open order %+v", o)
	}
	// Another's order, an unknown one, and no session: 404, 404, 401.
	b, _ := signUp(t, "plan-other")
	want(t, b.do(http.MethodGet, "/v1/me/orders/"+p.OrderID, nil), http.StatusNotFound, "not_found")
	want(t, a.do(http.MethodGet, "/v1/me/orders/"+ids.NewV7(time.Now()), nil), http.StatusNotFound, "not_found")
	want(t, newClient(t).do(http.MethodGet, "/v1/me/orders/"+p.OrderID, nil), http.StatusUnauthorized)
	want(t, a.do(http.MethodGet, "/v1/me/orders/"+strings.Repeat("9", 2000), nil), http.StatusNotFound, "not_found")
	want(t, a.do(http.MethodGet, "/v1/me/orders/%0D%0ABcc:x", nil), http.StatusNotFound, "not_found")
	// Without the CSRF proof nothing is ordered.
	want(t, a.raw(http.MethodPost, "/v1/me/plan", "application/json", []byte(`{"plan":"flat-3m","consentVersion":"`+classifieds.PaymentConsentVersion+`"}`),
		map[string]string{"X-CSRF-Token": "forged"}), http.StatusForbidden)

	// The hosted page, then paying: the webhook is processed.
	resp, err := http.Get(p.CheckoutURL) // #nosec G107 -- the stack's stand-in
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("checkout page %v %v", resp, err)
	}
	resp.Body.Close()
	if st, _ := checkout(t, p.CheckoutURL, "pay"); st != http.StatusOK {
		t.Fatalf("the webhook answered %d", st)
	}
	today := time.Now().UTC().Truncate(24 * time.Hour)
	until := today.AddDate(0, 3, 0).Format(time.DateOnly)
	o = orderOf(t, a, p.OrderID)
	if o.Status != classifieds.OrderPaid || o.PaidAt == nil || o.ValidFrom != today.Format(time.DateOnly) || o.ValidUntil != until || o.CheckoutURL != "" {
		t.Fatalf("paid order %+v", o)
	}
	if got := planValidUntil(t, a); got != until {
		t.Fatalf("advertiser shows planValidUntil %q, want %q", got, until)
	}
	due := invoicesDue(t, p.OrderID)
	if len(due) != 1 {
		t.Fatalf("%d InvoiceDue items", len(due))
	}
	d := due[0]
	if d.AccountID != acc || d.Plan != "flat-3m" || d.PlanName != o.PlanName || d.ValidFrom != o.ValidFrom || d.ValidUntil != until ||
		d.AmountCents != 1900 || d.Currency != "EUR" || d.PaidAt.IsZero() || !strings.HasPrefix(d.ProviderPaymentID, "pay_") || d.Language != o.Language {
		t.Fatalf("InvoiceDue %+v", d)
	}

	// CP-4: the provider received exactly amount, currency, reference, return
	// addresses and the session's end; nothing of the person or the listing.
	rec := providerRecord(t)
	var sent, hook string
	var hookSig string
	for _, s := range rec.Sessions {
		if strings.Contains(string(s.Body), p.OrderID) {
			sent = string(s.Body)
		}
	}
	for _, w := range rec.Webhooks {
		if strings.Contains(string(w.Body), p.OrderID) {
			hook, hookSig = string(w.Body), w.Signature
		}
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(sent), &fields); err != nil || len(fields) != 6 {
		t.Fatalf("the provider received %s", sent)
	}
	for _, k := range []string{"amount", "currency", "reference", "successUrl", "cancelUrl", "expiresAt"} {
		if _, ok := fields[k]; !ok {
			t.Fatalf("the provider's request lacks %s: %s", k, sent)
		}
	}
	all := toJSON(t, rec)
	for _, leak := range []string{email, acc, "Erika", "Planvoll", "Kajenweg", "Gotland", l.ID} {
		if strings.Contains(all, leak) {
			t.Fatalf("the provider received %q", leak)
		}
	}

	// The webhook replayed as sent, and re-signed now: duplicate, nothing changes.
	secret := paymentSecret(t)
	provider := newClient(t)
	again := provider.raw(http.MethodPost, "/v1/payments/webhook", "application/json", []byte(hook), map[string]string{classifieds.PaymentSignatureHeader: hookSig})
	want(t, again, http.StatusOK)
	if !strings.Contains(string(again.Body), classifieds.WebhookDuplicate) {
		t.Fatalf("replay answered %s", again.Body)
	}
	r = webhook(provider, secret, []byte(hook), time.Now())
	if r.Status != http.StatusOK || !strings.Contains(string(r.Body), classifieds.WebhookDuplicate) {
		t.Fatalf("re-signed replay answered %d %s", r.Status, r.Body)
	}
	// Another event for the paid order: 409, nothing changes.
	want(t, webhook(provider, secret, completed(t, "evt_second_"+ids.NewToken()[:8], p.OrderID, 1900, "EUR"), time.Now()), http.StatusConflict, "payment_order_not_open")
	if n := len(invoicesDue(t, p.OrderID)); n != 1 || planValidUntil(t, a) != until {
		t.Fatalf("after replays: %d InvoiceDue, plan until %s", n, planValidUntil(t, a))
	}
	// The paid session cannot be paid again at the provider.
	if st, _ := checkout(t, p.CheckoutURL, "pay"); st != http.StatusNotFound {
		t.Fatalf("paying a completed session answered %d", st)
	}

	// A second plan while the first is valid starts the day after it ends.
	var twelve placed
	first.json(t, &twelve)
	if st, _ := checkout(t, twelve.CheckoutURL, "pay"); st != http.StatusOK {
		t.Fatalf("the second webhook answered %d", st)
	}
	o = orderOf(t, a, twelve.OrderID)
	want12 := today.AddDate(0, 3, 0).AddDate(0, 12, 0).Format(time.DateOnly)
	if o.ValidFrom != today.AddDate(0, 3, 1).Format(time.DateOnly) || o.ValidUntil != want12 || planValidUntil(t, a) != want12 {
		t.Fatalf("second order %+v, plan until %s", o, planValidUntil(t, a))
	}
}

// Promise: HGK-6 — the validity of an advertiser's flat-rate plan is stored in the account.
// Forged, unsigned, stale, future and tampered webhooks, one for an unknown
// order, with another amount or currency, and malformed ones are refused and
// change nothing; another event type is ignored; only then the genuine one pays.
func TestPaymentWebhookRefusesForgedStaleUnknownAndTampered(t *testing.T) {
	a, _ := signUp(t, "plan-forge")
	r, p := orderPlan(t, a, "flat-3m")
	want(t, r, http.StatusCreated)
	secret := paymentSecret(t)
	provider := newClient(t)
	evt := "evt_" + ids.NewToken()[:16]
	good := completed(t, evt, p.OrderID, 1900, "EUR")

	want(t, webhook(provider, []byte("not the shared secret at all, no!"), good, time.Now()), http.StatusUnauthorized, "payment_signature_invalid")
	want(t, provider.raw(http.MethodPost, "/v1/payments/webhook", "application/json", good, nil), http.StatusUnauthorized, "payment_signature_invalid")
	want(t, webhook(provider, secret, good, time.Now().Add(-6*time.Minute)), http.StatusUnauthorized, "payment_signature_invalid")
	want(t, webhook(provider, secret, good, time.Now().Add(6*time.Minute)), http.StatusUnauthorized, "payment_signature_invalid")
	// Signed, then the amount changed on the way: the signature no longer fits.
	tampered := []byte(strings.Replace(string(good), `"amount":1900`, `"amount":1`, 1))
	want(t, provider.raw(http.MethodPost, "/v1/payments/webhook", "application/json", tampered,
		map[string]string{classifieds.PaymentSignatureHeader: hmacsig.Sign(secret, good, time.Now())}), http.StatusUnauthorized, "payment_signature_invalid")
	// Signed with the wrong amount or currency, for an unknown order, malformed.
	want(t, webhook(provider, secret, completed(t, evt, p.OrderID, 1, "EUR"), time.Now()), http.StatusUnprocessableEntity, "payment_amount_mismatch")
	want(t, webhook(provider, secret, completed(t, evt, p.OrderID, 1900, "USD"), time.Now()), http.StatusUnprocessableEntity, "payment_amount_mismatch")
	want(t, webhook(provider, secret, completed(t, evt, ids.NewV7(time.Now()), 1900, "EUR"), time.Now()), http.StatusNotFound, "payment_order_unknown")
	want(t, webhook(provider, secret, []byte("{not json"), time.Now()), http.StatusBadRequest, "invalid_json")
	want(t, webhook(provider, secret, completed(t, "evt\r\nBcc: x@example.org", p.OrderID, 1900, "EUR"), time.Now()), http.StatusBadRequest, "validation_failed")
	want(t, webhook(provider, secret, completed(t, "evt_"+ids.NewToken()[:8], "../"+p.OrderID, 1900, "EUR"), time.Now()), http.StatusBadRequest, "validation_failed")
	want(t, webhook(provider, secret, completed(t, "evt_"+ids.NewToken()[:8], strings.Repeat("9", 2000), 1900, "EUR"), time.Now()), http.StatusBadRequest, "validation_failed")
	want(t, webhook(provider, secret, []byte("ÿþ{}"), time.Now()), http.StatusBadRequest)
	other := []byte(toJSON(t, map[string]any{"id": "evt_other_" + ids.NewToken()[:8], "type": "payment_intent.created", "data": map[string]any{"reference": p.OrderID}}))
	if r := webhook(provider, secret, other, time.Now()); r.Status != http.StatusOK || !strings.Contains(string(r.Body), classifieds.WebhookIgnored) {
		t.Fatalf("another event type answered %d %s", r.Status, r.Body)
	}
	want(t, webhook(provider, secret, make([]byte, classifieds.MaxWebhookBody+1), time.Now()), http.StatusRequestEntityTooLarge)

	if o := orderOf(t, a, p.OrderID); o.Status != classifieds.OrderOpen || planValidUntil(t, a) != "" || len(invoicesDue(t, p.OrderID)) != 0 {
		t.Fatalf("a refused webhook changed something: %+v", o)
	}
	// The refused event id was not used up: the genuine event pays.
	if r := webhook(provider, secret, good, time.Now()); r.Status != http.StatusOK || !strings.Contains(string(r.Body), classifieds.WebhookProcessed) {
		t.Fatalf("the genuine webhook answered %d %s", r.Status, r.Body)
	}
	if orderOf(t, a, p.OrderID).Status != classifieds.OrderPaid || len(invoicesDue(t, p.OrderID)) != 1 {
		t.Fatal("the genuine webhook did not pay")
	}
}

// Promise: HGK-6 — the validity of an advertiser's flat-rate plan is stored in the account.
// Without a plan an advertiser may have FreeOffers offers published at once: one
// more is 403 plan_required at every publication path (signed in, confirmed by
// mail, an edit turning a search into an offer); searches stay free, an ended
// offer frees its place, and a paid plan lifts the limit.
func TestFreeOfferLimitAndThePlanLiftingItHGK6(t *testing.T) {
	a, email := signUp(t, "plan-limit")
	var offers []myListing
	for range testFreeOffers {
		offers = append(offers, publish(t, a, nil))
	}
	want(t, a.do(http.MethodPost, "/v1/listings", listingBody(nil)), http.StatusForbidden, "plan_required")
	search := publish(t, a, map[string]any{"kind": "search", "title": "Suche Koje"})
	want(t, a.do(http.MethodPatch, "/v1/listings/"+search.ID, map[string]any{"kind": "offer"}), http.StatusForbidden, "plan_required")
	// A listing sent without an account for this address, confirmed by mail.
	anon := newClientWithCSRF(t)
	want(t, anonymousListing(t, anon, email, nil), http.StatusAccepted)
	token := tokenFrom(t, mailTo(t, email, "Inserat"))
	want(t, anon.do(http.MethodPost, "/v1/listings/confirm", map[string]any{"token": token}), http.StatusForbidden, "plan_required")
	if ls, _ := myListings(t, a, ""); len(ls) != testFreeOffers+1 {
		t.Fatalf("%d listings after the refusals", len(ls))
	}
	// An ended offer frees its place.
	want(t, a.do(http.MethodDelete, "/v1/listings/"+offers[0].ID, nil), http.StatusNoContent)
	publish(t, a, nil)
	want(t, a.do(http.MethodPost, "/v1/listings", listingBody(nil)), http.StatusForbidden, "plan_required")

	buyPlan(t, a, "flat-3m")
	publish(t, a, nil)
	want(t, a.do(http.MethodPatch, "/v1/listings/"+search.ID, map[string]any{"kind": "offer"}), http.StatusOK)
	want(t, anon.do(http.MethodPost, "/v1/listings/confirm", map[string]any{"token": token}), http.StatusOK)
}

// Promise: HGK-16 — access without reason, deletion on request.
// Promise: HGK-6 — the validity of an advertiser's flat-rate plan is stored in the account.
// The export holds the orders (with the consent's version and time) and the plan's
// validity; an open order a day past its hour is swept; erasure deletes the orders
// and the validity, and the module exports nothing of them afterwards.
func TestPlanOrdersAreExportedSweptAndErased(t *testing.T) {
	a, email := signUp(t, "plan-erase")
	acc := profile(t, a).ID
	paid := buyPlan(t, a, "flat-3m")
	_, open := orderPlan(t, a, "flat-12m")
	d := toJSON(t, export(t, a).Categories)
	for _, s := range []string{classifieds.KindOrders, classifieds.KindPlan, paid, open.OrderID, "planValidUntil", "consentVersion"} {
		if !strings.Contains(d, s) {
			t.Fatalf("the export lacks %s: %s", s, d)
		}
	}
	later := time.Now().UTC().Add(classifieds.OrderTTL + classifieds.OrderGrace + time.Hour)
	for _, m := range sweepService(t, later).Modules {
		if m.Name() == "classifieds" {
			if _, err := m.Sweep(context.Background(), later, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	want(t, a.do(http.MethodGet, "/v1/me/orders/"+open.OrderID, nil), http.StatusNotFound)
	if orderOf(t, a, paid).Status != classifieds.OrderPaid {
		t.Fatal("the sweep took the paid order")
	}
	want(t, a.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	for _, m := range sweepService(t, time.Now().UTC()).Modules {
		if m.Name() != "classifieds" {
			continue
		}
		data, err := m.Export(context.Background(), privacy.Subject{AccountID: acc, Email: email})
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{classifieds.KindOrders, classifieds.KindPlan} {
			if s := toJSON(t, data[kind]); s != "null" && s != "[]" {
				t.Errorf("after erasure %s still exports %s", kind, s)
			}
		}
	}
	if n := len(itemsHolding(t, "ClassifiedsTable", "ORDER#"+paid)); n != 0 {
		t.Fatalf("the paid order is still stored (%d items)", n)
	}
}

// Orders are throttled per account: the 21st within the hour is 429 with
// Retry-After.
func TestPlanOrdersAreThrottled(t *testing.T) {
	a, _ := signUp(t, "plan-flood")
	for range 20 {
		if r, _ := orderPlan(t, a, "flat-3m"); r.Status/100 != 2 {
			t.Fatalf("order answered %d", r.Status)
		}
	}
	r, _ := orderPlan(t, a, "flat-3m")
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

// A flood of webhooks (forged here) from one address is stopped: past 600 in 15
// minutes it is 429 with Retry-After, before any signature is checked.
func TestPaymentWebhookFloodIsThrottled(t *testing.T) {
	forger := newClient(t)
	body := completed(t, "evt_flood", ids.NewV7(time.Now()), 1900, "EUR")
	var wg sync.WaitGroup
	jobs := make(chan int)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				webhook(forger, []byte("not the shared secret at all, no!"), body, time.Now())
			}
		}()
	}
	for i := range ratelimit.PaymentWebhook.Max {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	r := webhook(forger, []byte("not the shared secret at all, no!"), body, time.Now())
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}
