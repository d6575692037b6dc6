package classifieds

import "kontor/shared/privacy"

// ratingKinds declares the personal data of advertiser data and ratings.
func ratingKinds() []privacy.Kind {
	untilErased := privacy.Retention{Rule: privacy.Text{DE: "Bis zur Löschung des Nutzerkontos oder bis Sie sie entfernen.", EN: "Until the account is deleted or you remove it."}}
	return []privacy.Kind{
		{
			ID: KindAdvertiserData, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Inserentenangaben", EN: "Advertiser details"},
			Fields:   []string{"username", "salutation", "name", "street", "postalCode", "city", "country", "pubId"},
			Purpose: privacy.Text{DE: "Der Benutzername steht öffentlich an Ihren Inseraten; Anrede, Name und Rechnungsadresse dienen nur der Anrede in E-Mails und der Rechnungsadresse, nie öffentlich.",
				EN: "The username is shown publicly on your listings; salutation, name and billing address serve only to address emails and invoices, never public."},
			LegalBasis: privacy.Contract,
			Retention:  untilErased,
			Recipients: privacy.Text{DE: "Der Benutzername: die Öffentlichkeit, solange ein Inserat veröffentlicht ist. Alles andere: niemand außer Ihnen.", EN: "The username: the public, while a listing is published. Everything else: no one but you."},
			Source:     privacy.Text{DE: "Von Ihnen, im Formular Ihrer Inserentenangaben.", EN: "From you, through the advertiser details form."},
		},
		{
			ID: KindRatingsReceived, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Erhaltene Bewertungen", EN: "Ratings received"},
			Fields:   []string{"stars", "text", "language", "createdAt"},
			Purpose: privacy.Text{DE: "Bewertungen anderer über Sie an allen Ihren Inseraten zeigen, solange eines veröffentlicht ist.",
				EN: "Show others' ratings of you on all your listings, while one is published."},
			LegalBasis: privacy.LegitimateInterest,
			Retention: privacy.Retention{Rule: privacy.Text{DE: "Bis zur Löschung Ihres Nutzerkontos (nicht öffentlich, solange kein Inserat veröffentlicht ist) oder bis der Bewertende sie oder sein Konto löscht.",
				EN: "Until your account is deleted (not public while no listing is published) or until the rater deletes it or their account."}},
			Recipients: privacy.Text{DE: "Die Öffentlichkeit, solange ein Inserat von Ihnen veröffentlicht ist (ohne Angaben zum Bewertenden).", EN: "The public, while one of your listings is published (without anything about the rater)."},
			Source:     privacy.Text{DE: "Von den Bewertenden.", EN: "From the raters."},
		},
		{
			ID: KindRatingsGiven, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Abgegebene Bewertungen", EN: "Ratings given"},
			Fields:   []string{"stars", "text", "language", "createdAt", "rated"},
			Purpose: privacy.Text{DE: "Ihre Bewertung eines Inserenten an dessen Inseraten zeigen.",
				EN: "Show your rating of an advertiser on their listings."},
			LegalBasis: privacy.Contract,
			Retention:  privacy.Retention{Rule: privacy.Text{DE: "Bis Sie sie löschen oder Ihr Nutzerkonto oder das des Inserenten gelöscht wird.", EN: "Until you delete it or your account or the advertiser's is deleted."}},
			Recipients: privacy.Text{DE: "Die Öffentlichkeit, solange der Inserent ein Inserat veröffentlicht hat (ohne Angaben zu Ihnen).", EN: "The public, while the advertiser has a published listing (without anything about you)."},
			Source:     privacy.Text{DE: "Von Ihnen, im Bewertungsformular.", EN: "From you, through the rating form."},
		},
		{
			ID: KindPendingRatings, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Unbestätigte Bewertungen", EN: "Unconfirmed ratings"},
			Fields:   []string{"pendingEmail", "stars", "text", "language", "createdAt", "expiresAt"},
			Purpose: privacy.Text{DE: "Eine ohne Nutzerkonto abgegebene Bewertung aufbewahren, bis Sie Ihre E-Mail-Adresse über den zugesandten Link bestätigen.",
				EN: "Keep a rating sent without an account until you confirm your email address through the link sent to it."},
			LegalBasis: privacy.Contract,
			Retention:  privacy.Retention{Rule: privacy.Text{DE: "Höchstens 48 Stunden; mit der Bestätigung gelöscht.", EN: "48 hours at most; deleted on confirmation."}},
			Recipients: privacy.Text{DE: "Niemand; nicht öffentlich.", EN: "No one; not public."},
			Source:     privacy.Text{DE: "Von Ihnen, im Bewertungsformular.", EN: "From you, through the rating form."},
		},
	}
}
