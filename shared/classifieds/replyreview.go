package classifieds

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/spam"
)

// Why a withheld reply is in the staff's review queue (HGK-10).
const (
	// ReviewAdvertiser: the advertiser asked to have their withheld replies
	// reviewed.
	ReviewAdvertiser = "advertiser"
	// ReviewReplier: the replier reported that the advertiser did not react.
	ReviewReplier = "replier"
)

// What a replier who had no reaction is told (POST /v1/replies/{id}/no-reaction):
// neutral words, nothing of the filter's score, clues or thresholds.
const (
	// NoReactionDelivered: the advertiser has the reply; answering is their
	// choice.
	NoReactionDelivered = "delivered"
	// NoReactionInReview: the automatic check held the reply back; a person now
	// looks at it.
	NoReactionInReview = "in_review"
	// NoReactionReviewed: a person looked at the held reply and did not pass it
	// on.
	NoReactionReviewed = "reviewed"
)

// The staff's decisions on a queued reply, as audited (action) and kept.
const (
	DecisionRelease = "release"
	DecisionSpam    = "spam"
)

// AuditAction is the audit log's action of a staff decision on a reply.
func AuditAction(decision string) string { return "classifieds.reply." + decision }

// ErrNotQueued is a reply that is not in the review queue.
var ErrNotQueued = errors.New("classifieds: reply not queued for review")

// ErrReviewDecided is a reply whose review was decided already.
var ErrReviewDecided = errors.New("classifieds: reply review decided already")

// ReviewEntry is a withheld reply's place in the staff's review queue: the reply's
// id and why it is there. It holds nothing of the reply; the reply is read from
// the replies' store.
type ReviewEntry struct {
	ReplyID  string    `dynamodbav:"replyId"`
	Reasons  []string  `dynamodbav:"reasons,stringset"`
	QueuedAt time.Time `dynamodbav:"queuedAt"`
}

// ReviewItem is what staff see of a queued reply: its text, its listing, the
// filter's decision explained (score, outcome, strongest clues with their
// probabilities, model, thresholds) and why it is queued.
type ReviewItem struct {
	ID           string        `json:"id"`
	ListingID    string        `json:"listingId"`
	ListingTitle string        `json:"listingTitle"`
	Name         string        `json:"name"`
	Email        string        `json:"email"`
	Message      string        `json:"message"`
	SentAt       time.Time     `json:"sentAt"`
	KeptUntil    *time.Time    `json:"keptUntil,omitempty"`
	Decision     spam.Decision `json:"decision"`
	Reasons      []string      `json:"reasons"`
	QueuedAt     time.Time     `json:"queuedAt"`
}

// ReviewQueue keeps the review queue of withheld replies (classifiedsdb,
// replyreview.go).
type ReviewQueue interface {
	// Enqueue puts reply r in the queue with reason, or adds reason to its entry;
	// the entry ends with the reply's keeping (r.ExpiresAt).
	Enqueue(ctx context.Context, r Reply, reason string, now time.Time) error
	// ReviewPage calls fn with one page of entries, oldest reply first, and
	// returns the next page's cursor ("" at the end); ErrBadCursor for another.
	ReviewPage(ctx context.Context, pg Page, now time.Time, fn func(ReviewEntry) error) (string, error)
	// Queued returns a reply's entry: ErrNotQueued when it has none, and
	// ErrReviewDecided when its review was decided.
	Queued(ctx context.Context, id string, now time.Time) (ReviewEntry, error)
	// Decided moves the entry out of the queue into the decided ones (with the
	// decision and its time), where it stays until the reply's original end of
	// keeping; ErrReviewDecided when it was moved already.
	Decided(ctx context.Context, e ReviewEntry, decision string, until, now time.Time) error
	// Drop removes an entry whose reply is gone.
	Drop(ctx context.Context, id string) error
	// HeldReply reads a held reply by its id alone (the queue of held
	// replies names its advertiser); ErrNoReply when none is held.
	HeldReply(ctx context.Context, id string, now time.Time) (Reply, error)
}

// ReviewAuditor records a staff decision (ids only).
type ReviewAuditor interface {
	Record(ctx context.Context, action, actor, subject, reason string) error
}

// ReplyReview is the review of withheld replies (HGK-10): the advertiser's and
// the replier's requests, the staff's queue and decisions.
type ReplyReview struct {
	// Replies are the stored replies and their delivery (replyservice.go).
	Replies *Replies
	Queue   ReviewQueue
	Audit   ReviewAuditor
	Now     func() time.Time
	Log     *slog.Logger
}

// RequestReview queues the advertiser's withheld replies still kept and answers
// how many of them now await review. The advertiser sees none of them: a withheld
// reply may be abusive, and a person decides whether it reaches them. Asking
// again is harmless.
func (r *ReplyReview) RequestReview(ctx context.Context, advertiserID string) (int, error) {
	now := r.Now()
	n, pg := 0, Page{Limit: 100}
	for {
		held, next, err := r.Replies.Store.HeldFor(ctx, advertiserID, pg)
		if err != nil {
			return 0, err
		}
		for _, h := range held {
			queued, err := r.queue(ctx, h, ReviewAdvertiser, now)
			if err != nil {
				return 0, err
			}
			if queued {
				n++
			}
		}
		if next == "" {
			break
		}
		pg.Cursor = next
	}
	r.Log.InfoContext(ctx, "withheld replies queued for review", slog.String("accountId", advertiserID), slog.Int("count", n))
	return n, nil
}

// queue puts a withheld reply in review (status ReplyInReview) and in the queue;
// one in review already gets reason added. Other states are not queued.
func (r *ReplyReview) queue(ctx context.Context, h Reply, reason string, now time.Time) (bool, error) {
	if h.Status == ReplyWithheld {
		moved := h
		moved.Status, moved.ReviewRequestedAt, moved.ReviewReason = ReplyInReview, &now, reason
		err := r.Replies.Store.ChangeReply(ctx, moved, ReplyWithheld)
		if errors.Is(err, ErrReplyChanged) {
			// Queued (or decided, or deleted) at the same moment: read again.
			if h, err = r.Replies.Store.Reply(ctx, h.Recipient, h.ID); errors.Is(err, ErrNoReply) {
				return false, nil
			}
		} else {
			h = moved
		}
		if err != nil {
			return false, err
		}
	}
	if h.Status != ReplyInReview {
		return false, nil
	}
	return true, r.Queue.Enqueue(ctx, h, reason, now)
}

// NoReaction answers a replier who had no reaction, by their copy's link (id and
// token): a withheld reply is queued for review. The answer says in neutral
// words what happened; an unknown, forged or spent link is the same 404 as
// on the link's other routes.
func (r *ReplyReview) NoReaction(ctx context.Context, id, token string) (string, error) {
	h, err := r.Replies.ByToken(ctx, id, token)
	if err != nil {
		return "", err
	}
	switch h.Status {
	case ReplyDelivered:
		return NoReactionDelivered, nil
	case ReplySpam:
		return NoReactionReviewed, nil
	}
	if _, err := r.queue(ctx, h, ReviewReplier, r.Now()); err != nil {
		return "", err
	}
	r.Log.InfoContext(ctx, "withheld reply reported by its replier", slog.String("replyId", h.ID))
	return NoReactionInReview, nil
}

// StaffQueue lists one page of the queue, oldest reply first, each explained. An
// entry whose reply is gone (deleted by its replier, swept at the end of its
// keeping, erased with the advertiser) is dropped on the way.
func (r *ReplyReview) StaffQueue(ctx context.Context, pg Page) ([]ReviewItem, string, error) {
	now := r.Now()
	out := []ReviewItem{}
	next, err := r.Queue.ReviewPage(ctx, pg, now, func(e ReviewEntry) error {
		h, err := r.Queue.HeldReply(ctx, e.ReplyID, now)
		if errors.Is(err, ErrNoReply) {
			return r.Queue.Drop(ctx, e.ReplyID)
		}
		if err != nil || h.Status != ReplyInReview {
			return err
		}
		out = append(out, reviewItem(h, e))
		return nil
	})
	return out, next, err
}

func reviewItem(h Reply, e ReviewEntry) ReviewItem {
	it := ReviewItem{ID: h.ID, ListingID: h.ListingID, ListingTitle: h.ListingTitle, Name: h.Name, Email: h.Email,
		Message: h.Message, SentAt: h.CreatedAt, KeptUntil: h.ExpiresAt, Decision: h.Decision, Reasons: e.Reasons, QueuedAt: e.QueuedAt}
	if it.Decision.Features == nil {
		it.Decision.Features = []spam.Feature{}
	}
	if it.Reasons == nil {
		it.Reasons = []string{}
	}
	return it
}

// Release delivers a queued reply as if it had never been withheld: the
// advertiser's mail and their list, with the reply's original time. Exactly one
// decision on a reply wins: a second one, or one racing it, is 409 and changes
// nothing.
func (r *ReplyReview) Release(ctx context.Context, staff access.Principal, id string) error {
	return r.decide(ctx, staff, id, DecisionRelease, func(h Reply) error {
		return r.Replies.Deliver(ctx, h, ReplyInReview)
	})
}

// ConfirmSpam confirms the filter: the reply stays held, never delivered, and is
// deleted at the end of its stated keeping (WithheldReplyDays after it was sent,
// unchanged by the review), as every held reply is. Conditional as Release.
func (r *ReplyReview) ConfirmSpam(ctx context.Context, staff access.Principal, id string) error {
	return r.decide(ctx, staff, id, DecisionSpam, func(h Reply) error {
		now := r.Now()
		spamReply := h
		spamReply.Status, spamReply.ReviewedAt = ReplySpam, &now
		return r.Replies.Store.ChangeReply(ctx, spamReply, ReplyInReview)
	})
}

// decide carries out one decision: the reply must be queued and in review (404
// for an unknown or malformed id, 409 once decided); change moves it on, on the
// condition that it is still in review, so that only one decision wins; the
// entry then leaves the queue and the decision is audited.
func (r *ReplyReview) decide(ctx context.Context, staff access.Principal, id, decision string, change func(Reply) error) error {
	if !staff.HasRole(access.RoleStaff) || staff.AccountID == "" {
		return problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	conflict, notFound := problem.New(http.StatusConflict, problem.CodeConflict), problem.New(http.StatusNotFound, problem.CodeNotFound)
	if !ids.ValidV7(id) {
		return notFound
	}
	now := r.Now()
	e, err := r.Queue.Queued(ctx, id, now)
	switch {
	case errors.Is(err, ErrReviewDecided):
		return conflict
	case errors.Is(err, ErrNotQueued):
		return notFound
	case err != nil:
		return err
	}
	h, err := r.Queue.HeldReply(ctx, id, now)
	if errors.Is(err, ErrNoReply) {
		return notFound
	}
	if err != nil {
		return err
	}
	if h.Status != ReplyInReview {
		return conflict
	}
	until := now
	if h.ExpiresAt != nil {
		until = *h.ExpiresAt
	}
	if err := change(h); errors.Is(err, ErrReplyChanged) {
		return conflict
	} else if err != nil {
		return err
	}
	// The reply has moved on; the entry follows. Should this write fail, the
	// entry stays but the queue no longer shows it (the reply is not in review)
	// and a repeated decision is 409 by the reply's status.
	if err := r.Queue.Decided(ctx, e, decision, until, now); err != nil && !errors.Is(err, ErrReviewDecided) {
		return err
	}
	if err := r.Audit.Record(ctx, AuditAction(decision), staff.AccountID, h.Recipient, "reply "+h.ID); err != nil {
		return err
	}
	r.Log.InfoContext(ctx, "withheld reply decided", slog.String("replyId", h.ID), slog.String("decision", decision), slog.String("staffId", staff.AccountID))
	return nil
}
