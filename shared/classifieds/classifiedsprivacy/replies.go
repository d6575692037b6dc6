package classifiedsprivacy

import (
	"context"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/privacy"
)

// RepliesStore is what export, erasure and sweep of replies need.
type RepliesStore interface {
	EachReply(ctx context.Context, recipient string, fn func(classifieds.Reply) error) error
	EraseReplies(ctx context.Context, recipient string) error
	SweepHeldReplies(ctx context.Context, now time.Time) (int, error)
}

// exportReplies adds the replies an account received and had delivered; the
// withheld ones are never in an export (null): not the advertiser's data, and
// never received by them (classifieds.KindRepliesWithheld).
func (m Module) exportReplies(ctx context.Context, s privacy.Subject, out map[string]any) error {
	rs := []classifieds.Reply{}
	out[classifieds.KindRepliesReceived], out[classifieds.KindRepliesWithheld] = rs, nil
	if s.AccountID == "" {
		return nil
	}
	err := m.Store.EachReply(ctx, s.AccountID, func(r classifieds.Reply) error {
		if !r.Held() {
			rs = append(rs, r)
		}
		return nil
	})
	out[classifieds.KindRepliesReceived] = rs
	return err
}

// eraseReplies deletes every reply the account received, delivered or held
// (HGK-9: at the latest with the advertiser's account).
func (m Module) eraseReplies(ctx context.Context, s privacy.Subject) error {
	if s.AccountID == "" {
		return nil
	}
	return m.Store.EraseReplies(ctx, s.AccountID)
}

// sweepReplies deletes held replies past their end (HGK-10).
func (m Module) sweepReplies(ctx context.Context, now time.Time, counts map[string]int) error {
	n, err := m.Store.SweepHeldReplies(ctx, now)
	counts[classifieds.KindRepliesWithheld] = n
	return err
}
