package contact

import "kontor/shared/privacy"

// PrivacyKinds declares the personal data the contact module stores.
func PrivacyKinds() []privacy.Kind {
	return []privacy.Kind{{
		ID: "contact.requests", Module: "contact", Table: "ContactTable",
		Category:   privacy.Text{DE: "Kontaktanfragen", EN: "Contact requests"},
		Fields:     []string{"email", "name", "subject", "message", "appLog", "consentVersion", "consentAt", "status", "person"},
		Purpose:    privacy.Text{DE: "Ihre Anfrage bearbeiten.", EN: "Handle your request."},
		LegalBasis: privacy.Consent,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis zur abschließenden Bearbeitung, dann automatisch gelöscht; länger nur bei gesetzlicher Aufbewahrungspflicht (mit Frist und Grund).",
			EN: "Until finally handled, then deleted automatically; longer only under a legal retention duty (with period and reason)."}},
		Recipients: privacy.Text{DE: "Die bearbeitenden Mitarbeitenden des Betreibers.", EN: "The operator's staff handling it."},
		Source:     privacy.Text{DE: "Von Ihnen über das Kontaktformular.", EN: "From you, through the contact form."},
	}}
}
