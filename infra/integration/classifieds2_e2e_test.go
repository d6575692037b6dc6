package integration

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/ids"
	"kontor/shared/spam"
)

// These tests join the parts of the classifieds' second stage through HTTP
// only, as a person and the schedules meet them: the replies function's
// withheld reply is the one the review queue shows; the payment webhook's paid
// order is the one the invoice issuer issues; the alert confirmed through its
// mail is the one the matching mails.

// Promise: HGK-9 — a reply without an account is stored for the advertiser and
// mailed to them. Promise: HGK-10 — clear spam is withheld, the advertiser has it
// reviewed, staff see the filter's score and clues and release it, and it then
// arrives as mail and in the advertiser's list as if never withheld; the
// replier's "no reaction" report through the link in their copy queues it too.
func TestE2ESpamReplyWithheldReviewedAndReleasedHGK9HGK10(t *testing.T) {
	adv, advEmail := signUp(t, "e2e-reply-adv")
	l := publish(t, adv, map[string]any{"title": "Kattegat " + ids.NewToken()[:6]})
	c := replier(t)
	from := newEmail("e2e-spammer")
	id := sentReply(t, c, l.ID, "Lottery Office", from, spamReply)

	// Withheld: the replier's receipt carries the link, the advertiser gets no
	// mail and no entry.
	linkID, token := replyLink(t, mailTo(t, from, "Your reply on HandGegenKoje.de"))
	if linkID != id {
		t.Fatalf("the copy's link names %s, the reply is %s", linkID, id)
	}
	mailsBefore := mailCount(t, advEmail)
	if n := len(alertMails(t, advEmail, l.Title)); n != 0 {
		t.Fatalf("the withheld reply was mailed to the advertiser (%d)", n)
	}
	if rs := myReplies(t, adv); len(rs) != 0 {
		t.Fatalf("the withheld reply is listed: %+v", rs)
	}

	// The replier had no reaction: the link's id and token queue the reply.
	noReaction := func() string {
		t.Helper()
		r := c.do(http.MethodPost, "/v1/replies/"+linkID+"/no-reaction", map[string]any{"token": token})
		want(t, r, http.StatusOK)
		var out struct{ Status string }
		r.json(t, &out)
		return out.Status
	}
	if s := noReaction(); s != classifieds.NoReactionInReview {
		t.Fatalf("no-reaction on the withheld reply: %q", s)
	}
	// The advertiser asks as well: the one withheld reply, with both reasons.
	if n := requestReview(t, adv); n != 1 {
		t.Fatalf("the advertiser's request queued %d", n)
	}
	staff := staffClient(t)
	reasons, d, found := queuedReply(t, staff, id)
	if !found {
		t.Fatal("the reply withheld through HTTP is not in the staff's queue")
	}
	if len(reasons) != 2 || d.Outcome != spam.Spam || d.Score <= d.Thresholds.Spam || len(d.Features) == 0 || d.Features[0].Token == "" {
		t.Fatalf("queued with reasons %v and decision %+v", reasons, d)
	}

	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+id+"/release", nil), http.StatusNoContent)
	m := mailTo(t, advEmail, l.Title)
	if !strings.Contains(m.Text, "win-prize.top") || !strings.Contains(m.Headers["Reply-To"], from) {
		t.Fatalf("the released reply's mail %+v", m)
	}
	time.Sleep(time.Second)
	if n := mailCount(t, advEmail); n != mailsBefore+1 {
		t.Fatalf("the advertiser got %d mails, want %d", n, mailsBefore+1)
	}
	rs := myReplies(t, adv)
	if len(rs) != 1 || rs[0].ID != id || rs[0].Message != spamReply || rs[0].Email != from {
		t.Fatalf("the advertiser's replies after the release: %+v", rs)
	}
	if s := noReaction(); s != classifieds.NoReactionDelivered {
		t.Fatalf("no-reaction after the release: %q", s)
	}
}

// Promise: HGK-6 — the plan's validity is stored in the account. Promise: CP-4 —
// the provider gets only what the payment needs. Promise: HGK-4 — the invoice is
// addressed to the billing address given.
// An order paid at the stand-in provider through its signed webhook becomes,
// after the issuer's run, an invoice listed and downloadable with the billing
// address in its PDF; the webhook replayed issues no second invoice.
func TestE2EPaidPlanBecomesInvoiceHGK6HGK4CP4(t *testing.T) {
	a, _ := signUp(t, "e2e-invoice")
	want(t, patchAdvertiser(a, map[string]any{"salutation": "ms", "name": "Wiebke Tönnies", "street": "Lotsenweg 3", "postalCode": "25761", "city": "Büsum", "country": "DE"}), http.StatusOK)
	order := buyPlan(t, a, "flat-3m")
	o := orderOf(t, a, order)
	if o.Status != classifieds.OrderPaid || planValidUntil(t, a) != o.ValidUntil {
		t.Fatalf("paid order %+v, plan until %s", o, planValidUntil(t, a))
	}
	issueNow(t)
	invs, _ := myInvoices(t, a, "")
	if len(invs) != 1 || invs[0].AmountCents != o.AmountCents || invs[0].Currency != "EUR" || invs[0].ValidFrom != o.ValidFrom ||
		invs[0].ValidUntil != o.ValidUntil || invs[0].PlanName != o.PlanName {
		t.Fatalf("invoices %+v for order %+v", invs, o)
	}
	pdf := invoicePDF(t, a, invs[0].Number)
	amount := "(19,00 EUR)"
	if o.Language == "en" {
		amount = "(19.00 EUR)"
	}
	for _, s := range []string{"(Wiebke T", "(Lotsenweg 3)", "25761 B", "(" + invs[0].Number + ")", amount} {
		if !bytes.Contains(pdf, []byte(s)) {
			t.Errorf("the PDF (%s) lacks %s", o.Language, s)
		}
	}

	// The provider's webhook for this order, replayed as sent: nothing new is due
	// and the next run issues nothing.
	var hook, sig string
	for _, w := range providerRecord(t).Webhooks {
		if strings.Contains(string(w.Body), order) {
			hook, sig = string(w.Body), w.Signature
		}
	}
	if hook == "" {
		t.Fatal("the provider sent no webhook for the order")
	}
	r := newClient(t).raw(http.MethodPost, "/v1/payments/webhook", "application/json", []byte(hook), map[string]string{classifieds.PaymentSignatureHeader: sig})
	want(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), classifieds.WebhookDuplicate) || len(invoicesDue(t, order)) != 0 {
		t.Fatalf("the replay answered %s", r.Body)
	}
	issueNow(t)
	if again, _ := myInvoices(t, a, ""); len(again) != 1 {
		t.Fatalf("a replayed webhook issued again: %+v", again)
	}
}

// Promise: HGK-2 — an alert asked for without an account becomes active through
// the mailed link (creating the account); a listing another account publishes
// that matches is mailed after the matching's run, with the RFC 8058 headers
// (HGK-3), and the one-click POST ends the alert.
func TestE2EAlertConfirmedMatchedAndUnsubscribedHGK2(t *testing.T) {
	email, word := newEmail("e2e-alert"), alertWord()
	anon := withCSRF(t)
	want(t, anon.do(http.MethodPost, "/v1/alerts", alertBody(email, word, nil)), http.StatusAccepted)
	want(t, anon.do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": tokenFrom(t, mailTo(t, email, "confirm your alert"))}), http.StatusCreated)
	as := activeAlerts(t, word)
	if len(as) != 1 {
		t.Fatalf("active alerts %+v", as)
	}

	adv, _ := signUp(t, "e2e-alert-adv")
	title := "Koje Ostsee " + word
	l := publish(t, adv, map[string]any{"title": title})
	matchNow(t)
	m := mailTo(t, email, title)
	if !strings.Contains(m.Text, "/en/listings/listing?id="+l.ID) {
		t.Fatalf("the alert mail %s\n%s", m.Subject, m.Text)
	}
	link := unsubscribeLink(t, m) // checks List-Unsubscribe and List-Unsubscribe-Post
	want(t, oneClick(t, link), http.StatusOK)
	if alertExists(t, as[0].AccountID, as[0].ID) || len(activeAlerts(t, word)) != 0 {
		t.Fatal("the one-click POST did not end the alert")
	}
}
