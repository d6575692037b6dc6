package rights

import (
	"context"
	"errors"
	"time"

	"kontor/shared/privacy"
)

// SelfModule is the privacy module's own data as a privacy.Module: the consent
// ledger, restriction and objection flags, legal holds and erasure jobs.
type SelfModule struct{ Store SelfStore }

var fromPortal = privacy.Text{DE: "Vom Portal erfasst, auf Ihre Erklärung hin.", EN: "Recorded by the portal on your statement."}

// Name implements privacy.Module.
func (m SelfModule) Name() string { return "privacy" }

// Kinds implements privacy.Module.
func (m SelfModule) Kinds() []privacy.Kind {
	operator := privacy.Text{DE: "Keine Weitergabe; nur der Betreiber des Portals.", EN: "Not disclosed; the portal's operator only."}
	return []privacy.Kind{
		{ID: "privacy.consents", Module: "privacy", Table: "PrivacyTable",
			Category:   privacy.Text{DE: "Einwilligungen und ihr Verlauf", EN: "Consents and their history"},
			Fields:     []string{"purpose", "granted", "textVersion", "grantedAt", "withdrawnAt"},
			Purpose:    privacy.Text{DE: "Nachweis erteilter und widerrufener Einwilligungen (Art. 7 Abs. 1 DSGVO).", EN: "Proof of consents given and withdrawn (Art. 7(1) GDPR)."},
			LegalBasis: privacy.LegalObligation, Recipients: operator, Source: fromPortal,
			Retention: privacy.Retention{Rule: privacy.Text{DE: "Solange der Zugang besteht.", EN: "While the access exists."}}},
		{ID: "privacy.flags", Module: "privacy", Table: "PrivacyTable",
			Category:   privacy.Text{DE: "Einschränkung und Widerspruch", EN: "Restriction and objection"},
			Fields:     []string{"kind", "since"},
			Purpose:    privacy.Text{DE: "Ihre Rechte nach Art. 18 und 21 DSGVO umsetzen.", EN: "Carry out your rights under Art. 18 and 21 GDPR."},
			LegalBasis: privacy.LegalObligation, Recipients: operator, Source: fromPortal,
			Retention: privacy.Retention{Rule: privacy.Text{DE: "Bis zur Aufhebung oder Löschung des Zugangs.", EN: "Until lifted or the access is erased."}}},
		{ID: "privacy.holds", Module: "privacy", Table: "PrivacyTable",
			Category:   privacy.Text{DE: "Aufbewahrung wegen rechtlicher Ansprüche", EN: "Legal hold"},
			Fields:     []string{"accountId", "reason", "placedBy", "placedAt"},
			Purpose:    privacy.Text{DE: "Daten trotz Löschwunsch aufbewahren, solange ein rechtlicher Grund besteht.", EN: "Keep data despite erasure while a legal reason exists."},
			LegalBasis: privacy.LegalObligation, Recipients: operator, Source: privacy.Text{DE: "Vom Betreiber.", EN: "From the operator."},
			Retention: privacy.Retention{Rule: privacy.Text{DE: "Bis zur Aufhebung.", EN: "Until lifted."}}},
		{ID: "privacy.erasure", Module: "privacy", Table: "PrivacyTable",
			Category:   privacy.Text{DE: "Löschaufträge (nur Kennung)", EN: "Erasure requests (id only)"},
			Fields:     []string{"accountId", "reason", "status", "requestedAt", "email (only until the job is done)"},
			Purpose:    privacy.Text{DE: "Löschung vollständig durchführen und nachweisen.", EN: "Carry out and prove an erasure."},
			LegalBasis: privacy.LegalObligation, Recipients: operator, Source: fromPortal,
			Retention: privacy.Retention{Rule: privacy.Text{DE: "90 Tage nach dem Auftrag.", EN: "90 days after the request."}}},
		{ID: "privacy.audit", Module: "privacy", Table: "PrivacyTable",
			Category:   privacy.Text{DE: "Protokoll der Verwaltungsvorgänge (nur Kennungen und Gründe)", EN: "Audit log of admin actions (ids and reasons only)"},
			Fields:     []string{"action", "actor", "subject", "reason", "at"},
			Purpose:    privacy.Text{DE: "Nachvollziehbarkeit von Eingriffen der Verwaltung.", EN: "Accountability for admin actions."},
			LegalBasis: privacy.LegitimateInterest, Recipients: operator, Source: privacy.Text{DE: "Vom Portal erfasst.", EN: "Recorded by the portal."},
			Retention: privacy.Retention{Rule: privacy.Text{DE: "3 Jahre.", EN: "3 years."}}},
	}
}

// Export implements privacy.Module.
func (m SelfModule) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	consents, err := m.Store.Consents(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	history, err := m.Store.ConsentHistory(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	flags, err := m.Store.Flags(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{
		"privacy.consents": map[string]any{"current": nonNil(consents), "history": nonNil(history)},
		"privacy.flags":    nonNil(flags),
		"privacy.holds":    nil,
		"privacy.erasure":  nil,
	}
	audit, err := m.Store.AuditFor(ctx, s.AccountID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	out["privacy.audit"] = audit
	if h, err := m.Store.Hold(ctx, s.AccountID); err == nil {
		out["privacy.holds"] = h
	} else if !errors.Is(err, privacy.ErrNotFound) {
		return nil, err
	}
	if j, err := m.Store.Job(ctx, s.AccountID); err == nil {
		out["privacy.erasure"] = j
	} else if !errors.Is(err, privacy.ErrNotFound) {
		return nil, err
	}
	return out, nil
}

// Erase implements privacy.Module. The erasure job record itself stays as proof
// (account id only), and expires after 90 days. Audit entries naming the person
// (and their per-person copies) stay for the audit retention: the log of admin
// actions outlives the account.
func (m SelfModule) Erase(ctx context.Context, s privacy.Subject) error {
	return m.Store.DeleteSubject(ctx, s.AccountID)
}

// Sweep implements privacy.Module: erasure jobs, audit entries and receipts past
// their retention. None of them is held data: a hold keeps the person's data, not
// the records about the privacy process.
func (m SelfModule) Sweep(ctx context.Context, now time.Time, _ *privacy.Held) (map[string]int, error) {
	return m.Store.SweepExpired(ctx, now)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
