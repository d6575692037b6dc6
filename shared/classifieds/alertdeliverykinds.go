package classifieds

import "kontor/shared/privacy"

// Kinds of the alert delivery (alertmatch.go): what it keeps of a subscriber
// between a match and its mail, and the one-click links of the mails sent.
const (
	KindAlertDigest = "classifieds.alertDigest"
	KindAlertLinks  = "classifieds.alertLinks"
)

// alertDigestKind declares a daily alert's matches waiting for the digest.
func alertDigestKind() privacy.Kind {
	return privacy.Kind{
		ID: KindAlertDigest, Module: "classifieds", Table: "ClassifiedsTable",
		Category: privacy.Text{DE: "Treffer Ihrer täglichen Suchaufträge", EN: "Matches of your daily alerts"},
		Fields:   []string{"alertId", "listingId", "at"},
		Purpose: privacy.Text{DE: "Die neuen Inserate zu einem täglichen Suchauftrag bis zur Sammel-E-Mail am nächsten Morgen vormerken.",
			EN: "Note the new listings for a daily alert until the next morning's digest email."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis zur nächsten Sammel-E-Mail (täglich um 6 Uhr UTC), höchstens 3 Tage; mit dem Suchauftrag oder dem Nutzerkonto gelöscht.",
			EN: "Until the next digest (daily at 06:00 UTC), 3 days at most; deleted with the alert or the account."}},
		Recipients: privacy.Text{DE: "Niemand außer Ihnen (per E-Mail).", EN: "No one but you (by email)."},
		Source:     privacy.Text{DE: "Entsteht, wenn ein neues Inserat zu Ihrem Suchauftrag passt.", EN: "Arises when a new listing matches your alert."},
	}
}

// alertLinksKind declares the one-click links of alert mails.
func alertLinksKind() privacy.Kind {
	return privacy.Kind{
		ID: KindAlertLinks, Module: "classifieds", Table: "ClassifiedsTable",
		Category: privacy.Text{DE: "Abmeldelinks Ihrer Suchauftrags-E-Mails", EN: "End links of your alert emails"},
		Fields:   []string{"SHA-256 of the link's random token", "alertId", "expires"},
		Purpose: privacy.Text{DE: "Einen Suchauftrag mit einem Klick auf den Link in seiner E-Mail ohne Anmeldung beenden können.",
			EN: "Let you end an alert with one click on the link in its email, without signing in."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "180 Tage nach dem Versand der E-Mail; mit dem Nutzerkonto gelöscht.",
			EN: "180 days after the email was sent; deleted with the account."}},
		Recipients: privacy.Text{DE: "Niemand; nur der Link in Ihrer E-Mail trägt den Schlüssel.", EN: "No one; only the link in your email carries the key."},
		Source:     privacy.Text{DE: "Entsteht mit jeder Suchauftrags-E-Mail.", EN: "Arises with each alert email."},
	}
}
