package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/ids"
	"kontor/shared/spam"
)

// The withheld replies in these tests are stored as the replies function stores
// them (classifieds.ReplyStore.PutReply) with the real filter's decision: the
// review starts where the filter ended.

const (
	reviewSpamReply = "CONGRATULATIONS!!! You have WON $1,000,000 USD in our international lottery. " +
		"Claim your prize now at http://win-prize.top/claim?id=777 and send your bank account details. " +
		"Bitcoin wallet bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh. Click here: http://cheap-meds.top/buy"
	reviewHamReply = "Hallo, ich habe Ihr Inserat gelesen und hätte Interesse an der Koje vom 10. bis 20. " +
		"Ich segle seit fünf Jahren, habe den SKS und war schon zweimal auf der Ostsee unterwegs. Viele Grüße, Jana"
)

// storedReply stores a reply to listing l of advertiser as the replies function
// does: checked by the filter, withheld when clear spam (kept 14 days), delivered
// otherwise. It returns the reply and the replier's link token.
func storedReply(t *testing.T, l myListing, advertiser, message string) (classifieds.Reply, string) {
	t.Helper()
	now := time.Now().UTC()
	token := ids.NewToken()
	email := newEmail("replier")
	d, err := spam.Classify(message, spam.Meta{Name: "Replier", Email: email})
	if err != nil {
		t.Fatal(err)
	}
	r := classifieds.Reply{ID: ids.NewV7(now), Recipient: advertiser, ListingID: l.ID, ListingTitle: l.Title,
		Name: "Replier", Email: email, Message: message, Language: "de", CreatedAt: now, TokenDigest: ids.Digest(token), Decision: d}
	if d.Withheld() {
		exp := now.Add(classifieds.DefaultWithheldFor)
		r.Status, r.ExpiresAt = classifieds.ReplyWithheld, &exp
	} else {
		r.Status, r.DeliveredAt = classifieds.ReplyDelivered, &now
	}
	if err := classifiedsStore().PutReply(context.Background(), r); err != nil {
		t.Fatal(err)
	}
	return r, token
}

type reviewQueuePage struct {
	Replies []struct {
		ID, ListingID, ListingTitle, Name, Email, Message string
		SentAt, QueuedAt                                  time.Time
		KeptUntil                                         *time.Time
		Decision                                          spam.Decision
		Reasons                                           []string
	}
	Next string
}

// queuedReply finds a reply in the staff's queue (reading every page).
func queuedReply(t *testing.T, staff *client, id string) (reasons []string, d spam.Decision, found bool) {
	t.Helper()
	path := "/v1/staff/withheld-replies?limit=100"
	for {
		r := staff.do(http.MethodGet, path, nil)
		want(t, r, http.StatusOK)
		var pg reviewQueuePage
		r.json(t, &pg)
		for _, it := range pg.Replies {
			if it.ID == id {
				if it.Message == "" || it.Email == "" || it.ListingTitle == "" || it.SentAt.IsZero() || it.QueuedAt.IsZero() || it.KeptUntil == nil {
					t.Fatalf("queued reply lacks what staff decide on: %+v", it)
				}
				return it.Reasons, it.Decision, true
			}
		}
		if pg.Next == "" {
			return nil, spam.Decision{}, false
		}
		path = "/v1/staff/withheld-replies?limit=100&cursor=" + pg.Next
	}
}

func requestReview(t *testing.T, c *client) int {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/me/replies/withheld-review", nil)
	want(t, r, http.StatusOK)
	var out struct{ Queued int }
	r.json(t, &out)
	if strings.Contains(string(r.Body), "message") || strings.Contains(string(r.Body), "email") {
		t.Fatalf("the advertiser sees withheld content: %s", r.Body)
	}
	return out.Queued
}

// Promise: HGK-10 — a spam reply is withheld; the advertiser has their withheld
// replies reviewed; staff see each with the filter's decision explained and
// release it: it arrives as mail and in the advertiser's list as if never
// withheld, once, however often it is released; confirmed spam is never delivered.
// Every decision is audited.
func TestReplyReviewReleaseAndConfirmSpam(t *testing.T) {
	adv, advEmail := signUp(t, "reviewadv")
	advID := profile(t, adv).ID
	l := publish(t, adv, nil)
	withheld, _ := storedReply(t, l, advID, reviewSpamReply)
	if withheld.Status != classifieds.ReplyWithheld {
		t.Fatalf("the spam reply was not withheld: %+v", withheld.Decision)
	}
	second, _ := storedReply(t, l, advID, reviewSpamReply+" Again.")
	delivered, _ := storedReply(t, l, advID, reviewHamReply)
	if delivered.Status != classifieds.ReplyDelivered {
		t.Fatalf("the legitimate reply was withheld: %+v", delivered.Decision)
	}
	mailsBefore := mailCount(t, advEmail)

	// Another advertiser's request queues none of these.
	other, _ := signUp(t, "reviewother")
	if n := requestReview(t, other); n != 0 {
		t.Fatalf("another advertiser queued %d", n)
	}
	staff := staffClient(t)
	if _, _, found := queuedReply(t, staff, withheld.ID); found {
		t.Fatal("queued before anyone asked")
	}

	if n := requestReview(t, adv); n != 2 {
		t.Fatalf("queued %d, want the 2 withheld replies", n)
	}
	if n := requestReview(t, adv); n != 2 {
		t.Fatalf("asking again: %d", n)
	}
	reasons, d, found := queuedReply(t, staff, withheld.ID)
	if !found {
		t.Fatal("the withheld reply is not in the staff's queue")
	}
	if strings.Join(reasons, ",") != classifieds.ReviewAdvertiser {
		t.Fatalf("reasons %v", reasons)
	}
	// The decision explained: outcome, score, clues with probabilities, model and
	// thresholds, as the filter decided.
	if d.Outcome != spam.Spam || d.Score <= d.Thresholds.Spam || len(d.Features) == 0 || d.Features[0].Prob <= 0 ||
		!strings.HasPrefix(d.Model, "chi2-") || d.Thresholds != spam.DefaultThresholds {
		t.Fatalf("decision not explained: %+v", d)
	}
	if _, _, found := queuedReply(t, staff, delivered.ID); found {
		t.Fatal("a delivered reply is in the queue")
	}

	// Release: delivered once, as if never withheld.
	staffID := profile(t, staff).ID
	releases, spams := auditCount(t, classifieds.AuditAction(classifieds.DecisionRelease), staffID), auditCount(t, classifieds.AuditAction(classifieds.DecisionSpam), staffID)
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+withheld.ID+"/release", nil), http.StatusNoContent)
	m := mailTo(t, advEmail, l.Title)
	if !strings.Contains(m.Text, "win-prize.top") {
		t.Fatalf("the released reply's mail lacks its text: %q", m.Text)
	}
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+withheld.ID+"/release", nil), http.StatusConflict, "conflict")
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+withheld.ID+"/spam", nil), http.StatusConflict, "conflict")
	time.Sleep(time.Second)
	if n := mailCount(t, advEmail); n != mailsBefore+1 {
		t.Fatalf("mails to the advertiser: %d, want %d", n, mailsBefore+1)
	}
	got, err := classifiedsStore().Reply(context.Background(), advID, withheld.ID)
	if err != nil || got.Status != classifieds.ReplyDelivered || got.ExpiresAt != nil || !got.CreatedAt.Equal(withheld.CreatedAt) {
		t.Fatalf("released reply %+v, %v", got, err)
	}
	list, _, err := classifiedsStore().Delivered(context.Background(), advID, classifieds.Page{})
	if err != nil || len(list) != 2 || list[0].ID != withheld.ID && list[1].ID != withheld.ID {
		t.Fatalf("the advertiser's list after the release: %d replies, %v", len(list), err)
	}
	if _, _, found := queuedReply(t, staff, withheld.ID); found {
		t.Fatal("the released reply is still queued")
	}

	// Confirm as spam: never delivered, kept held until its stated end.
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+second.ID+"/spam", nil), http.StatusNoContent)
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+second.ID+"/spam", nil), http.StatusConflict, "conflict")
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+second.ID+"/release", nil), http.StatusConflict, "conflict")
	got, err = classifiedsStore().Reply(context.Background(), advID, second.ID)
	if err != nil || got.Status != classifieds.ReplySpam || got.ExpiresAt == nil || !got.ExpiresAt.Equal(*second.ExpiresAt) {
		t.Fatalf("confirmed spam %+v, %v", got, err)
	}
	if n := mailCount(t, advEmail); n != mailsBefore+1 {
		t.Fatalf("confirmed spam was mailed: %d", n)
	}
	if n := requestReview(t, adv); n != 0 {
		t.Fatalf("decided replies queued again: %d", n)
	}
	if auditCount(t, classifieds.AuditAction(classifieds.DecisionRelease), staffID) != releases+1 || auditCount(t, classifieds.AuditAction(classifieds.DecisionSpam), staffID) != spams+1 {
		t.Fatal("decisions not audited once each")
	}
}

// Promise: HGK-10 — a replier who had no reaction reports it through their
// copy's link: a withheld reply is queued for review and the replier is told in
// neutral words; a delivered one is said to be delivered. Forged, unknown and
// spent links get one answer.
func TestReplyNoReactionReport(t *testing.T) {
	adv, _ := signUp(t, "noreactadv")
	advID := profile(t, adv).ID
	l := publish(t, adv, nil)
	withheld, wToken := storedReply(t, l, advID, reviewSpamReply)
	delivered, dToken := storedReply(t, l, advID, reviewHamReply)
	replier := newClient(t)
	replier.csrf()
	report := func(id, token string) response {
		return replier.do(http.MethodPost, "/v1/replies/"+id+"/no-reaction", map[string]any{"token": token})
	}
	status := func(r response) string {
		t.Helper()
		want(t, r, http.StatusOK)
		var out struct{ Status string }
		r.json(t, &out)
		for _, internal := range []string{"score", "spam", "model", "threshold", "prob"} {
			if strings.Contains(strings.ToLower(string(r.Body)), internal) {
				t.Fatalf("the answer tells the filter's internals: %s", r.Body)
			}
		}
		return out.Status
	}
	if s := status(report(delivered.ID, dToken)); s != classifieds.NoReactionDelivered {
		t.Fatalf("delivered reply: %q", s)
	}
	if s := status(report(withheld.ID, wToken)); s != classifieds.NoReactionInReview {
		t.Fatalf("withheld reply: %q", s)
	}
	if s := status(report(withheld.ID, wToken)); s != classifieds.NoReactionInReview {
		t.Fatalf("reported again: %q", s)
	}
	staff := staffClient(t)
	reasons, _, found := queuedReply(t, staff, withheld.ID)
	if !found || strings.Join(reasons, ",") != classifieds.ReviewReplier {
		t.Fatalf("reported reply queued %v with %v", found, reasons)
	}
	// The advertiser asking as well adds their reason to the one entry.
	if n := requestReview(t, adv); n != 1 {
		t.Fatalf("queued %d", n)
	}
	if reasons, _, _ := queuedReply(t, staff, withheld.ID); len(reasons) != 2 {
		t.Fatalf("reasons %v", reasons)
	}

	// Forged, another reply's, malformed, injected: the same 404.
	other, oToken := storedReply(t, l, advID, reviewSpamReply)
	forged := wToken[:len(wToken)-2] + "AA"
	for _, c := range []struct{ id, token string }{
		{withheld.ID, forged}, {withheld.ID, oToken}, {other.ID, wToken}, {ids.NewV7(time.Now()), wToken},
		{"not-an-id", wToken}, {withheld.ID, ""}, {withheld.ID, "x\r\nBcc: victim@example.org"},
	} {
		want(t, report(c.id, c.token), http.StatusNotFound, "not_found")
	}
	if _, _, found := queuedReply(t, staff, other.ID); found {
		t.Fatal("a forged report queued another reply")
	}

	// Decided as spam, the replier hears that a person looked at it; once the
	// reply is deleted, the link is spent: the same 404.
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+withheld.ID+"/spam", nil), http.StatusNoContent)
	if s := status(report(withheld.ID, wToken)); s != classifieds.NoReactionReviewed {
		t.Fatalf("after the decision: %q", s)
	}
	spent, _ := classifiedsStore().Reply(context.Background(), advID, withheld.ID)
	if err := classifiedsStore().DeleteReply(context.Background(), spent); err != nil {
		t.Fatal(err)
	}
	want(t, report(withheld.ID, wToken), http.StatusNotFound, "not_found")
}

// Promise: HGK-10 — only staff see and decide on withheld replies; an
// advertiser's request is theirs alone; floods are limited.
func TestReplyReviewAccess(t *testing.T) {
	adv, _ := signUp(t, "reviewacc")
	advID := profile(t, adv).ID
	l := publish(t, adv, nil)
	withheld, _ := storedReply(t, l, advID, reviewSpamReply)
	requestReview(t, adv)

	member, _ := signUp(t, "reviewnostaff")
	anon := newClient(t)
	anon.csrf()
	for _, c := range []struct {
		method, path string
	}{
		{http.MethodGet, "/v1/staff/withheld-replies"},
		{http.MethodPost, "/v1/staff/withheld-replies/" + withheld.ID + "/release"},
		{http.MethodPost, "/v1/staff/withheld-replies/" + withheld.ID + "/spam"},
	} {
		want(t, member.do(c.method, c.path, nil), http.StatusForbidden, "forbidden")
		want(t, adv.do(c.method, c.path, nil), http.StatusForbidden, "forbidden")
		want(t, anon.do(c.method, c.path, nil), http.StatusUnauthorized, "unauthenticated")
	}
	want(t, anon.do(http.MethodPost, "/v1/me/replies/withheld-review", nil), http.StatusUnauthorized, "unauthenticated")

	staff := staffClient(t)
	for _, id := range []string{ids.NewV7(time.Now()), "not-an-id"} {
		want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+id+"/release", nil), http.StatusNotFound, "not_found")
	}
	// A withheld reply nobody asked about is not in the queue and not decided on.
	unasked, _ := storedReply(t, publish(t, member, nil), profile(t, member).ID, reviewSpamReply)
	want(t, staff.do(http.MethodPost, "/v1/staff/withheld-replies/"+unasked.ID+"/release", nil), http.StatusNotFound, "not_found")
	want(t, staff.do(http.MethodGet, "/v1/staff/withheld-replies?cursor=bm90LWEtY3Vyc29y", nil), http.StatusBadRequest, "validation_failed")

	// Still queued after all that: nothing was decided.
	if _, _, found := queuedReply(t, staff, withheld.ID); !found {
		t.Fatal("the queued reply is gone")
	}

	// Bad bytes on the replier's route: too large, not JSON, another type, without
	// the CSRF token, a token that is not UTF-8.
	bad := newClient(t)
	bad.csrf()
	path := "/v1/replies/" + withheld.ID + "/no-reaction"
	want(t, bad.raw(http.MethodPost, path, "application/json", []byte(`{"token":"`+strings.Repeat("A", 2000)+`"}`), nil), http.StatusRequestEntityTooLarge, "body_too_large")
	want(t, bad.raw(http.MethodPost, path, "application/json", []byte(`{"token":`), nil), http.StatusBadRequest, "invalid_json")
	want(t, bad.raw(http.MethodPost, path, "text/plain", []byte(`{"token":"x"}`), nil), http.StatusUnsupportedMediaType, "unsupported_media_type")
	want(t, bad.raw(http.MethodPost, path, "application/json", []byte("{\"token\":\"\xff\xfe\"}"), nil), http.StatusBadRequest, "invalid_json")
	bad.noCSRF = true
	want(t, bad.do(http.MethodPost, path, map[string]any{"token": "x"}), http.StatusForbidden, "csrf_token_invalid")

	// Floods: the advertiser's requests per account, the replier's link per client.
	var last response
	for range 12 {
		if last = adv.do(http.MethodPost, "/v1/me/replies/withheld-review", nil); last.Status == http.StatusTooManyRequests {
			break
		}
	}
	want(t, last, http.StatusTooManyRequests, "too_many_attempts")
	flood := newClient(t)
	flood.csrf()
	for range 25 {
		if last = flood.do(http.MethodPost, "/v1/replies/"+withheld.ID+"/no-reaction", map[string]any{"token": "guess"}); last.Status == http.StatusTooManyRequests {
			break
		}
	}
	want(t, last, http.StatusTooManyRequests, "too_many_attempts")
	if last.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}
