package insurancedb

import (
	"context"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

// claimRef is a claim's entry in its owner's list and in the review queue.
type claimRef struct {
	ID string `dynamodbav:"claimId"`
}

// Claim returns one claim, or insurance.ErrNotFound.
func (s *Store) Claim(ctx context.Context, id string, now time.Time) (insurance.Claim, error) {
	var cl insurance.Claim
	err := s.get(ctx, claimKey(id), &cl, now)
	return cl, err
}

// CreateClaim writes a new claim with its entries in the owner's list and the
// review queue, in one transaction: a write cut off half way leaves none of them.
func (s *Store) CreateClaim(ctx context.Context, cl insurance.Claim) error {
	ref := claimRef{ID: cl.ID}
	return domainErr(s.table().Create(ctx,
		dynamo.Write{Key: claimKey(cl.ID), V: cl},
		dynamo.Write{Key: accountClaimKey(cl.AccountID, cl.ID), V: ref},
		dynamo.Write{Key: reviewKey(cl), V: ref}))
}

// UpdateClaim writes cl if the stored claim still has version prev;
// insurance.ErrConflict otherwise.
func (s *Store) UpdateClaim(ctx context.Context, cl insurance.Claim, prev int) error {
	return s.put(ctx, claimKey(cl.ID), cl, time.Time{}, dynamo.Cond{
		Expr: "#v = :v", Values: dynamo.Item{":v": dynamo.N(int64(prev))}, Names: map[string]string{"#v": "version"}})
}

// ClaimPage calls fn with the ids of one page of an account's claims, newest
// first, and returns the cursor of the next page.
func (s *Store) ClaimPage(ctx context.Context, accountID string, pg insurance.Page, now time.Time, fn func(claimID string) error) (string, error) {
	return page(ctx, s, accountPK(accountID), claimPrefix, pg, true, now, claimIDs(fn))
}

// ClaimsOf calls fn with the id of every claim of an account.
func (s *Store) ClaimsOf(ctx context.Context, accountID string, now time.Time, fn func(claimID string) error) error {
	return s.table().Query(ctx, accountPK(accountID), claimPrefix, now, decoded(claimIDs(fn)))
}

func claimIDs(fn func(string) error) func(claimRef) error {
	return func(r claimRef) error { return fn(r.ID) }
}

// ReviewPage calls fn with the ids of one page of the review queue, oldest first,
// and returns the cursor of the next page.
func (s *Store) ReviewPage(ctx context.Context, pg insurance.Page, now time.Time, fn func(claimID string) error) (string, error) {
	return page(ctx, s, reviewPK, "", pg, false, now, claimIDs(fn))
}

// Unqueue removes a claim from the review queue.
func (s *Store) Unqueue(ctx context.Context, cl insurance.Claim) error {
	return s.table().Delete(ctx, reviewKey(cl))
}

// DeleteClaim deletes a claim with its entries in the review queue and the owner's
// list, in one transaction: none stays without the others.
func (s *Store) DeleteClaim(ctx context.Context, cl insurance.Claim) error {
	return s.table().Transact(ctx,
		dynamo.Write{Key: reviewKey(cl), Delete: true},
		dynamo.Write{Key: accountClaimKey(cl.AccountID, cl.ID), Delete: true},
		dynamo.Write{Key: claimKey(cl.ID), Delete: true})
}

// Claims calls fn with the claims of the sweep's next part of the table (the
// retention sweep's; a run reads a bounded part, the next run goes on).
func (s *Store) Claims(ctx context.Context, fn func(insurance.Claim) error) error {
	_, err := s.table().Sweep(ctx, dynamo.Sweep{Name: "claims"}, withSortKey(claimSK), decoded(fn))
	return err
}

// ReviewQueue maps the ids of the queued claims to their entries in the queue.
func (s *Store) ReviewQueue(ctx context.Context, now time.Time) (map[string]string, error) {
	out := map[string]string{}
	err := s.table().Query(ctx, reviewPK, "", now, func(it dynamo.Item) error {
		var ref claimRef
		if err := dynamo.Unmarshal(it, &ref); err != nil {
			return err
		}
		if sk := dynamo.String(it, dynamo.SK); sk != "" {
			out[ref.ID] = sk
		}
		return nil
	})
	return out, err
}

// RestoreClaimIndexes writes a claim's entries in the review queue and in its
// owner's list again, after a write that was cut off half way.
func (s *Store) RestoreClaimIndexes(ctx context.Context, cl insurance.Claim) error {
	ref := claimRef{ID: cl.ID}
	if err := s.put(ctx, reviewKey(cl), ref, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	return s.put(ctx, accountClaimKey(cl.AccountID, cl.ID), ref, time.Time{}, dynamo.Cond{})
}

// RemoveQueueEntry removes an entry of the review queue (as ReviewQueue names it).
func (s *Store) RemoveQueueEntry(ctx context.Context, entry string) error {
	return s.table().Delete(ctx, queueKey(entry))
}
