package classifieds

import "kontor/shared/privacy"

// Kinds of personal data of the classifieds module, one ID each. Each feature adds
// its kinds in its own block below.
const (
	KindListings   = "classifieds.listings"
	KindAdvertiser = "classifieds.advertiser"
	// Advertiser data and ratings (ratingkinds.go).
	KindAdvertiserData  = "classifieds.advertiserData"
	KindRatingsReceived = "classifieds.ratingsReceived"
	KindRatingsGiven    = "classifieds.ratingsGiven"
	KindPendingRatings  = "classifieds.pendingRatings"
	KindPending         = "classifieds.pending"
)

// KindWatchlist is the anonymous watch lists (HGK-11). Declared although linked to
// no one: a list is what a browser keeps by its cookie, the listings a person
// watches, so it is personal data of whoever holds the cookie. It is in no
// account's export and no account's erasure: nothing links it to an account (the
// table holds only the digest of the cookie's token), and linking it in order to
// export it would break the very promise.
const KindWatchlist = "classifieds.watchlist"

// Kinds declares the personal data the classifieds module stores.
func Kinds() []privacy.Kind {
	return append([]privacy.Kind{
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
			Fields:   []string{"pendingEmail", "language", "termsVersion", "privacyVersion", "listing"},
			Purpose: privacy.Text{DE: "Ein ohne Konto aufgegebenes Inserat aufbewahren, bis Sie Ihre E-Mail-Adresse über den zugesandten Link bestätigen.",
				EN: "Keep a listing sent without an account until you confirm your email address through the link sent to it."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis zur Bestätigung, höchstens 48 Stunden; dann automatisch gelöscht. Auskunft und Löschung finden es über Ihre E-Mail-Adresse.",
				EN: "Until confirmed, 48 hours at most; then deleted automatically. An access request and an erasure find it by your email address."}},
			Recipients: privacy.Text{DE: "Niemand; veröffentlicht wird erst nach der Bestätigung.", EN: "No one; nothing is published before the confirmation."},
			Source:     privacy.Text{DE: "Von Ihnen, über das Inseratsformular ohne Konto.", EN: "From you, through the listing form without an account."},
		},
		watchlistKind(),
		photosKind(),                        // photos.go
		identityKind(),                      // identity.go
		alertDigestKind(), alertLinksKind(), // alertdeliverykinds.go
		invoicesKind(), // invoices.go
	}, kindsOf(ratingKinds(), replyKinds(), alertKinds(), planKinds())...) // ratingkinds.go, replykinds.go, alertkinds.go, privacyplans.go
}

// watchlistKind declares the anonymous watch lists.
func watchlistKind() privacy.Kind {
	return privacy.Kind{
		ID: KindWatchlist, Module: "classifieds", Table: "ClassifiedsTable",
		Category: privacy.Text{DE: "Merkliste (anonym, ohne Bezug zu einem Nutzerkonto)", EN: "Watch list (anonymous, not linked to any account)"},
		Fields:   []string{"listing ids with the time each was added", "usedAt", "SHA-256 of the cookie's random token"},
		Purpose: privacy.Text{DE: "Die Merkliste führen, die Ihr Browser über ein Cookie mit einer Zufallskennung wiedererkennt; für nichts anderes.",
			EN: "Keep the watch list your browser is recognised by through a cookie holding a random id; for nothing else."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "60 Tage ab dem letzten Hinzufügen eines Inserats; das Cookie läuft gleichzeitig ab. Nicht Teil der Auskunft oder Löschung eines Nutzerkontos, weil mit keinem verknüpft.",
			EN: "60 days from the last listing added; the cookie expires at the same time. Not part of an account's export or erasure, as it is linked to none."}},
		Recipients: privacy.Text{DE: "Niemand; nur Ihr Browser mit dem Cookie liest sie.", EN: "No one; only your browser, with the cookie, reads it."},
		Source:     privacy.Text{DE: "Von Ihnen, wenn Sie ein Inserat merken.", EN: "From you, when you add a listing to the watch list."},
	}
}
