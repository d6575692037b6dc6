package integration

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/infra/local"
	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

// activeAlert stores a confirmed, active alert of c's account (as the
// subscription routes do after the double opt-in) and returns its id.
func activeAlert(t *testing.T, c *client, frequency string, crit classifieds.AlertCriteria) (accountID, alertID string) {
	t.Helper()
	crit, err := crit.Validate()
	if err != nil {
		t.Fatalf("criteria: %v", err)
	}
	now := time.Now().UTC()
	a := classifieds.Alert{ID: ids.NewV7(now), AccountID: profile(t, c).ID, Criteria: crit, Frequency: frequency,
		Language: "de", CreatedAt: now, ConfirmedAt: now}
	if err := classifiedsStore().AddAlert(context.Background(), a, classifieds.MaxAlerts); err != nil {
		t.Fatal(err)
	}
	return a.AccountID, a.ID
}

// alertExists tells whether the alert is still stored.
func alertExists(t *testing.T, accountID, alertID string) bool {
	t.Helper()
	_, err := classifiedsStore().Alert(context.Background(), accountID, alertID)
	if err != nil && !errors.Is(err, classifieds.ErrNoAlert) {
		t.Fatal(err)
	}
	return err == nil
}

// matchNow and digestNow run the alert functions once, as their schedules would.
func matchNow(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "AlertMatchFunction"); err != nil {
		t.Fatal(err)
	}
}

func digestNow(t *testing.T) {
	t.Helper()
	if err := stack.TriggerSchedule(context.Background(), "AlertDigestFunction"); err != nil {
		t.Fatal(err)
	}
}

// alertMails are the mails to addr whose subject or text holds what.
func alertMails(t *testing.T, addr, what string) []local.Mail {
	t.Helper()
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []local.Mail
	for _, m := range ms {
		if len(m.To) == 1 && strings.EqualFold(m.To[0], addr) && strings.Contains(m.Subject+m.Text, what) {
			out = append(out, m)
		}
	}
	return out
}

// Promise: HGK-2 — alerts for new listings: each newly published listing is
// matched against the active alerts; an instant alert gets one mail per matching
// listing, a daily alert one digest.
// Promise: HGK-3 — every alert mail can be stopped with one click without
// signing in (RFC 8058).
// A listing matching an instant alert (area, words, dates) mails its subscriber
// once, in the alert's language, with title, trip and link and nothing of the
// advertiser; a listing that does not match mails no one; the advertiser's own
// alert is not told of their own listing; a second run doubles nothing. The daily
// alert gets one digest naming the listing, and a second digest run sends none.
// The mail's one-click link: a GET asks and changes nothing, the POST ends the
// alert without a session, a second POST and a forged token answer the same and
// change nothing.
func TestAlertMatchMailsInstantAndDailyOnce(t *testing.T) {
	adv, advEmail := signUp(t, "alert-adv")
	inst, instEmail := signUp(t, "alert-inst")
	daily, dailyEmail := signUp(t, "alert-daily")
	late, lateEmail := signUp(t, "alert-late")
	w := uniqueWord("kojenwal")
	instAcc, instAlert := activeAlert(t, inst, classifieds.FrequencyInstant,
		classifieds.AlertCriteria{Kind: classifieds.KindOffer, Area: "baltic", Words: []string{w}})
	activeAlert(t, daily, classifieds.FrequencyDaily,
		classifieds.AlertCriteria{Kind: classifieds.KindOffer, BoatType: "sailing-yacht", From: day(15), To: day(40), Words: []string{w}})
	activeAlert(t, adv, classifieds.FrequencyInstant, classifieds.AlertCriteria{Kind: classifieds.KindOffer, Words: []string{w}})
	// Dates after the trip, and the other kind: no match.
	activeAlert(t, late, classifieds.FrequencyInstant, classifieds.AlertCriteria{Kind: classifieds.KindOffer, From: day(60), Words: []string{w}})
	activeAlert(t, late, classifieds.FrequencyInstant, classifieds.AlertCriteria{Kind: classifieds.KindSearch, Words: []string{w}})

	title := "Koje frei " + w
	l := publish(t, adv, map[string]any{"title": title})
	other := publish(t, adv, map[string]any{"title": "Ganz anderer Törn " + uniqueWord("x")})
	matchNow(t)
	matchNow(t) // nothing doubled
	m := mailTo(t, instEmail, title)
	for _, s := range []string{"Neues Inserat", "/de/listings/listing?id=" + l.ID, day(10), day(20), "/v1/alerts/unsubscribe?token="} {
		if !strings.Contains(m.Subject+m.Text, s) {
			t.Fatalf("mail lacks %q: %s\n%s", s, m.Subject, m.Text)
		}
	}
	if strings.Contains(m.Text, advEmail) || strings.Contains(m.Text, "Zwei Kojen") {
		t.Fatalf("mail carries the advertiser's address or the text: %s", m.Text)
	}
	time.Sleep(time.Second)
	if n := len(alertMails(t, instEmail, w)); n != 1 {
		t.Fatalf("the instant subscriber got %d mails", n)
	}
	if n := len(alertMails(t, instEmail, other.ID)); n != 0 {
		t.Fatalf("a listing that does not match was mailed")
	}
	for _, addr := range []string{advEmail, lateEmail, dailyEmail} {
		if n := len(alertMails(t, addr, w)); n != 0 {
			t.Fatalf("%s got %d alert mails before the digest", addr, n)
		}
	}

	digestNow(t)
	d := mailTo(t, dailyEmail, "HandGegenKoje")
	if !strings.Contains(d.Text, title) || !strings.Contains(d.Text, "/de/listings/listing?id="+l.ID) || d.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Fatalf("digest %s\n%s\n%v", d.Subject, d.Text, d.Headers)
	}
	digestNow(t)
	time.Sleep(time.Second)
	if n := len(alertMails(t, dailyEmail, w)); n != 1 {
		t.Fatalf("the daily subscriber got %d digests", n)
	}

	link := unsubscribeLink(t, m)
	if !strings.HasPrefix(link, classifieds.AlertUnsubscribePath+"?token=") {
		t.Fatalf("link %s", link)
	}
	r := newClient(t).raw(http.MethodGet, link, "", nil, nil)
	want(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `method="post"`) || !alertExists(t, instAcc, instAlert) {
		t.Fatalf("GET of the link: %s", r.Body)
	}
	done := oneClick(t, link)
	want(t, done, http.StatusOK)
	if alertExists(t, instAcc, instAlert) {
		t.Fatal("the one-click link did not end the alert")
	}
	for _, again := range []string{link, classifieds.AlertUnsubscribePath + "?token=" + ids.NewToken(), classifieds.AlertUnsubscribePath + "?token=forged"} {
		r := oneClick(t, again)
		want(t, r, http.StatusOK)
		if string(r.Body) != string(done.Body) {
			t.Fatalf("%s answers differently: %s", again, r.Body)
		}
	}
	// Ended: the next matching listing mails no one.
	publish(t, adv, map[string]any{"title": "Noch eine Koje " + w})
	matchNow(t)
	time.Sleep(time.Second)
	if n := len(alertMails(t, instEmail, w)); n != 1 {
		t.Fatalf("an ended alert got mail: %d", n)
	}
}

// Promise: HGK-2 — a listing no longer public when its turn comes mails no one;
// a listing confirmed through the mailed link (sent without an account) is
// matched like one published signed in.
func TestAlertMatchSkipsEndedListingsAndMatchesConfirmedOnes(t *testing.T) {
	adv, _ := signUp(t, "alert-end-adv")
	sub, subEmail := signUp(t, "alert-end-sub")
	w := uniqueWord("endwal")
	activeAlert(t, sub, classifieds.FrequencyInstant, classifieds.AlertCriteria{Kind: classifieds.KindOffer, Words: []string{w}})
	l := publish(t, adv, map[string]any{"title": "Gleich beendet " + w})
	want(t, adv.do(http.MethodDelete, "/v1/listings/"+l.ID, nil), http.StatusNoContent)

	anon := newClient(t)
	anon.csrf()
	email := newEmail("alert-anon")
	want(t, anonymousListing(t, anon, email, map[string]any{"title": "Bestätigt " + w}), http.StatusAccepted)
	confirmed, _ := confirmListing(t, anon, email)
	matchNow(t)
	mailTo(t, subEmail, "Bestätigt "+w)
	time.Sleep(time.Second)
	if ms := alertMails(t, subEmail, w); len(ms) != 1 || !strings.Contains(ms[0].Text, confirmed) {
		t.Fatalf("mails %d, want one about the confirmed listing only", len(ms))
	}
	if _, err := classifiedsStore().AlertJob(context.Background(), l.ID); !errors.Is(err, classifieds.ErrNotFound) {
		t.Fatalf("the ended listing's job is still queued: %v", err)
	}
}

// Promise: HGK-3 — what the alert delivery keeps of a subscriber (matches waiting
// for the digest, the one-click links) is in the export and goes with the
// erasure; a digest of an erased account mails no one.
func TestAlertDeliveryGoesWithTheAccount(t *testing.T) {
	adv, _ := signUp(t, "alert-erase-adv")
	sub, subEmail := signUp(t, "alert-erase-sub")
	w := uniqueWord("erasewal")
	acc, instAlert := activeAlert(t, sub, classifieds.FrequencyInstant, classifieds.AlertCriteria{Kind: classifieds.KindOffer, Words: []string{w}})
	_, dailyAlert := activeAlert(t, sub, classifieds.FrequencyDaily, classifieds.AlertCriteria{Kind: classifieds.KindOffer, Area: "baltic", Words: []string{w}})
	publish(t, adv, map[string]any{"title": "Exportierte Koje " + w})
	matchNow(t)
	mailTo(t, subEmail, w)
	time.Sleep(time.Second)
	before := len(alertMails(t, subEmail, w))
	data := ""
	for _, cat := range export(t, sub).Categories {
		if cat.ID == classifieds.KindAlertDigest || cat.ID == classifieds.KindAlertLinks {
			data += toJSON(t, cat.Data)
		}
	}
	if !strings.Contains(data, dailyAlert) || !strings.Contains(data, instAlert) {
		t.Fatalf("the export lacks the waiting match or the link: %s", data)
	}
	want(t, sub.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	for _, it := range itemsHolding(t, "ClassifiedsTable", acc) {
		pk := dynamo.String(it, dynamo.PK)
		if pk == "DIGEST" || strings.HasPrefix(pk, "ALERTUNSUB#") || strings.HasPrefix(dynamo.String(it, dynamo.SK), "ALERTUNSUB#") {
			t.Fatalf("an alert delivery item names the erased account: %s / %s", pk, dynamo.String(it, dynamo.SK))
		}
	}
	digestNow(t)
	time.Sleep(time.Second)
	if n := len(alertMails(t, subEmail, w)); n != before {
		t.Fatalf("an erased account got a digest")
	}
}
