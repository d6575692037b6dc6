// Package insuranceprivacy is the insurance module's side of the privacy protocol:
// export, erasure, consent withdrawal and the retention sweep over the module's
// table and invoice bucket. It runs only inside the module's own privacy function;
// the privacy core reaches it through protocol.Remote.
package insuranceprivacy

import (
	"context"
	"time"

	"kontor/shared/insurance"
	"kontor/shared/insurance/insurancedb"
	"kontor/shared/privacy"
)

// Module is the insurance data as a privacy.Module.
type Module struct {
	Store *insurancedb.Store
	// Claims removes claims with their invoices, on the same store and the invoice
	// bucket.
	Claims *insurance.Claims
	// ContractRetentionYears is how long a contract record stays after the
	// contract ended.
	ContractRetentionYears int
	// ClaimRetention is how long a decided claim and its invoices stay
	// (ClaimRetentionDays).
	ClaimRetention time.Duration
}

// Name implements privacy.Module.
func (Module) Name() string { return "insurance" }

// Kinds implements privacy.Module.
func (Module) Kinds() []privacy.Kind { return insurance.Kinds() }

// ExportLinkTTL is how long the invoice links in an export stay valid.
const ExportLinkTTL = 15 * time.Minute

// ExportInvoice is an invoice in the export, with a short-lived download link.
type ExportInvoice struct {
	ClaimID string `json:"claimId"`
	insurance.Invoice
	Download string `json:"download,omitempty"`
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	now := m.Claims.Now()
	out := map[string]any{"insurance.contracts": []insurance.Contract{}, "insurance.portal-link": nil, "insurance.registrations": []insurance.Registration{}, "insurance.claims": []insurance.Claim{}, "insurance.invoices": []ExportInvoice{}}
	if s.AccountID != "" {
		link, ok, err := m.Store.LinkOf(ctx, s.AccountID, now)
		if err != nil {
			return nil, err
		}
		if ok {
			out["insurance.portal-link"] = link
			cs, err := m.Store.CustomerContracts(ctx, link.CustomerNumber, now)
			if err != nil {
				return nil, err
			}
			out["insurance.contracts"] = cs
		}
		claims, err := m.Claims.All(ctx, s.AccountID)
		if err != nil {
			return nil, err
		}
		invs := []ExportInvoice{}
		for _, cl := range claims {
			for _, inv := range cl.Invoices {
				ei := ExportInvoice{ClaimID: cl.ID, Invoice: inv}
				if inv.Status == insurance.InvoiceStored {
					url, err := m.Claims.InvoiceLink(ctx, cl, inv, ExportLinkTTL)
					if err != nil {
						return nil, err
					}
					ei.Download = url
				}
				invs = append(invs, ei)
			}
		}
		out["insurance.claims"] = claims
		out["insurance.invoices"] = invs
	}
	if s.Email != "" {
		regs := []map[string]any{}
		err := m.registrationsOf(ctx, s.Email, now, func(r insurance.Registration) error {
			regs = append(regs, map[string]any{"id": r.ID, "email": r.Email, "phone": r.Phone, "contractNumber": r.ContractNumber,
				"activation": r.Method, "eidResult": r.EIDResult, "createdAt": r.CreatedAt, "activatedAt": r.ActivatedAt, "expiresAt": r.ExpiresAt})
			return nil
		})
		if err != nil {
			return nil, err
		}
		out["insurance.registrations"] = regs
	}
	return out, nil
}

func (m Module) registrationsOf(ctx context.Context, email string, now time.Time, fn func(insurance.Registration) error) error {
	return m.Store.RegistrationsOf(ctx, email, now, func(r insurance.Registration) error {
		if r.Email != email {
			return nil
		}
		return fn(r)
	})
}

// Erase implements privacy.Module: claims and invoices, the portal link, open
// registrations and the records of activated ones (with a letter still queued) go. Contract records are the insurer's and stay for their legal
// retention (H4U-9); they are no longer linked to any access.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	now := m.Claims.Now()
	if s.AccountID != "" {
		if _, err := m.deleteClaims(ctx, s.AccountID); err != nil {
			return err
		}
		link, ok, err := m.Store.LinkOf(ctx, s.AccountID, now)
		if err != nil {
			return err
		}
		if ok {
			if err := m.Store.DeleteLink(ctx, s.AccountID, link.CustomerNumber); err != nil {
				return err
			}
		}
	}
	if s.Email != "" {
		return m.registrationsOf(ctx, s.Email, now, func(r insurance.Registration) error { return m.Store.DeleteRegistration(ctx, r) })
	}
	return nil
}

func (m Module) deleteClaims(ctx context.Context, accountID string) (int, error) {
	claims, err := m.Claims.All(ctx, accountID)
	if err != nil {
		return 0, err
	}
	for _, cl := range claims {
		if err := m.Claims.Remove(ctx, cl); err != nil {
			return 0, err
		}
	}
	return len(claims), nil
}

// OnWithdraw deletes the claims and invoices, which rest on the processing and the
// health-data consents, when either is withdrawn.
func (m Module) OnWithdraw(ctx context.Context, s privacy.Subject, purpose string) (int, error) {
	if s.AccountID == "" || (purpose != insurance.PurposeHealth && purpose != insurance.PurposeProcessing) {
		return 0, nil
	}
	return m.deleteClaims(ctx, s.AccountID)
}

// Sweep implements privacy.Module: uploads never completed within an hour, decided
// claims past ClaimRetention, contracts ended more than ContractRetentionYears ago, and
// items past their expiry; held persons' data stays.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	queued, err := m.Store.ReviewQueue(ctx, now)
	if err != nil {
		return counts, err
	}
	err = m.Store.Claims(ctx, func(cl insurance.Claim) error {
		if err := m.repairIndexes(ctx, cl, queued); err != nil {
			return err
		}
		if held.Keep(cl.AccountID) {
			return nil
		}
		if cl.DecidedAt != nil && now.Sub(*cl.DecidedAt) > m.ClaimRetention {
			counts["insurance.claims"]++
			counts["insurance.invoices"] += len(cl.Invoices)
			return m.Claims.Remove(ctx, cl)
		}
		dropped, err := m.Claims.DropStaleUploads(ctx, cl, now)
		counts["insurance.invoices"] += dropped
		return err
	})
	if err != nil {
		return counts, err
	}
	stale, err := m.Claims.SweepStaging(ctx, now)
	if err != nil {
		return counts, err
	}
	counts["insurance.invoices"] += stale
	err = m.Store.ContractRecords(ctx, func(c insurance.Contract) error {
		if c.EndsOn == "" {
			return nil
		}
		end, err := time.Parse(time.DateOnly, c.EndsOn)
		if err != nil || !now.After(end.AddDate(m.ContractRetentionYears, 0, 1)) {
			return nil
		}
		heldLink := false
		err = m.Store.CustomerLinks(ctx, c.Holder.CustomerNumber, now, func(l insurance.Link) error {
			heldLink = heldLink || held.Keep(l.AccountID)
			return nil
		})
		if err != nil || heldLink {
			return err
		}
		counts["insurance.contracts"]++
		return m.Store.DeleteContract(ctx, c)
	})
	if err != nil {
		return counts, err
	}
	// Queue entries whose claim is gone.
	for id := range queued {
		if err := m.Store.RemoveQueueEntry(ctx, queued[id]); err != nil {
			return counts, err
		}
	}
	n, err := m.Store.SweepExpired(ctx, now)
	counts["insurance.registrations"] += n
	return counts, err
}

// repairIndexes makes a claim's index entries whole again after a write that was
// cut off half way: an undecided claim is in the review queue and in its owner's
// list, a decided one is no longer queued. It removes the claim from queued, so
// what remains there afterwards has no claim.
func (m Module) repairIndexes(ctx context.Context, cl insurance.Claim, queued map[string]string) error {
	entry, inQueue := queued[cl.ID]
	delete(queued, cl.ID)
	switch {
	case cl.DecidedAt == nil && !inQueue:
		return m.Store.RestoreClaimIndexes(ctx, cl)
	case cl.DecidedAt != nil && inQueue:
		return m.Store.RemoveQueueEntry(ctx, entry)
	}
	return nil
}
