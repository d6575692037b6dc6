package contact

import (
	"context"
	"time"

	"kontor/shared/privacy"
)

// Module implements privacy.Module for contact requests.
type Module struct{ Store *Store }

// Name implements privacy.Module.
func (m Module) Name() string { return "contact" }

// Kinds implements privacy.Module.
func (m Module) Kinds() []privacy.Kind {
	return []privacy.Kind{{
		ID: "contact.requests", Module: "contact", Table: "ContactTable",
		Category:   privacy.Text{DE: "Kontaktanfragen", EN: "Contact requests"},
		Fields:     []string{"email", "name", "subject", "message", "appLog", "consentVersion", "consentAt", "status"},
		Purpose:    privacy.Text{DE: "Ihre Anfrage bearbeiten.", EN: "Handle your request."},
		LegalBasis: privacy.Consent,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis zur abschließenden Bearbeitung, dann automatisch gelöscht; länger nur bei gesetzlicher Aufbewahrungspflicht (mit Frist und Grund).",
			EN: "Until finally handled, then deleted automatically; longer only under a legal retention duty (with period and reason)."}},
		Recipients: privacy.Text{DE: "Die bearbeitenden Mitarbeitenden des Betreibers.", EN: "The operator's staff handling it."},
		Source:     privacy.Text{DE: "Von Ihnen über das Kontaktformular.", EN: "From you, through the contact form."},
	}}
}

func (m Module) mine(ctx context.Context, s privacy.Subject, fn func(Request) error) error {
	return m.Store.each(ctx, func(r Request) error {
		if (s.AccountID != "" && r.AccountID == s.AccountID) || (s.Email != "" && r.Email == s.Email) {
			return fn(r)
		}
		return nil
	})
}

// Export implements privacy.Module.
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	out := []Request{}
	err := m.mine(ctx, s, func(r Request) error { out = append(out, r); return nil })
	return map[string]any{"contact.requests": out}, err
}

// Erase implements privacy.Module. A request under a legal retention duty stays
// until its period ends.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	now := m.Store.Now()
	return m.mine(ctx, s, func(r Request) error {
		if r.RetainUntil != nil && r.RetainUntil.After(now) {
			return nil
		}
		return m.Store.remove(ctx, r)
	})
}

// Sweep implements privacy.Module: resolved requests without a running retention
// duty are deleted (CP-3, H4U-8); open ones and those of held persons stay.
func (m Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	err := m.Store.each(ctx, func(r Request) error {
		if r.Status != StatusResolved || (r.RetainUntil != nil && r.RetainUntil.After(now)) {
			return nil
		}
		if r.AccountID != "" && held.Keep(r.AccountID) {
			return nil
		}
		counts["contact.requests"]++
		return m.Store.remove(ctx, r)
	})
	return counts, err
}
