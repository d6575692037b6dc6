package classifiedsdb

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
	"kontor/shared/spam"
)

type sentMail struct{ msgs []mail.Message }

func (s *sentMail) Deliver(_ context.Context, m mail.Message) error {
	for _, o := range s.msgs {
		if o.ID == m.ID {
			return nil // the outbox queues one id once
		}
	}
	s.msgs = append(s.msgs, m)
	return nil
}

type evidenceLog struct{ keys []string }

func (e *evidenceLog) Add(_ context.Context, key, event, ip string, _ time.Time) error {
	e.keys = append(e.keys, key+"|"+event+"|"+ip)
	return nil
}

type noLimit struct{ taken []string }

func (n *noLimit) Take(_ context.Context, r ratelimit.Rule, v string) (time.Duration, error) {
	n.taken = append(n.taken, r.Name+"="+v)
	return 0, nil
}

type people map[string]privacy.Person

func (p people) Person(_ context.Context, id string) (privacy.Person, error) {
	if q, ok := p[id]; ok {
		return q, nil
	}
	return privacy.Person{}, privacy.ErrUnknownPerson
}

type listings map[string]classifieds.Listing

func (l listings) Get(_ context.Context, id string) (classifieds.Listing, error) {
	if x, ok := l[id]; ok {
		return x, nil
	}
	return classifieds.Listing{}, classifieds.ErrNotFound
}

const (
	advertiser = "019ad0a4-0000-7000-8000-0000000000a1"
	other      = "019ad0a4-0000-7000-8000-0000000000a2"
	hamText    = "Hallo, ich interessiere mich für die Koje im Juli. Ich segle seit zehn Jahren und habe den SKS. Viele Grüße"
	spamText   = "CONGRATULATIONS!!! You have WON $1,000,000 USD in our lottery! Click http://win-prize.top/claim now to claim your prize and send your bank details!!!"
)

type fixture struct {
	svc     *classifieds.Replies
	st      *Store
	mails   *sentMail
	ev      *evidenceLog
	listing classifieds.Listing
	now     time.Time
}

func newFixture(t *testing.T) *fixture {
	db := dynamotest.Moto(t)
	st := &Store{DB: db, Table: dynamotest.Table(t, db, false)}
	now := time.Now().UTC()
	l := classifieds.Listing{ID: ids.NewV7(now), AdvertiserID: advertiser, Status: classifieds.StatusPublished, Title: "Ostsee im Juli", ExpiresAt: now.Add(48 * time.Hour)}
	f, err := spam.Shipped(spam.DefaultThresholds)
	if err != nil {
		t.Fatal(err)
	}
	fx := &fixture{st: st, mails: &sentMail{}, ev: &evidenceLog{}, listing: l, now: now}
	fx.svc = &classifieds.Replies{Store: st, Listings: listings{l.ID: l}, People: people{advertiser: {AccountID: advertiser, Email: "skipper@example.org", Language: "de"}},
		Mail: fx.mails, Evidence: fx.ev, Limiter: &noLimit{}, Filter: f, BaseURL: "https://hgk.example", Now: func() time.Time { return fx.now }}
	return fx
}

func (fx *fixture) send(t *testing.T, text string) string {
	t.Helper()
	s, err := fx.svc.Send(context.Background(), fx.listing.ID, classifieds.ReplyInput{Name: "Anna Seemann", Email: "Anna@Example.org", Message: text}, "en", "192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}

// tokenOf is the token in the copy's link.
func tokenOf(t *testing.T, m mail.Message) string {
	t.Helper()
	_, after, ok := strings.Cut(m.Text, "&token=")
	if !ok {
		t.Fatalf("no link in %q", m.Text)
	}
	return strings.Fields(after)[0]
}

// HGK-9, HGK-12: a legitimate reply is stored delivered, mailed to the
// advertiser with the replier as Reply-To, a copy with the text and the link
// goes to the replier, and the evidence is recorded under the reply.
func TestReplyIsDeliveredAndCopied(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	id := fx.send(t, hamText)
	rs, _, err := fx.svc.Mine(ctx, advertiser, classifieds.Page{})
	if err != nil || len(rs) != 1 || rs[0].ID != id || rs[0].Status != classifieds.ReplyDelivered || rs[0].Email != "anna@example.org" || rs[0].ListingTitle != "Ostsee im Juli" {
		t.Fatalf("%+v %v", rs, err)
	}
	if len(fx.mails.msgs) != 2 {
		t.Fatalf("mails: %+v", fx.mails.msgs)
	}
	adv, cp := fx.mails.msgs[0], fx.mails.msgs[1]
	if adv.To != "skipper@example.org" || adv.Headers["Reply-To"] != `"Anna Seemann" <anna@example.org>` || !strings.Contains(adv.Text, hamText) || adv.Unsolicited {
		t.Fatalf("advertiser mail: %+v", adv)
	}
	if cp.To != "anna@example.org" || !cp.Unsolicited || !strings.Contains(cp.Text, hamText) || strings.Contains(cp.Text, "skipper@") ||
		!strings.Contains(cp.Text, "https://hgk.example/en/classifieds/reply?id="+id+"&token=") {
		t.Fatalf("copy: %+v", cp)
	}
	if len(fx.ev.keys) != 1 || fx.ev.keys[0] != "reply:"+id+"|reply|192.0.2.7" {
		t.Fatalf("evidence %v", fx.ev.keys)
	}
	if mine, _, _ := fx.svc.Mine(ctx, other, classifieds.Page{}); len(mine) != 0 {
		t.Fatalf("another advertiser sees %+v", mine)
	}
}

// HGK-10: clear spam is withheld: kept with the decision and an end, not
// mailed to the advertiser, not listed; the copy holds none of its text.
func TestSpamIsWithheld(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	id := fx.send(t, spamText)
	if rs, _, _ := fx.svc.Mine(ctx, advertiser, classifieds.Page{}); len(rs) != 0 {
		t.Fatalf("listed: %+v", rs)
	}
	if len(fx.mails.msgs) != 1 || fx.mails.msgs[0].To != "anna@example.org" {
		t.Fatalf("mails: %+v", fx.mails.msgs)
	}
	if cp := fx.mails.msgs[0].Text; strings.Contains(cp, "lottery") || strings.Contains(cp, "Anna") || !strings.Contains(cp, "id="+id) {
		t.Fatalf("copy of a withheld reply: %q", cp)
	}
	r, err := fx.st.Reply(ctx, advertiser, id)
	if err != nil || r.Status != classifieds.ReplyWithheld || r.Decision.Outcome != spam.Spam || r.Decision.Model == "" || len(r.Decision.Features) == 0 ||
		r.ExpiresAt == nil || !r.ExpiresAt.Equal(fx.now.Add(classifieds.DefaultWithheldFor)) {
		t.Fatalf("%+v %v", r, err)
	}
	held, _, err := fx.st.HeldReplies(ctx, classifieds.Page{})
	if err != nil || len(held) != 1 || held[0].ID != id {
		t.Fatalf("queue %+v %v", held, err)
	}
	if mine, _, _ := fx.st.HeldFor(ctx, advertiser, classifieds.Page{}); len(mine) != 1 {
		t.Fatalf("held for advertiser: %+v", mine)
	}
	// The advertiser cannot delete what they cannot see.
	if err := fx.svc.DeleteMine(ctx, advertiser, id); !isNotFound(err) {
		t.Fatalf("delete held: %v", err)
	}
	// A release delivers it as if never withheld: mailed, listed, out of the
	// queue, without an end; a second release (status changed) fails.
	if err := fx.svc.Deliver(ctx, r, classifieds.ReplyWithheld); err != nil {
		t.Fatal(err)
	}
	if err := fx.svc.Deliver(ctx, r, classifieds.ReplyWithheld); !errors.Is(err, classifieds.ErrReplyChanged) {
		t.Fatalf("second release: %v", err)
	}
	rs, _, _ := fx.svc.Mine(ctx, advertiser, classifieds.Page{})
	if len(rs) != 1 || rs[0].ID != id || rs[0].ExpiresAt != nil || len(fx.mails.msgs) != 2 || fx.mails.msgs[1].To != "skipper@example.org" {
		t.Fatalf("released: %+v mails %d", rs, len(fx.mails.msgs))
	}
	if held, _, _ := fx.st.HeldReplies(ctx, classifieds.Page{}); len(held) != 0 {
		t.Fatalf("still queued: %+v", held)
	}
	// The replier's link still opens it after the move.
	if _, err := fx.svc.ByToken(ctx, id, tokenOf(t, fx.mails.msgs[0])); err != nil {
		t.Fatal(err)
	}
}

func isNotFound(err error) bool {
	p, ok := problem.As(err)
	return ok && p.Status == http.StatusNotFound
}

// HGK-9: the replier deletes through the link once; a forged token, another
// reply's id and a used token all answer 404. The advertiser deletes their
// own; another account gets 404.
func TestReplyDeletion(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	a, b := fx.send(t, hamText), fx.send(t, hamText+" Bis bald!")
	tokA := tokenOf(t, fx.mails.msgs[1])
	if err := fx.svc.DeleteByToken(ctx, b, tokA); !isNotFound(err) {
		t.Fatalf("token of another reply: %v", err)
	}
	if err := fx.svc.DeleteByToken(ctx, a, ids.NewToken()); !isNotFound(err) {
		t.Fatalf("forged token: %v", err)
	}
	if err := fx.svc.DeleteByToken(ctx, a, tokA); err != nil {
		t.Fatal(err)
	}
	if err := fx.svc.DeleteByToken(ctx, a, tokA); !isNotFound(err) {
		t.Fatalf("replayed: %v", err)
	}
	if err := fx.svc.DeleteMine(ctx, other, b); !isNotFound(err) {
		t.Fatalf("another account: %v", err)
	}
	if err := fx.svc.DeleteMine(ctx, advertiser, b); err != nil {
		t.Fatal(err)
	}
	if rs, _, _ := fx.svc.Mine(ctx, advertiser, classifieds.Page{}); len(rs) != 0 {
		t.Fatalf("left: %+v", rs)
	}
}

// Replies page newest first with a cursor that reaches only the advertiser's
// delivered replies.
func TestRepliesPage(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	var sent []string
	for i := range 3 {
		fx.now = fx.now.Add(time.Second)
		sent = append(sent, fx.send(t, hamText+strings.Repeat(" Gruß", i)))
	}
	fx.send(t, spamText)
	p1, next, err := fx.svc.Mine(ctx, advertiser, classifieds.Page{Limit: 2})
	if err != nil || len(p1) != 2 || p1[0].ID != sent[2] || p1[1].ID != sent[1] || next == "" {
		t.Fatalf("%+v %q %v", p1, next, err)
	}
	p2, _, err := fx.svc.Mine(ctx, advertiser, classifieds.Page{Limit: 2, Cursor: next})
	if err != nil || len(p2) != 1 || p2[0].ID != sent[0] {
		t.Fatalf("%+v %v", p2, err)
	}
	if _, _, err := fx.svc.Mine(ctx, advertiser, classifieds.Page{Cursor: "SEVMRFJFUExZIw"}); !errors.Is(err, classifieds.ErrBadCursor) {
		t.Fatalf("held cursor: %v", err)
	}
}

// Bad input and listings that are not public.
func TestReplyRefusals(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	for _, in := range []classifieds.ReplyInput{
		{Name: "Anna\r\nBcc: x@example.org", Email: "anna@example.org", Message: hamText},
		{Name: "Anna", Email: "anna@example.org\r\nBcc: x@example.org", Message: hamText},
		{Name: "Anna\u200b", Email: "anna@example.org", Message: hamText},
		{Name: "Anna", Email: "an\u202ena@example.org", Message: hamText},
		{Name: "<b>Anna</b>", Email: "anna@example.org", Message: hamText},
		{Name: "Anna", Email: "anna@example.org", Message: "<script>x</script>"},
		{Name: "Anna", Email: "anna", Message: hamText},
		{Name: "", Email: "anna@example.org", Message: hamText},
		{Name: "Anna", Email: "anna@example.org", Message: strings.Repeat("x", classifieds.MaxReplyMessage+1)},
	} {
		if _, err := fx.svc.Send(ctx, fx.listing.ID, in, "de", "192.0.2.7"); err == nil {
			t.Errorf("accepted %+v", in)
		} else if p, ok := problem.As(err); !ok || p.Status != http.StatusBadRequest {
			t.Errorf("%+v: %v", in, err)
		}
	}
	ok := classifieds.ReplyInput{Name: "Anna", Email: "anna@example.org", Message: hamText}
	pending := classifieds.Listing{ID: ids.NewV7(fx.now), Status: classifieds.StatusPending, ExpiresAt: fx.listing.ExpiresAt}
	fx.svc.Listings = listings{fx.listing.ID: fx.listing, pending.ID: pending}
	for _, id := range []string{"nope", ids.NewV7(fx.now), pending.ID} {
		if _, err := fx.svc.Send(ctx, id, ok, "de", "192.0.2.7"); !isNotFound(err) {
			t.Errorf("%s: %v", id, err)
		}
	}
	fx.now = fx.listing.ExpiresAt
	if _, err := fx.svc.Send(ctx, fx.listing.ID, ok, "de", "192.0.2.7"); !isNotFound(err) {
		t.Errorf("expired: %v", err)
	}
	if len(fx.mails.msgs) != 0 || len(fx.ev.keys) != 0 {
		t.Fatalf("refused replies left %d mails, %d evidence", len(fx.mails.msgs), len(fx.ev.keys))
	}
}

// Erasure and the sweep: the advertiser's replies go with the account; held
// ones past their end go with the sweep.
func TestEraseAndSweepReplies(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	fx.send(t, hamText)
	held := fx.send(t, spamText)
	if n, err := fx.st.SweepHeldReplies(ctx, fx.now.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("early sweep %d %v", n, err)
	}
	if n, err := fx.st.SweepHeldReplies(ctx, fx.now.Add(classifieds.DefaultWithheldFor)); err != nil || n != 1 {
		t.Fatalf("sweep %d %v", n, err)
	}
	if _, err := fx.st.Reply(ctx, advertiser, held); !errors.Is(err, classifieds.ErrNoReply) {
		t.Fatalf("swept reply: %v", err)
	}
	fx.send(t, spamText)
	if err := fx.st.EraseReplies(ctx, advertiser); err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := fx.st.EachReply(ctx, advertiser, func(classifieds.Reply) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("after erasure %d %v", n, err)
	}
	if q, _, _ := fx.st.HeldReplies(ctx, classifieds.Page{}); len(q) != 0 {
		t.Fatalf("queue after erasure %+v", q)
	}
}
