package classifieds

import (
	"context"
	"time"
)

// OfferCounter is what the plan gate reads (classifiedsdb).
type OfferCounter interface {
	// PublishedOffers counts the advertiser's offers public at now, stopping at
	// limit.
	PublishedOffers(ctx context.Context, accountID string, now time.Time, limit int) (int, error)
	// PlanValidUntil returns the last day of the advertiser's plan ("" none).
	PlanValidUntil(ctx context.Context, accountID string) (string, error)
}

// OfferGate holds publications of offers to the flat rate (HGK-6): without a valid
// plan an advertiser may have at most Free published offers at once. Searches are
// always free.
type OfferGate struct {
	Store OfferCounter
	Free  int
}

// allowOffer is called from every path that makes a listing of kind a public
// offer of accountID: publication, confirmation, and an edit turning a search into
// an offer. Without a gate (s.Offers nil) every publication is allowed.
func (s *Listings) allowOffer(ctx context.Context, accountID, kind string, now time.Time) error {
	if s.Offers == nil || kind != KindOffer {
		return nil
	}
	return s.Offers.Allow(ctx, accountID, now)
}

// Allow refuses (403 plan_required) one more published offer of accountID at now
// when they have Free already and no valid plan. Two publications at the same
// moment may both pass the count: the limit is a commercial one, not a safety one.
func (g *OfferGate) Allow(ctx context.Context, accountID string, now time.Time) error {
	until, err := g.Store.PlanValidUntil(ctx, accountID)
	if err != nil || PlanValid(until, now) {
		return err
	}
	n, err := g.Store.PublishedOffers(ctx, accountID, now, g.Free)
	if err != nil {
		return err
	}
	if n >= g.Free {
		return planRequired()
	}
	return nil
}
