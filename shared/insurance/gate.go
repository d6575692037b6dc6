package insurance

import (
	"context"

	"kontor/shared/httpapi"
	"kontor/shared/privacy"
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

// PortalGate is the gate of every customer route: the processing consent asked at
// first sign-in (H4U-3).
var PortalGate = &httpapi.Gate{Consents: []httpapi.Consent{{Purpose: PurposeProcessing, Missing: CodeProcessingConsentRequired}}}

// ClaimsGate is the gate of the claim routes: the processing consent first, then
// the explicit health-data consent (H4U-7); while processing is restricted (Art. 18)
// claims are only stored and shown, nothing is added.
var ClaimsGate = &httpapi.Gate{
	Consents: []httpapi.Consent{
		{Purpose: PurposeProcessing, Missing: CodeProcessingConsentRequired},
		{Purpose: PurposeHealth, Missing: CodeHealthConsentRequired},
	},
	WritesStopWhenRestricted: true,
}

// Restrictions tells whether a person restricted the processing of their data
// (Art. 18): it is then only stored, neither added to nor decided on (the privacy
// module's ledger).
type Restrictions interface {
	IsRestricted(ctx context.Context, accountID string) (bool, error)
}
