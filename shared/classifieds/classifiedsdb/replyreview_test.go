package classifiedsdb

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"testing"

	"kontor/shared/access"
	"kontor/shared/classifieds"
	"kontor/shared/problem"
)

type auditLog struct {
	mu      sync.Mutex
	entries []string
}

func (a *auditLog) Record(_ context.Context, action, actor, subject, reason string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.entries = append(a.entries, action+"|"+actor+"|"+subject+"|"+reason)
	return nil
}

func (fx *fixture) review() (*classifieds.ReplyReview, *auditLog) {
	a := &auditLog{}
	return &classifieds.ReplyReview{Replies: fx.svc, Queue: fx.st, Audit: a, Now: fx.svc.Now, Log: slog.New(slog.DiscardHandler)}, a
}

var staffMember = access.Principal{AccountID: "019ad0a4-0000-7000-8000-0000000000f1", Roles: []string{access.RoleStaff}}

func status(t *testing.T, err error) int {
	t.Helper()
	var p *problem.Problem
	if !errors.As(err, &p) {
		t.Fatalf("not a problem: %v", err)
	}
	return p.Status
}

// HGK-10: both requests queue a withheld reply once, with both reasons; a
// delivered reply is not queued; the queue explains the filter's decision.
func TestReviewQueuesWithheldRepliesOnce(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	rv, _ := fx.review()
	withheld := fx.send(t, spamText)
	fx.send(t, hamText)
	if n, err := rv.RequestReview(ctx, advertiser); err != nil || n != 1 {
		t.Fatalf("queued %d, %v", n, err)
	}
	if n, err := rv.RequestReview(ctx, other); err != nil || n != 0 {
		t.Fatalf("another advertiser queued %d, %v", n, err)
	}
	token := tokenOf(t, fx.mails.msgs[0])
	if st, err := rv.NoReaction(ctx, withheld, token); err != nil || st != classifieds.NoReactionInReview {
		t.Fatalf("no reaction: %q %v", st, err)
	}
	items, next, err := rv.StaffQueue(ctx, classifieds.Page{})
	if err != nil || next != "" || len(items) != 1 || items[0].ID != withheld || len(items[0].Reasons) != 2 ||
		items[0].Decision.Outcome != "spam" || len(items[0].Decision.Features) == 0 || items[0].Message != spamText {
		t.Fatalf("queue %+v %q %v", items, next, err)
	}
	if _, _, err := rv.StaffQueue(ctx, classifieds.Page{Cursor: "bm90LWEtY3Vyc29y"}); !errors.Is(err, classifieds.ErrBadCursor) {
		t.Fatalf("made-up cursor: %v", err)
	}
}

// HGK-10: a release and a confirmation racing on one reply: exactly one wins,
// the other is 409; the advertiser gets at most one mail; one audit entry.
func TestReviewDecisionsRaceOneWins(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	rv, audit := fx.review()
	id := fx.send(t, spamText)
	if _, err := rv.RequestReview(ctx, advertiser); err != nil {
		t.Fatal(err)
	}
	mailsBefore := len(fx.mails.msgs)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			if i%2 == 0 {
				errs[i] = rv.Release(ctx, staffMember, id)
			} else {
				errs[i] = rv.ConfirmSpam(ctx, staffMember, id)
			}
		})
	}
	wg.Wait()
	won := 0
	for _, err := range errs {
		if err == nil {
			won++
		} else if status(t, err) != http.StatusConflict {
			t.Fatalf("the losing decision: %v", err)
		}
	}
	if won != 1 || len(audit.entries) != 1 {
		t.Fatalf("%d decisions won, audit %v", won, audit.entries)
	}
	r, err := fx.st.Reply(ctx, advertiser, id)
	if err != nil {
		t.Fatal(err)
	}
	wantMails := mailsBefore
	if r.Status == classifieds.ReplyDelivered {
		wantMails++
	}
	if len(fx.mails.msgs) != wantMails {
		t.Fatalf("status %s with %d mails, want %d", r.Status, len(fx.mails.msgs), wantMails)
	}
	if err := rv.Release(ctx, staffMember, id); status(t, err) != http.StatusConflict {
		t.Fatalf("a later decision: %v", err)
	}
	if err := rv.Release(ctx, access.Principal{AccountID: advertiser}, id); status(t, err) != http.StatusForbidden {
		t.Fatalf("without the staff role: %v", err)
	}
}

// HGK-10: an entry whose reply is gone (deleted by the replier) leaves the queue
// on the next read; deciding on it is 404.
func TestReviewDropsEntriesOfGoneReplies(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	rv, _ := fx.review()
	id := fx.send(t, spamText)
	if _, err := rv.RequestReview(ctx, advertiser); err != nil {
		t.Fatal(err)
	}
	if err := fx.svc.DeleteByToken(ctx, id, tokenOf(t, fx.mails.msgs[0])); err != nil {
		t.Fatal(err)
	}
	if items, _, err := rv.StaffQueue(ctx, classifieds.Page{}); err != nil || len(items) != 0 {
		t.Fatalf("queue %+v %v", items, err)
	}
	if _, err := fx.st.Queued(ctx, id, fx.now); !errors.Is(err, classifieds.ErrNotQueued) {
		t.Fatalf("entry: %v", err)
	}
	if err := rv.Release(ctx, staffMember, id); status(t, err) != http.StatusNotFound {
		t.Fatalf("release of a gone reply: %v", err)
	}
}
