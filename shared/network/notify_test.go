package network

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// A notification names the group and the author, links to the group's page in
// the recipient's language and to the one-click unsubscribe, carries the RFC 8058
// header fields, and has no room for anything of the post.
func TestNotificationMailNamesGroupAndAuthorOnly(t *testing.T) {
	g := Group{ID: "019ad0a4-0000-7000-8000-000000000001", Name: "Radtreff"}
	for lang, want := range map[string][]string{
		"de": {"Neuer Beitrag von Anna Alt in „Radtreff“", "https://kontor.example/de/network/group?id=" + g.ID},
		"en": {"New post by Anna Alt in “Radtreff”", "https://kontor.example/en/network/group?id=" + g.ID},
		"fr": {"Neuer Beitrag", "/de/network/group?id="},
	} {
		m := NotificationMail(lang, g, "Anna Alt", "https://kontor.example", "tok")
		for _, s := range want {
			if !strings.Contains(m.Subject+"\n"+m.Text, s) {
				t.Errorf("%s: %q lacks %q", lang, m.Subject+"\n"+m.Text, s)
			}
		}
		link := "https://kontor.example" + UnsubscribePath + "?token=tok"
		if m.Headers["List-Unsubscribe"] != "<"+link+">" || m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.Contains(m.Text, link) {
			t.Errorf("%s: headers %v", lang, m.Headers)
		}
	}
	if m := NotificationMail("en", g, "", "https://kontor.example", "tok"); !strings.Contains(m.Subject, "A former member") {
		t.Errorf("former member: %q", m.Subject)
	}
}

// A mail's id follows from post and subscriber alone, so a mailing run again
// queues nothing twice, and differs for every other pair.
func TestMessageIDIsStablePerPostAndSubscriber(t *testing.T) {
	a, b := MessageID("p1", "a1"), MessageID("p1", "a1")
	if a != b || len(a) != 36 || a == MessageID("p1", "a2") || a == MessageID("p2", "a1") {
		t.Fatalf("ids %s %s", a, b)
	}
}

// fanout is an in-memory world for Notifications: a group, its members and
// subscribers, one queued post, and an outbox that takes each id once (as the
// real one does; outbox counts how often each id was handed to it) and can fail
// at one delivery.
type fanout struct {
	GroupStore
	PostStore
	SubscriptionStore
	members map[string]bool
	subs    []Subscription
	job     *NotifyJob
	removed []string
	outbox  map[string]int // mail id → times handed to the outbox
	failAt  int
	calls   int
	missing bool // the post is not (yet) stored
}

func (f *fanout) Group(_ context.Context, id string) (Group, error) {
	return Group{ID: id, Name: "Radtreff"}, nil
}
func (f *fanout) Membership(_ context.Context, _, a string) (Membership, error) {
	if !f.members[a] {
		return Membership{}, ErrNotFound
	}
	return Membership{AccountID: a, Role: GroupMember}, nil
}
func (f *fanout) Profiles(context.Context, []string) (map[string]Profile, error) { return nil, nil }
func (f *fanout) Post(_ context.Context, id string) (Post, error) {
	if f.missing {
		return Post{}, ErrNotFound
	}
	return Post{ID: id, GroupID: "g", AuthorID: "author", Text: "secret"}, nil
}
func (f *fanout) Job(context.Context, string) (NotifyJob, error) {
	if f.job == nil {
		return NotifyJob{}, ErrNotFound
	}
	return *f.job, nil
}
func (f *fanout) Jobs(context.Context) ([]NotifyJob, error) {
	if f.job == nil {
		return nil, nil
	}
	return []NotifyJob{*f.job}, nil
}
func (f *fanout) Subscribers(_ context.Context, _, cursor string, limit int) ([]Subscription, string, error) {
	start := 0
	if cursor != "" {
		start, _ = strconv.Atoi(cursor)
	}
	end := min(start+limit, len(f.subs))
	next := ""
	if end < len(f.subs) {
		next = strconv.Itoa(end)
	}
	return f.subs[start:end], next, nil
}
func (f *fanout) Progress(_ context.Context, _, after string) error { f.job.After = after; return nil }
func (f *fanout) Finish(context.Context, string) error              { f.job = nil; return nil }
func (f *fanout) Unsubscribe(_ context.Context, _, a string) error {
	f.removed = append(f.removed, a)
	return nil
}
func (f *fanout) SaveToken(context.Context, string, string, string, time.Time) error { return nil }
func (f *fanout) Person(_ context.Context, a string) (privacy.Person, error) {
	return privacy.Person{AccountID: a, Email: a + "@example.org", Language: "en"}, nil
}
func (f *fanout) Deliver(_ context.Context, m mail.Message) error {
	f.calls++
	if f.calls == f.failAt {
		return errors.New("outbox unavailable")
	}
	if strings.Contains(m.Text, "secret") {
		return errors.New("the mail carries the post")
	}
	f.outbox[m.ID]++
	return nil
}

// A mailing reaches every subscriber but the author once, passes over (and ends
// the subscription of) one who is no longer a member, goes on after an
// interruption from the page it saved, and ends the job; a second run does
// nothing.
func TestNotificationsMailEachSubscriberOnceAcrossInterruptions(t *testing.T) {
	f := &fanout{members: map[string]bool{"author": true}, outbox: map[string]int{}, failAt: 30, job: &NotifyJob{PostID: "p", GroupID: "g"}}
	for i := range 60 {
		a := "m" + strconv.Itoa(i)
		f.members[a] = i != 7
		f.subs = append(f.subs, Subscription{GroupID: "g", AccountID: a, Sub: "s" + a})
	}
	f.subs = append(f.subs, Subscription{GroupID: "g", AccountID: "author"})
	n := &Notifications{Subs: f, Groups: f, Posts: f, People: f, Outbox: f, BaseURL: "https://kontor.example", Now: time.Now}
	if _, err := n.Process(context.Background(), "p"); err == nil {
		t.Fatal("the outbox failure was not reported")
	}
	if f.job == nil || f.job.After != "25" {
		t.Fatalf("progress after the failure: %+v", f.job)
	}
	if _, err := n.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.job != nil {
		t.Fatal("the job is not done")
	}
	if _, err := n.Process(context.Background(), "p"); err != nil {
		t.Fatal(err)
	}
	if len(f.outbox) != 59 || f.outbox[MessageID("p", "author")] != 0 || f.outbox[MessageID("p", "m7")] != 0 {
		t.Fatalf("mailed %d subscribers", len(f.outbox))
	}
	// Only the interrupted page was queued again (the outbox takes an id once);
	// the page before it was not: 24 + 5 sent, 1 failed, then 25 + 10.
	if f.calls != 65 || f.outbox[MessageID("p", "m0")] != 1 || f.outbox[MessageID("p", "m25")] != 2 {
		t.Fatalf("%d deliveries; m0 %d times, m25 %d times", f.calls, f.outbox[MessageID("p", "m0")], f.outbox[MessageID("p", "m25")])
	}
	if len(f.removed) == 0 || f.removed[0] != "m7" {
		t.Fatalf("removed %v, want the former member's subscription", f.removed)
	}
}

// A post is queued just before it is stored: a run that finds the queue entry
// but not yet the post leaves it for the next run; one still missing after
// StoreGrace (never stored, or removed) ends without mail.
func TestNotificationsWaitForAPostQueuedBeforeItIsStored(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	f := &fanout{members: map[string]bool{"m": true}, outbox: map[string]int{}, missing: true,
		subs: []Subscription{{GroupID: "g", AccountID: "m"}}, job: &NotifyJob{PostID: "p", GroupID: "g", At: now}}
	n := &Notifications{Subs: f, Groups: f, Posts: f, People: f, Outbox: f, Now: func() time.Time { return now }}
	if _, err := n.Run(context.Background()); err != nil || f.job == nil {
		t.Fatalf("a post not yet stored: %v, job %v", err, f.job)
	}
	f.missing = false
	if _, err := n.Run(context.Background()); err != nil || f.job != nil || len(f.outbox) != 1 {
		t.Fatalf("once stored: %v, job %v, mailed %d", err, f.job, len(f.outbox))
	}
	f.missing, f.job = true, &NotifyJob{PostID: "q", GroupID: "g", At: now.Add(-StoreGrace)}
	if _, err := n.Run(context.Background()); err != nil || f.job != nil || len(f.outbox) != 1 {
		t.Fatalf("never stored: %v, job %v, mailed %d", err, f.job, len(f.outbox))
	}
}
