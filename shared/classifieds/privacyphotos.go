package classifieds

import "kontor/shared/privacy"

// Kinds of the listing photos and the identity confirmation.
const (
	KindPhotos   = "classifieds.photos"
	KindIdentity = "classifieds.identity"
)

func photosKind() privacy.Kind {
	return privacy.Kind{
		ID: KindPhotos, Module: "classifieds", Table: "ClassifiedsPhotoBucket",
		Category: privacy.Text{DE: "Fotos Ihrer Inserate", EN: "Photos of your listings"},
		Fields:   []string{"photo (re-encoded image)", "contentType", "size", "createdAt"},
		Purpose: privacy.Text{DE: "Die Fotos zu Ihren Inseraten zeigen, solange das Inserat veröffentlicht ist, und sie danach mit dem Inserat als Vorlage aufbewahren.",
			EN: "Show the photos of your listings while the listing is published, and keep them with the listing as a template afterwards."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis Sie das Foto entfernen oder Ihr Nutzerkonto gelöscht wird; öffentlich nur, solange das Inserat veröffentlicht ist. Nicht abgeschlossene Uploads: höchstens ein Tag.",
			EN: "Until you remove the photo or the account is deleted; public only while the listing is published. Uploads never completed: one day at most."}},
		Recipients: privacy.Text{DE: "Öffentlich, solange das Inserat veröffentlicht ist (ohne Metadaten wie Ort oder Kamera).", EN: "The public, while the listing is published (without metadata such as place or camera)."},
		Source:     privacy.Text{DE: "Von Ihnen, hochgeladen zu Ihrem Inserat.", EN: "From you, uploaded to your listing."},
	}
}

func identityKind() privacy.Kind {
	return privacy.Kind{
		ID: KindIdentity, Module: "classifieds", Table: "ClassifiedsTable",
		Category: privacy.Text{DE: "Identitätsbestätigung", EN: "Identity confirmation"},
		Fields:   []string{"identityConfirmedAt", "confirmation under way (state, nonce)"},
		Purpose: privacy.Text{DE: "Ihre Inserate mit dem Hinweis \"Identität bestätigt\" kennzeichnen. Gespeichert wird nur, dass und wann Sie Ihre Identität bestätigt haben, keine Daten zu Ihrer Person.",
			EN: "Mark your listings \"identity confirmed\". Only that and when you confirmed your identity is stored, no data about you."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis zur Löschung des Nutzerkontos. Eine begonnene Bestätigung: höchstens 15 Minuten.",
			EN: "Until the account is deleted. A confirmation under way: 15 minutes at most."}},
		Recipients: privacy.Text{DE: "Öffentlich als Hinweis an Ihren veröffentlichten Inseraten (nur die Tatsache).", EN: "The public, as a mark on your published listings (the fact only)."},
		Source:     privacy.Text{DE: "Das Urteil des Identitätsdienstes, den Sie gewählt haben.", EN: "The verdict of the identity provider you chose."},
	}
}
