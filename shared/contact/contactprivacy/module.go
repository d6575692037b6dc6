// Package contactprivacy gives the privacy core access to the contact module's
// data: export, erasure and the retention sweep of contact requests.
package contactprivacy

import (
	"context"
	"time"

	"kontor/shared/contact"
	"kontor/shared/privacy"
)

// Module implements privacy.Module for contact requests.
type Module struct {
	Store contact.Store
	Now   func() time.Time
}

// Name implements privacy.Module.
func (m Module) Name() string { return "contact" }

// Kinds implements privacy.Module.
func (m Module) Kinds() []privacy.Kind { return contact.PrivacyKinds() }

func (m Module) mine(ctx context.Context, s privacy.Subject, fn func(contact.Request) error) error {
	return m.Store.Of(ctx, s.AccountID, s.Email, func(r contact.Request) error {
		if r.Of(s) {
			return fn(r)
		}
		return nil
	})
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	out := []contact.Request{}
	err := m.mine(ctx, s, func(r contact.Request) error { out = append(out, r); return nil })
	return map[string]any{"contact.requests": out}, err
}

// Erase implements privacy.Module. A request under a legal retention duty stays
// until its period ends.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	now := m.Now()
	return m.mine(ctx, s, func(r contact.Request) error {
		if r.Retained(now) {
			return nil
		}
		return m.Store.Remove(ctx, r)
	})
}

// Sweep implements privacy.Module: resolved requests without a running retention
// duty are deleted (CP-3, H4U-8); open ones and those of held persons stay. It also
// heals the count of open requests (contact.MaxOpen) should it have drifted.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	if err := m.Store.RecountOpen(ctx); err != nil {
		return counts, err
	}
	err := m.Store.Each(ctx, func(r contact.Request) error {
		if !r.Finished(now) {
			return nil
		}
		if r.AccountID != "" && held.Keep(r.AccountID) {
			return nil
		}
		counts["contact.requests"]++
		return m.Store.Remove(ctx, r)
	})
	return counts, err
}
