package classifieds

import "kontor/shared/privacy"

// Kinds of personal data of the classifieds module, one ID each. Each feature adds
// its kinds in its own block below.
const (
	KindListings   = "classifieds.listings"
	KindAdvertiser = "classifieds.advertiser"
	KindPending    = "classifieds.pending"
)

// Kinds declares the personal data the classifieds module stores.
func Kinds() []privacy.Kind {
	return []privacy.Kind{
		{
			ID: KindListings, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Inserate", EN: "Listings"},
			Fields:   []string{"kind", "area", "boatType", "from", "to", "title", "text", "expiresOn", "status", "language", "createdAt", "updatedAt", "publishedAt", "endedAt"},
			Purpose: privacy.Text{DE: "Ihre Inserate veröffentlichen, bis zum gewählten Ablaufdatum oder vorzeitigen Ende, und sie danach als Vorlage für Sie aufbewahren.",
				EN: "Publish your listings until the expiry date you chose or until you end them, and keep them afterwards as templates for you."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Öffentlich bis zum Ablaufdatum oder vorzeitigen Ende; danach nicht öffentlich als Vorlage bis zur Löschung des Nutzerkontos. Unbestätigte Inserate ohne Konto: höchstens 48 Stunden.",
				EN: "Public until the expiry date or an early end; afterwards kept, not public, as a template until the account is deleted. Unconfirmed listings without an account: 48 hours at most."}},
			Recipients: privacy.Text{DE: "Öffentlich, solange das Inserat veröffentlicht ist (ohne Ihre E-Mail-Adresse).", EN: "The public, while the listing is published (without your email address)."},
			Source:     privacy.Text{DE: "Von Ihnen, über das Inseratsformular.", EN: "From you, through the listing form."},
		},
		{
			ID: KindAdvertiser, Module: "classifieds", Table: "ClassifiedsTable",
			Category:   privacy.Text{DE: "Inserentenkonto", EN: "Advertiser account"},
			Fields:     []string{"firstListingAt", "createdAt"},
			Purpose:    privacy.Text{DE: "Das Datum Ihres ersten Inserats festhalten.", EN: "Record the date of your first listing."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Löschung des Nutzerkontos.", EN: "Until the account is deleted."}},
			Recipients: privacy.Text{DE: "Niemand außer Ihnen.", EN: "No one but you."},
			Source:     privacy.Text{DE: "Entsteht mit Ihrem ersten veröffentlichten Inserat.", EN: "Arises with your first published listing."},
		},
		{
			ID: KindPending, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Unbestätigte Inserate", EN: "Unconfirmed listings"},
			Fields:   []string{"email", "language", "termsVersion", "privacyVersion", "listing"},
			Purpose: privacy.Text{DE: "Ein ohne Konto aufgegebenes Inserat aufbewahren, bis Sie Ihre E-Mail-Adresse über den zugesandten Link bestätigen.",
				EN: "Keep a listing sent without an account until you confirm your email address through the link sent to it."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Bestätigung, höchstens 48 Stunden; dann automatisch gelöscht. Es gehört noch zu keinem Konto und ist nur über den Link auffindbar, daher nicht in einer Auskunft.",
				EN: "Until confirmed, 48 hours at most; then deleted automatically. It belongs to no account yet and can be found only through the link, so it is not in an export."}},
			Recipients: privacy.Text{DE: "Niemand; veröffentlicht wird erst nach der Bestätigung.", EN: "No one; nothing is published before the confirmation."},
			Source:     privacy.Text{DE: "Von Ihnen, über das Inseratsformular ohne Konto.", EN: "From you, through the listing form without an account."},
		},
	}
}
