package integration

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/ids"
)

type alertOut struct {
	ID       string
	Criteria struct {
		Kind, Area, BoatType, From, To string
		Words                          []string
	}
	Frequency, Language string
	Paused              bool
}

// alertWord is a word no other test's listing or alert holds, so that the match
// index can be asked about this test's alerts only.
func alertWord() string {
	return fmt.Sprintf("kw%dx%d", time.Now().UnixNano()%1e9, seq.Add(1))
}

// alertBody is an anonymous alert for the word, changed by change.
func alertBody(email, word string, change map[string]any) map[string]any {
	tpl := stack.Template()
	b := map[string]any{"email": email, "language": "en", "frequency": "instant",
		"criteria":             map[string]any{"kind": "offer", "area": "baltic", "words": []string{word}},
		"acceptedTermsVersion": tpl.Parameters["TermsVersion"].Default, "acceptedPrivacyVersion": tpl.Parameters["PrivacyNoticeVersion"].Default}
	for k, v := range change {
		b[k] = v
	}
	return b
}

// activeAlerts are the alerts the match index holds for a Baltic offer with the
// word in its text: what a newly published listing would be mailed to.
func activeAlerts(t *testing.T, word string) []classifieds.Alert {
	t.Helper()
	l := classifieds.Listing{Kind: classifieds.KindOffer, Area: "baltic", BoatType: "sailing-yacht", From: "2026-07-01", To: "2026-07-10", Title: "Mitsegeln", Text: "Ostsee " + word}
	var out []classifieds.Alert
	if err := classifiedsStore().EachMatchingAlert(context.Background(), l, func(a classifieds.Alert) error { out = append(out, a); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// Promise: HGK-2 — an account is created when the address of an alert is
// confirmed. Promise: HGK-3 — alerts by mail are something one asks for.
// Without an account an alert waits for the mailed link (202, nothing active);
// the link makes it active once, as the address's new account, which signs in
// by link; a replayed, unknown or lapsed link is a clear problem and changes
// nothing.
func TestAlertWithoutAccountNeedsConfirmation(t *testing.T) {
	email, word := newEmail("alert-anon"), alertWord()
	for _, c := range []struct {
		change      map[string]any
		field, code string
	}{
		{map[string]any{"email": "nope"}, "email", "invalid_email"},
		{map[string]any{"email": "x@example.org\r\nBcc: victim@example.org"}, "email", "invalid_email"},
		{map[string]any{"language": "fr"}, "language", "invalid_value"},
		{map[string]any{"frequency": "hourly"}, "frequency", "invalid_value"},
		{map[string]any{"criteria": map[string]any{"kind": "offer", "area": "moon"}}, "area", "invalid_value"},
		{map[string]any{"criteria": map[string]any{"kind": "offer", "words": []string{"a b c d e f"}}}, "words", "too_short"},
		{map[string]any{"criteria": map[string]any{"kind": "offer", "words": []string{"eins zwei drei vier fünf sechs"}}}, "words", "alert_too_many_words"},
		{map[string]any{"acceptedTermsVersion": ""}, "acceptedTermsVersion", "required"},
	} {
		r := withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(email, word, c.change))
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code {
			t.Errorf("%v: errors %+v, want %s %s", c.change, p.Errors, c.field, c.code)
		}
	}
	// Criteria that match every offer are refused.
	r := withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(email, word, map[string]any{"criteria": map[string]any{"kind": "offer"}}))
	want(t, r, http.StatusBadRequest, "alert_too_broad")

	anon := withCSRF(t)
	r = anon.do(http.MethodPost, "/v1/alerts", alertBody(email, word, nil))
	want(t, r, http.StatusAccepted)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("the alert without an account set cookies %v", sc)
	}
	if as := activeAlerts(t, word); len(as) != 0 {
		t.Fatalf("an unconfirmed alert is active: %+v", as)
	}
	m := mailTo(t, email, "confirm your alert")
	if !strings.Contains(m.Text, "/en/classifieds/alerts/confirm?token=") {
		t.Fatalf("the mail's link: %s", m.Text)
	}
	token := tokenFrom(t, m)
	want(t, anon.do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": "garbage"}), http.StatusBadRequest, "alert_link_invalid")
	want(t, anon.do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": ids.NewToken()}), http.StatusBadRequest, "alert_link_invalid")
	if as := activeAlerts(t, word); len(as) != 0 {
		t.Fatalf("an unconfirmed alert is active: %+v", as)
	}

	r = anon.do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": token})
	want(t, r, http.StatusCreated)
	var a alertOut
	r.json(t, &a)
	if a.Criteria.Area != "baltic" || len(a.Criteria.Words) != 1 || a.Criteria.Words[0] != word || a.Frequency != "instant" || a.Language != "en" {
		t.Fatalf("the confirmed alert %s", r.Body)
	}
	want(t, anon.do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": token}), http.StatusBadRequest, "alert_link_invalid")
	as := activeAlerts(t, word)
	if len(as) != 1 || as[0].ID != a.ID || !ids.ValidV7(as[0].AccountID) {
		t.Fatalf("active after the confirmation: %+v", as)
	}

	// HGK-2: the account exists and signs in by link; its alerts show the one.
	c := newClient(t)
	want(t, requestLink(t, c, email, "en"), http.StatusAccepted)
	want(t, useLink(c, tokenFrom(t, mailTo(t, email, "sign-in link"))), http.StatusCreated)
	if got := profile(t, c).ID; got != as[0].AccountID {
		t.Fatalf("signed in as %q, the alert is %q's", got, as[0].AccountID)
	}
	if mine := getAs[struct{ Alerts []alertOut }](t, c, "/v1/me/alerts"); len(mine.Alerts) != 1 || mine.Alerts[0].ID != a.ID {
		t.Fatalf("my alerts %+v", mine)
	}

	// A lapsed link: refused, and nothing becomes active.
	raw, late := ids.NewToken(), alertWord()
	past := time.Now().UTC().Add(-time.Minute)
	if err := classifiedsStore().AddPendingAlert(context.Background(), classifieds.PendingAlert{Digest: ids.Digest(raw),
		Criteria:  classifieds.AlertCriteria{Kind: classifieds.KindOffer, Area: "baltic", Words: []string{late}},
		Frequency: classifieds.FrequencyDaily, Email: newEmail("late-alert"), Language: "de", CreatedAt: past.Add(-72 * time.Hour), ExpiresAt: past}); err != nil {
		t.Fatal(err)
	}
	want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts/confirm", map[string]any{"token": raw}), http.StatusBadRequest, "alert_link_expired")
	if as := activeAlerts(t, late); len(as) != 0 {
		t.Fatalf("the lapsed alert became active: %+v", as)
	}
}

// Promise: HGK-3 — one's alerts are one's own to list, change, pause and delete.
// Signed in, an alert is active at once (no mail); another account's alert is
// 404 for every route, as an unknown id; a paused alert leaves the match index.
func TestMyAlertsAreMineOnly(t *testing.T) {
	owner, ownerEmail := signUp(t, "alert-owner")
	other, _ := signUp(t, "alert-other")
	word := alertWord()
	body := map[string]any{"language": "de", "frequency": "daily", "criteria": map[string]any{"kind": "offer", "area": "baltic", "words": []string{strings.ToUpper(word)}}}
	before := mailCount(t, ownerEmail)
	r := owner.do(http.MethodPost, "/v1/me/alerts", body)
	want(t, r, http.StatusCreated)
	var a alertOut
	r.json(t, &a)
	if a.Criteria.Words[0] != word || a.Frequency != "daily" {
		t.Fatalf("created %s", r.Body)
	}
	if as := activeAlerts(t, word); len(as) != 1 || as[0].ID != a.ID || as[0].Frequency != "daily" || as[0].Language != "de" {
		t.Fatalf("active at once: %+v", as)
	}
	want(t, owner.do(http.MethodPost, "/v1/me/alerts", map[string]any{"language": "de", "frequency": "daily", "criteria": map[string]any{"kind": "search"}}), http.StatusBadRequest, "alert_too_broad")
	want(t, newClient(t).do(http.MethodPost, "/v1/me/alerts", body), http.StatusUnauthorized)

	if mine := getAs[struct{ Alerts []alertOut }](t, other, "/v1/me/alerts"); len(mine.Alerts) != 0 {
		t.Fatalf("another's list shows %+v", mine)
	}
	for _, id := range []string{a.ID, ids.NewV7(time.Now()), "not-an-id"} {
		want(t, other.do(http.MethodPatch, "/v1/me/alerts/"+id, map[string]any{"paused": true}), http.StatusNotFound, "not_found")
		want(t, other.do(http.MethodDelete, "/v1/me/alerts/"+id, nil), http.StatusNotFound, "not_found")
	}
	if as := activeAlerts(t, word); len(as) != 1 {
		t.Fatalf("another's change reached the alert: %+v", as)
	}

	r = owner.do(http.MethodPatch, "/v1/me/alerts/"+a.ID, map[string]any{"paused": true, "frequency": "instant"})
	want(t, r, http.StatusOK)
	r.json(t, &a)
	if !a.Paused || a.Frequency != "instant" {
		t.Fatalf("paused %s", r.Body)
	}
	if as := activeAlerts(t, word); len(as) != 0 {
		t.Fatalf("a paused alert is active: %+v", as)
	}
	want(t, owner.do(http.MethodPatch, "/v1/me/alerts/"+a.ID, map[string]any{"criteria": map[string]any{"kind": "offer"}}), http.StatusBadRequest, "alert_too_broad")
	want(t, owner.do(http.MethodPatch, "/v1/me/alerts/"+a.ID, map[string]any{"paused": false}), http.StatusOK)
	if as := activeAlerts(t, word); len(as) != 1 {
		t.Fatalf("a resumed alert is not active: %+v", as)
	}
	want(t, owner.do(http.MethodDelete, "/v1/me/alerts/"+a.ID, nil), http.StatusNoContent)
	want(t, owner.do(http.MethodDelete, "/v1/me/alerts/"+a.ID, nil), http.StatusNotFound, "not_found")
	if as := activeAlerts(t, word); len(as) != 0 {
		t.Fatalf("a deleted alert is active: %+v", as)
	}
	if n := mailCount(t, ownerEmail); n != before {
		t.Fatalf("signed-in alerts mailed %d messages", n-before)
	}
}

// An account holds at most 20 alerts.
func TestAlertsPerAccountAreCapped(t *testing.T) {
	c, _ := signUp(t, "alert-cap")
	for i := range classifieds.MaxAlerts {
		want(t, c.do(http.MethodPost, "/v1/me/alerts", map[string]any{"language": "en", "frequency": "instant",
			"criteria": map[string]any{"kind": "search", "words": []string{fmt.Sprintf("cap%dword", i)}}}), http.StatusCreated)
	}
	want(t, c.do(http.MethodPost, "/v1/me/alerts", map[string]any{"language": "en", "frequency": "instant",
		"criteria": map[string]any{"kind": "search", "area": "inland"}}), http.StatusConflict, "too_many_alerts")
}

// Promise: HGK-3 — erasure removes every alert, so no mail goes out after it;
// the export shows them before. A pending alert of the address goes too.
func TestAlertsGoWithTheAccount(t *testing.T) {
	c, email := signUp(t, "alert-erase")
	id := profile(t, c).ID
	word := alertWord()
	want(t, c.do(http.MethodPost, "/v1/me/alerts", map[string]any{"language": "en", "frequency": "instant",
		"criteria": map[string]any{"kind": "offer", "area": "baltic", "words": []string{word}}}), http.StatusCreated)
	want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(email, word, map[string]any{"frequency": "daily"})), http.StatusAccepted)
	if ps, err := classifiedsStore().PendingAlertsOf(context.Background(), email); err != nil || len(ps) != 1 {
		t.Fatalf("pending alerts of the address %+v %v", ps, err)
	}
	d := toJSON(t, export(t, c).Categories)
	if !strings.Contains(d, classifieds.KindAlerts) || !strings.Contains(d, classifieds.KindPendingAlerts) || strings.Count(d, word) != 2 {
		t.Fatalf("the export lacks the alerts")
	}
	if len(activeAlerts(t, word)) != 1 {
		t.Fatal("no active alert before the erasure")
	}

	want(t, c.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if as := activeAlerts(t, word); len(as) != 0 {
		t.Fatalf("alerts active after the erasure: %+v", as)
	}
	if n := len(classifiedsItemsNaming(t, id)); n != 0 {
		t.Fatalf("%d items of the erased account remain", n)
	}
	if ps, err := classifiedsStore().PendingAlertsOf(context.Background(), email); err != nil || len(ps) != 0 {
		t.Fatalf("pending alerts after the erasure %+v %v", ps, err)
	}
}

// A flood of alerts from one client is throttled (429 with Retry-After), as a
// signed-in account's flood of changes is; alerts
// for one address from many clients store and mail at most five an hour, with
// the same 202, so the form cannot be used to flood an inbox.
func TestAlertFloodIsThrottled(t *testing.T) {
	flooder := withCSRF(t)
	for range 10 {
		want(t, flooder.do(http.MethodPost, "/v1/alerts", alertBody("nope", "x", nil)), http.StatusBadRequest, "validation_failed")
	}
	r := flooder.do(http.MethodPost, "/v1/alerts", alertBody(newEmail("alert-flood"), alertWord(), nil))
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}

	// Signed in, creations and changes together: 60 an hour per account.
	c, _ := signUp(t, "alert-writer")
	r = c.do(http.MethodPost, "/v1/me/alerts", map[string]any{"language": "en", "frequency": "instant", "criteria": map[string]any{"kind": "offer", "area": "inland"}})
	want(t, r, http.StatusCreated)
	var a alertOut
	r.json(t, &a)
	for i := range 59 {
		want(t, c.do(http.MethodPatch, "/v1/me/alerts/"+a.ID, map[string]any{"paused": i%2 == 0}), http.StatusOK)
	}
	r = c.do(http.MethodPatch, "/v1/me/alerts/"+a.ID, map[string]any{"paused": true})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}

	victim := newEmail("alert-victim")
	for range 7 {
		want(t, withCSRF(t).do(http.MethodPost, "/v1/alerts", alertBody(victim, alertWord(), nil)), http.StatusAccepted)
	}
	if ps, err := classifiedsStore().PendingAlertsOf(context.Background(), victim); err != nil || len(ps) != 5 {
		t.Fatalf("%d pending alerts for one address, want 5 (%v)", len(ps), err)
	}
	mailTo(t, victim, "confirm your alert")
	if n := mailCount(t, victim); n > 5 {
		t.Fatalf("%d mails to one address", n)
	}
}
