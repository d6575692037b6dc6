package insurance

import (
	"context"
	"net/http"

	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/problem"
)

// Consent purposes the portal's routes depend on.
const (
	PurposeProcessing = "portal-processing" // H4U-3: everything submitted through the portal
	PurposeHealth     = "health-data"       // H4U-7: Art. 9(2)(a), invoices
)

// Purposes are the consents the insurance portal asks for, in their current text.
func Purposes() []privacy.Purpose {
	return []privacy.Purpose{
		{ID: PurposeProcessing, Version: "2026-01", LegalBasis: privacy.Consent, Description: privacy.Text{
			DE: "Verarbeitung aller Angaben, die Sie über das Portal übermitteln.",
			EN: "Processing of everything you submit through the portal."}},
		{ID: PurposeHealth, Version: "2026-01", LegalBasis: privacy.ExplicitConsent, Description: privacy.Text{
			DE: "Verarbeitung von Gesundheitsdaten in eingereichten Rechnungen, nur zur Prüfung und Erstattung.",
			EN: "Processing of health data in submitted invoices, only for review and reimbursement."}},
	}
}

// ConsentReader reads a person's current consents and flags (the privacy module's
// ledger).
type ConsentReader interface {
	Consents(ctx context.Context, accountID string) ([]privacydb.Consent, error)
	IsRestricted(ctx context.Context, accountID string) (bool, error)
}

// Gate answers 403 with a code the app acts on (it asks for the consent) when a
// route's consents are not granted.
type Gate struct{ Consents ConsentReader }

// Require checks that every purpose is granted, in order: the processing consent
// first (asked at first sign-in), then the health-data consent.
func (g Gate) Require(ctx context.Context, accountID string, purposes ...string) error {
	cs, err := g.Consents.Consents(ctx, accountID)
	if err != nil {
		return err
	}
	granted := map[string]bool{}
	for _, c := range cs {
		if c.Granted {
			granted[c.Purpose] = true
		}
	}
	for _, p := range purposes {
		if granted[p] {
			continue
		}
		if p == PurposeHealth {
			return problem.New(http.StatusForbidden, CodeHealthConsentRequired)
		}
		return problem.New(http.StatusForbidden, CodeProcessingConsentRequired)
	}
	return nil
}

// Restricted reports whether the person restricted the processing of their data
// (Art. 18): it is then only stored, neither added to nor decided on.
func (g Gate) Restricted(ctx context.Context, accountID string) (bool, error) {
	return g.Consents.IsRestricted(ctx, accountID)
}

// Unrestricted answers 403 processing_restricted while the person's processing is
// restricted.
func (g Gate) Unrestricted(ctx context.Context, accountID string) error {
	r, err := g.Restricted(ctx, accountID)
	if err == nil && r {
		return problem.New(http.StatusForbidden, problem.CodeProcessingRestricted)
	}
	return err
}
