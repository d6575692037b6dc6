package classifieds

import "kontor/shared/privacy"

// Kinds of replies (HGK-9, HGK-10). The replier has no account: what they
// wrote is kept as the advertiser's replies received (their export and
// erasure), and the replier reaches it only through the link in their copy
// (deletion). Nothing links a reply to any account of the replier's, so no
// replier's export or erasure by address finds it; the link is their way.
const (
	KindRepliesReceived = "classifieds.repliesReceived"
	KindRepliesWithheld = "classifieds.repliesWithheld"
)

// replyKinds declares the replies' personal data.
func replyKinds() []privacy.Kind {
	checked := privacy.Text{
		DE: " Jede Antwort prüft ein Spamfilter im Portal (Modell SpamModel, Schwellen SpamHamThreshold und SpamSpamThreshold; kein externer Dienst).",
		EN: " Every reply is checked by a spam filter inside the portal (model SpamModel, thresholds SpamHamThreshold and SpamSpamThreshold; no outside service).",
	}
	return []privacy.Kind{
		{
			ID: KindRepliesReceived, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Erhaltene Antworten auf Inserate", EN: "Replies received to listings"},
			Fields:   []string{"name", "email", "message", "language", "listing", "listingTitle", "createdAt", "deliveredAt", "decision (score, clues, model, thresholds)"},
			Purpose: privacy.Text{DE: "Antworten auf Ihre Inserate per E-Mail zustellen und für Sie im Benutzer-Login lesbar halten, falls eine E-Mail verloren geht." + checked.DE,
				EN: "Deliver replies to your listings by email and keep them readable for you when signed in, should a mail be lost." + checked.EN},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie sie löschen, der Antwortende sie über seinen Link löscht, oder spätestens bis zur Löschung Ihres Nutzerkontos.",
				EN: "Until you delete them, the replier deletes them through their link, or at the latest until your account is deleted."}},
			Recipients: privacy.Text{DE: "Sie (per E-Mail und im Benutzer-Login); der Antwortende erhält eine Kopie seiner eigenen Antwort, nie Ihre Adresse.",
				EN: "You (by email and when signed in); the replier gets a copy of their own reply, never your address."},
			Source: privacy.Text{DE: "Von den Antwortenden, über das Antwortformular (ohne Konto).", EN: "From the repliers, through the reply form (no account)."},
		},
		{
			ID: KindRepliesWithheld, Module: "classifieds", Table: "ClassifiedsTable",
			Category: privacy.Text{DE: "Als Spam zurückgehaltene Antworten", EN: "Replies withheld as spam"},
			Fields:   []string{"name", "email", "message", "language", "listing", "createdAt", "status", "decision (score, clues, model, thresholds)", "expiresAt"},
			Purpose: privacy.Text{DE: "Eindeutigen Spam nicht zustellen, aber kurz aufbewahren, damit Sie eine Überprüfung verlangen oder der Antwortende fehlende Reaktion melden kann." + checked.DE,
				EN: "Not deliver clear spam, but keep it for a short time so that you can ask for a review or the replier can report no reaction." + checked.EN},
			LegalBasis: privacy.LegitimateInterest,
			Retention: privacy.Retention{Parameter: "WithheldReplyDays", Rule: privacy.Text{
				DE: "WithheldReplyDays Tage ab Eingang, dann gelöscht; mit Ihrem Nutzerkonto sofort. Nicht Teil Ihrer Auskunft: es sind nicht Ihre Angaben, und Sie haben sie nie erhalten.",
				EN: "WithheldReplyDays days from receipt, then deleted; with your account at once. Not part of your export: it is not your data, and you never received it."}},
			Recipients: privacy.Text{DE: "Niemand; auf Ihren Antrag das Personal des Betreibers zur Überprüfung.", EN: "No one; on your request the operator's staff, to review."},
			Source:     privacy.Text{DE: "Von den Antwortenden, über das Antwortformular (ohne Konto).", EN: "From the repliers, through the reply form (no account)."},
		},
	}
}
