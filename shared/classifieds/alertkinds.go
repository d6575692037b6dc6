package classifieds

import "kontor/shared/privacy"

// Kinds of personal data of alerts for new listings.
const (
	KindAlerts        = "classifieds.alerts"
	KindPendingAlerts = "classifieds.pendingAlerts"
)

// alertKinds declares the alerts of an account and the alerts waiting for their
// address to be confirmed.
func alertKinds() []privacy.Kind {
	return []privacy.Kind{
		{
			ID: KindAlerts, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Benachrichtigungen über neue Inserate", EN: "Alerts for new listings"},
			Fields:   []string{"criteria (kind, area, boatType, from, to, words)", "frequency", "language", "paused", "createdAt", "confirmedAt", "updatedAt"},
			Purpose: privacy.Text{DE: "Ihnen neue Inserate, die Ihren Suchkriterien entsprechen, per E-Mail senden (einzeln oder täglich gesammelt).",
				EN: "Mail you new listings that match your criteria (one by one or in a daily digest)."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie die Benachrichtigung löschen oder abbestellen oder Ihr Nutzerkonto gelöscht wird.",
				EN: "Until you delete or unsubscribe from the alert or your account is deleted."}},
			Recipients: privacy.Text{DE: "Niemand außer Ihnen.", EN: "No one but you."},
			Source:     privacy.Text{DE: "Von Ihnen, im Formular für Benachrichtigungen.", EN: "From you, through the alert form."},
		},
		{
			ID: KindPendingAlerts, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Unbestätigte Benachrichtigungen", EN: "Unconfirmed alerts"},
			Fields:   []string{"pendingEmail", "criteria", "frequency", "language", "termsVersion", "privacyVersion", "createdAt", "expiresAt"},
			Purpose: privacy.Text{DE: "Eine ohne Nutzerkonto bestellte Benachrichtigung aufbewahren, bis Sie Ihre E-Mail-Adresse über den zugesandten Link bestätigen (Double-Opt-in).",
				EN: "Keep an alert asked for without an account until you confirm your email address through the link sent to it (double opt-in)."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Bestätigung, höchstens einige Tage (Einstellung AlertConfirmDays, 3 Tage vorgegeben); dann automatisch gelöscht. Auskunft und Löschung finden sie über Ihre E-Mail-Adresse.",
				EN: "Until confirmed, a few days at most (setting AlertConfirmDays, 3 days by default); then deleted automatically. An access request and an erasure find them by your email address."}},
			Recipients: privacy.Text{DE: "Niemand; vor der Bestätigung wird nichts versandt außer dem Bestätigungslink.", EN: "No one; nothing but the confirmation link is mailed before the confirmation."},
			Source:     privacy.Text{DE: "Von Ihnen, im Formular für Benachrichtigungen ohne Konto.", EN: "From you, through the alert form without an account."},
		},
	}
}
