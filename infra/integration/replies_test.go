package integration

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"kontor/infra/local"
	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/evidence"
	"kontor/shared/ids"
	"kontor/shared/ratelimit"
	"kontor/shared/spam"
)

// Texts the shipped spam filter judges clearly (docs/spam.md): a legitimate berth
// reply (ham), a lottery scam with a link (spam, withheld), and a short contact
// request to leave the platform (unsure: in doubt, delivered).
const (
	hamReply    = "Hallo, ich interessiere mich für die Koje im Juli. Ich segle seit zehn Jahren und habe den SKS. Viele Grüße"
	spamReply   = "CONGRATULATIONS!!! You have WON $1,000,000 USD in our lottery! Click http://win-prize.top/claim now to claim your prize and send your bank details!!!"
	unsureReply = "I saw your ad. Contact me on whatsapp please."
)

// replier is an anonymous browser writing in English, with a CSRF token.
func replier(t *testing.T) *client {
	t.Helper()
	c := newClient(t)
	c.lang = "en"
	c.csrf()
	return c
}

// sendReply posts a reply to a listing.
func sendReply(c *client, listingID, name, email, message string) response {
	return c.do(http.MethodPost, "/v1/listings/"+listingID+"/replies", map[string]any{"name": name, "email": email, "message": message})
}

// sentReply posts a reply that must be accepted and returns its id.
func sentReply(t *testing.T, c *client, listingID, name, email, message string) string {
	t.Helper()
	r := sendReply(c, listingID, name, email, message)
	want(t, r, http.StatusAccepted)
	var s classifieds.Sent
	r.json(t, &s)
	if !ids.ValidV7(s.ID) || strings.Contains(string(r.Body), "withheld") || strings.Contains(string(r.Body), "spam") {
		t.Fatalf("answer %s", r.Body)
	}
	return s.ID
}

type replyOut struct {
	ID, ListingID, ListingTitle, Name, Email, Message, Status string
}

// myReplies is GET /v1/me/replies.
func myReplies(t *testing.T, c *client) []replyOut {
	t.Helper()
	return getAs[struct{ Replies []replyOut }](t, c, "/v1/me/replies").Replies
}

func replyStore() *classifiedsdb.Store {
	return &classifiedsdb.Store{DB: db(), Table: stack.Name("ClassifiedsTable")}
}

// replyLink is the id and token of the link in a replier's copy.
func replyLink(t *testing.T, m local.Mail) (string, string) {
	t.Helper()
	_, after, ok := strings.Cut(m.Text, "/classifieds/reply?id=")
	if !ok {
		t.Fatalf("no reply link in %q", m.Text)
	}
	id, _, _ := strings.Cut(after, "&")
	return id, tokenFrom(t, m)
}

// Promise: HGK-9 — a reply without an account is mailed to the advertiser (with
// the replier as Reply-To, never the advertiser's address to the replier), a copy
// goes to the replier, and it stays readable for the advertiser until deleted.
// Promise: HGK-12 — sending a reply records the IP address and exact time.
// Another account sees none of it and gets 404 for its id; the replier deletes it
// through their link once; the advertiser deletes another one.
func TestHGK9ReplyArrivesAsMailAndStaysReadable(t *testing.T) {
	adv, advEmail := signUp(t, "reply-adv")
	l := publish(t, adv, map[string]any{"title": "Ostsee Juli " + ids.NewToken()[:6]})
	c := replier(t)
	from := newEmail("replier")
	id := sentReply(t, c, l.ID, "Anna Seemann", from, hamReply)

	got := mailTo(t, advEmail, l.Title)
	if !strings.Contains(got.Text, hamReply) || !strings.Contains(got.Headers["Reply-To"], from) || !strings.Contains(got.Headers["Reply-To"], "Anna Seemann") {
		t.Fatalf("advertiser's mail %+v", got)
	}
	cp := mailTo(t, from, "Copy of your reply")
	if !strings.Contains(cp.Text, hamReply) || strings.Contains(cp.Text, advEmail) {
		t.Fatalf("replier's copy %q", cp.Text)
	}
	linkID, token := replyLink(t, cp)
	if linkID != id {
		t.Fatalf("link names %s, reply is %s", linkID, id)
	}
	rs := myReplies(t, adv)
	if len(rs) != 1 || rs[0].ID != id || rs[0].Message != hamReply || rs[0].Email != from || rs[0].ListingID != l.ID || rs[0].ListingTitle != l.Title {
		t.Fatalf("advertiser's replies %+v", rs)
	}
	recs, err := (&evidence.Log{DB: db(), Table: stack.Name("EvidenceTable")}).For(context.Background(), classifieds.ReplyEvidenceKey(id), time.Now())
	if err != nil || len(recs) != 1 || recs[0].Event != classifieds.EventReply || recs[0].IP != c.ip || time.Since(recs[0].At) > time.Minute {
		t.Fatalf("evidence %+v %v", recs, err)
	}

	// Another account: nothing listed, 404 for the id.
	other, _ := signUp(t, "reply-other")
	if rs := myReplies(t, other); len(rs) != 0 {
		t.Fatalf("another account sees %+v", rs)
	}
	want(t, other.do(http.MethodDelete, "/v1/me/replies/"+id, nil), http.StatusNotFound, "not_found")

	// The replier's link: a forged token and a token of another reply are 404 like
	// a used one; the right one deletes once.
	second := sentReply(t, c, l.ID, "Anna Seemann", from, hamReply+" Bis bald!")
	want(t, c.do(http.MethodPost, "/v1/replies/"+second+"/delete", map[string]any{"token": token}), http.StatusNotFound, "not_found")
	want(t, c.do(http.MethodPost, "/v1/replies/"+id+"/delete", map[string]any{"token": ids.NewToken()}), http.StatusNotFound, "not_found")
	want(t, newClient(t).do(http.MethodPost, "/v1/replies/"+id+"/delete", map[string]any{"token": token}), http.StatusForbidden)
	want(t, c.do(http.MethodPost, "/v1/replies/"+id+"/delete", map[string]any{"token": token}), http.StatusNoContent)
	want(t, c.do(http.MethodPost, "/v1/replies/"+id+"/delete", map[string]any{"token": token}), http.StatusNotFound, "not_found")
	if rs := myReplies(t, adv); len(rs) != 1 || rs[0].ID != second {
		t.Fatalf("after the replier's deletion %+v", rs)
	}
	// The advertiser deletes the other one.
	want(t, adv.do(http.MethodDelete, "/v1/me/replies/"+second, nil), http.StatusNoContent)
	want(t, adv.do(http.MethodDelete, "/v1/me/replies/"+second, nil), http.StatusNotFound, "not_found")
	if rs := myReplies(t, adv); len(rs) != 0 {
		t.Fatalf("after the advertiser's deletion %+v", rs)
	}
}

// Promise: HGK-10 — clear spam is withheld: not mailed to the advertiser, not in
// their list, kept with the filter's decision for WithheldReplyDays; the
// replier's copy holds none of the text. A reply the filter is unsure about is
// delivered.
func TestHGK10SpamIsWithheldAndDoubtIsDelivered(t *testing.T) {
	adv, advEmail := signUp(t, "spam-adv")
	l := publish(t, adv, map[string]any{"title": "Biskaya " + ids.NewToken()[:6]})
	c := replier(t)
	spammer := newEmail("spammer")
	id := sentReply(t, c, l.ID, "Lottery Office", spammer, spamReply)

	cp := mailTo(t, spammer, "Your reply on HandGegenKoje.de")
	if strings.Contains(cp.Text, "lottery") || strings.Contains(cp.Text, "win-prize") || strings.Contains(cp.Text, "Lottery Office") || strings.Contains(cp.Text, l.Title) {
		t.Fatalf("the withheld reply's copy carries its text: %q", cp.Text)
	}
	if linkID, _ := replyLink(t, cp); linkID != id {
		t.Fatalf("receipt's link %s", linkID)
	}
	if rs := myReplies(t, adv); len(rs) != 0 {
		t.Fatalf("withheld reply listed: %+v", rs)
	}
	stored, err := replyStore().Reply(context.Background(), profile(t, adv).ID, id)
	if err != nil || stored.Status != classifieds.ReplyWithheld || stored.Decision.Outcome != spam.Spam || stored.Decision.Score <= stored.Decision.Thresholds.Spam ||
		len(stored.Decision.Features) == 0 || stored.Decision.Model == "" || stored.ExpiresAt == nil ||
		stored.ExpiresAt.Sub(stored.CreatedAt) != classifieds.DefaultWithheldFor {
		t.Fatalf("withheld reply stored as %+v, %v", stored, err)
	}
	want(t, adv.do(http.MethodDelete, "/v1/me/replies/"+id, nil), http.StatusNotFound, "not_found")

	// In doubt, delivered: the unsure reply arrives, and it is the only mail
	// the advertiser got.
	doubt := sentReply(t, c, l.ID, "Bo", newEmail("doubter"), unsureReply)
	mailTo(t, advEmail, l.Title)
	if n := waitMailCount(t, advEmail); n != 2 { // the sign-up's mail and the unsure reply
		t.Fatalf("the advertiser got %d mails", n)
	}
	rs := myReplies(t, adv)
	if len(rs) != 1 || rs[0].ID != doubt {
		t.Fatalf("replies %+v", rs)
	}
	d, err := replyStore().Reply(context.Background(), profile(t, adv).ID, doubt)
	if err != nil || d.Decision.Outcome != spam.Unsure {
		t.Fatalf("the doubtful reply was judged %+v, %v", d.Decision, err)
	}
}

// Promise: HGK-9 — replies go at the latest with the advertiser's account: the
// erasure deletes delivered and withheld ones, and the replier's link then finds
// nothing.
func TestHGK9ErasedAdvertisersRepliesAreGone(t *testing.T) {
	adv, _ := signUp(t, "erase-replies")
	advID := profile(t, adv).ID
	l := publish(t, adv, nil)
	c := replier(t)
	from := newEmail("erase-replier")
	id := sentReply(t, c, l.ID, "Ken", from, hamReply)
	sentReply(t, c, l.ID, "Ken", newEmail("erase-spammer"), spamReply)
	_, token := replyLink(t, mailTo(t, from, "Copy of your reply"))
	if d := toJSON(t, export(t, adv).Categories); !strings.Contains(d, classifieds.KindRepliesReceived) || !strings.Contains(d, "seit zehn Jahren") || strings.Contains(d, "lottery") {
		t.Fatalf("the advertiser's export: delivered replies in, withheld out")
	}
	want(t, adv.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	n := 0
	if err := replyStore().EachReply(context.Background(), advID, func(classifieds.Reply) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("%d replies left after the erasure, %v", n, err)
	}
	if held, _, err := replyStore().HeldReplies(context.Background(), classifieds.Page{}); err != nil {
		t.Fatal(err)
	} else {
		for _, h := range held {
			if h.Recipient == advID {
				t.Fatalf("held reply of the erased advertiser left in the queue")
			}
		}
	}
	want(t, c.do(http.MethodPost, "/v1/replies/"+id+"/delete", map[string]any{"token": token}), http.StatusNotFound, "not_found")
}

// Replies to listings that are not public, bad input and header injection are
// refused with the listing page's 404 or a field's code; nothing is stored or
// mailed. A double click with one Idempotency-Key stores one reply.
func TestHGK9RepliesRefuseBadInputAndUnknownListings(t *testing.T) {
	adv, _ := signUp(t, "reply-bad")
	l := publish(t, adv, nil)
	ended := publish(t, adv, nil)
	want(t, adv.do(http.MethodDelete, "/v1/listings/"+ended.ID, nil), http.StatusNoContent)
	expired := publish(t, adv, nil)
	expireListing(t, expired.ID)
	c := replier(t)
	from := newEmail("bad-replier")
	for _, id := range []string{ids.NewV7(time.Now()), "not-an-id", ended.ID, expired.ID} {
		want(t, sendReply(c, id, "Anna", from, hamReply), http.StatusNotFound, "not_found")
	}
	c = replier(t) // the route's per-client limit counts refused requests too
	wantFieldError(t, sendReply(c, l.ID, "Anna\r\nBcc: victim@example.org", from, hamReply), "name", "control_characters")
	wantFieldError(t, sendReply(c, l.ID, "Anna", from+"\r\nBcc: victim@example.org", hamReply), "email", "control_characters")
	wantFieldError(t, sendReply(c, l.ID, "Anna", "victim@example.org\nBcc:x@example.org", hamReply), "email", "control_characters")
	wantFieldError(t, sendReply(c, l.ID, "Anna\u202e", from, hamReply), "name", "control_characters")
	wantFieldError(t, sendReply(c, l.ID, "Anna", from, "<a href=x>hi</a>"), "message", "markup_not_allowed")
	wantFieldError(t, sendReply(c, l.ID, "Anna", "not an address", hamReply), "email", "invalid_email")
	wantFieldError(t, sendReply(c, l.ID, "Anna", from, strings.Repeat("x", classifieds.MaxReplyMessage+1)), "message", "too_long")
	if n := mailCount(t, from) + mailCount(t, "victim@example.org"); n != 0 {
		t.Fatalf("%d mails from refused replies", n)
	}
	if rs := myReplies(t, adv); len(rs) != 0 {
		t.Fatalf("refused replies stored: %+v", rs)
	}

	c = replier(t)
	key := newKey()
	body := map[string]any{"name": "Anna", "email": from, "message": hamReply}
	first := c.keyed(http.MethodPost, "/v1/listings/"+l.ID+"/replies", key, body)
	want(t, first, http.StatusAccepted)
	wantReplayed(t, first, c.keyed(http.MethodPost, "/v1/listings/"+l.ID+"/replies", key, body))
	if rs := myReplies(t, adv); len(rs) != 1 {
		t.Fatalf("double click stored %d replies", len(rs))
	}
}

// A flood: 1,000 replies from one client within a minute store the client's
// limit and are refused with 429 after it; nothing else is stored or mailed.
// One address from several clients is bounded by its own limit.
func TestHGK9ReplyFloodIsRefused(t *testing.T) {
	adv, advEmail := signUp(t, "reply-flood")
	l := publish(t, adv, nil)
	c := newClientFrom(t, "127.0.0.93")
	c.csrf()
	var mu sync.Mutex
	accepted, limited := 0, 0
	start := time.Now()
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				r := sendReply(c, l.ID, "Flood", "flood93."+strconv.Itoa(i)+"@example.org", hamReply)
				mu.Lock()
				switch r.Status {
				case http.StatusAccepted:
					accepted++
				case http.StatusTooManyRequests:
					limited++
				default:
					t.Errorf("request %d: %d %s", i, r.Status, r.Body)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range 1000 {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	t.Logf("1,000 replies from one client in %s: %d accepted, %d refused", time.Since(start).Round(time.Millisecond), accepted, limited)
	if accepted != ratelimit.ReplySend.Max || limited != 1000-accepted {
		t.Fatalf("%d accepted, %d limited; want %d accepted", accepted, limited, ratelimit.ReplySend.Max)
	}
	if rs := myReplies(t, adv); len(rs) != ratelimit.ReplySend.Max {
		t.Fatalf("%d replies stored, want %d", len(rs), ratelimit.ReplySend.Max)
	}
	if n := waitMailCount(t, advEmail); n != 1+ratelimit.ReplySend.Max { // the sign-up's mail and the replies
		t.Fatalf("the advertiser got %d mails", n)
	}

	// One address through many clients: its own limit.
	addr := newEmail("one-address")
	sent, over := 0, 0
	for range ratelimit.ReplyPerAddress.Max + 1 {
		cl := replier(t)
		switch r := sendReply(cl, l.ID, "Same", addr, hamReply); r.Status {
		case http.StatusAccepted:
			sent++
		case http.StatusTooManyRequests:
			want(t, r, http.StatusTooManyRequests, "too_many_attempts")
			over++
		default:
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	if sent != ratelimit.ReplyPerAddress.Max || over != 1 {
		t.Fatalf("one address: %d sent, %d refused", sent, over)
	}
	// Its copies are unsolicited mail: at most MailToAddress reach it.
	if n := waitMailCount(t, addr); n != ratelimit.MailToAddress.Max {
		t.Fatalf("%d copies to one address", n)
	}
}
