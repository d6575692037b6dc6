package network

import (
	"context"
	"net/http"

	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// PurposeVoluntary is the consent (Art. 6(1)(a)) the voluntary profile fields
// rest on (HKC-5); withdrawing it removes them (HKC-16).
const PurposeVoluntary = "network.voluntary"

// Versions of the consent's text. 2026-01 listed the voluntary details without
// the profile picture; 2026-11 names the picture too. A consent given to an older
// text still counts for what that text named (the privacy core keeps it granted),
// so it goes on covering the voluntary details; a picture is taken only with a
// consent to a text that names it (PictureConsentSince): the member confirms the
// new text in the privacy centre, which withdraws nothing.
const (
	VoluntaryVersion    = "2026-11"
	PictureConsentSince = "2026-11"
)

// PictureConsented tells whether a consent given to version of the text (""
// for none) covers the profile picture. Versions are dates, YYYY-MM, so they
// compare as strings.
func PictureConsented(version string) bool { return version != "" && version >= PictureConsentSince }

// pictureConsent is the refusal of a picture without a consent that covers it:
// none given (voluntary_consent_required), or given to a text that did not name
// the picture (picture_consent_outdated); both 403.
func pictureConsent(version string) error {
	switch {
	case version == "":
		return problem.New(http.StatusForbidden, CodeVoluntaryConsentRequired)
	case !PictureConsented(version):
		return problem.New(http.StatusForbidden, CodePictureConsentOutdated)
	}
	return nil
}

// Purposes are the consents the network asks for, in their current text.
func Purposes() []privacy.Purpose {
	return []privacy.Purpose{
		{ID: PurposeVoluntary, Version: VoluntaryVersion, LegalBasis: privacy.Consent, Description: privacy.Text{
			DE: "Freiwillige Angaben in Ihrem Netzwerkprofil (über Sie, Fachgebiete, Sprachen, Beschreibung, Branche und Größe Ihres Unternehmens) und Ihr Profilbild, sichtbar für die anderen Mitglieder des Netzwerks.",
			EN: "Voluntary details in your network profile (about you, expertise, languages, your company's description, industry and size) and your profile picture, visible to the network's other members."}},
	}
}

// Kinds declares the module's personal data.
func Kinds() []privacy.Kind {
	recipients := privacy.Text{
		DE: "Die anderen Mitglieder des Netzwerks (das Geburtsdatum nur, wenn Sie es freischalten); die zuständigen Mitarbeitenden des Betreibers.",
		EN: "The network's other members (the birthdate only if you switch it on); the operator's responsible staff."}
	retention := privacy.Retention{Rule: privacy.Text{
		DE: "Solange Ihre Mitgliedschaft im Netzwerk besteht; bei der Deaktivierung Ihres Zugangs gelöscht (außer bei einer gesetzlichen Aufbewahrungspflicht, über die Sie informiert werden).",
		EN: "While your membership of the network lasts; deleted when your access is deactivated (unless a legal hold applies, of which you are informed)."}}
	source := privacy.Text{DE: "Von Ihnen, über Ihr Profil.", EN: "From you, through your profile."}
	return []privacy.Kind{
		{ID: "network.profiles", Module: "network", Table: "NetworkTable",
			Category: privacy.Text{DE: "Netzwerkprofile (Pflichtangaben und Geburtsdatum)", EN: "Network profiles (mandatory details and birthdate)"},
			Fields: []string{"firstName", "lastName", "gender", "company", "roleInCompany", "companyWebsite", "street", "houseNumber", "postalCode", "city", "country",
				"phone", "fax", "email", "birthdate", "birthdateVisible"},
			Purpose: privacy.Text{
				DE: "Das Netzwerk der Mitglieder: Ihre geschäftlichen Kontaktdaten den anderen Mitgliedern zeigen.",
				EN: "The members' network: show your business contact details to the other members."},
			LegalBasis: privacy.Contract, Retention: retention, Recipients: recipients, Source: source},
		{ID: "network.voluntary", Module: "network", Table: "NetworkTable",
			Category: privacy.Text{DE: "Freiwillige Profilangaben", EN: "Voluntary profile details"},
			Fields:   []string{"about", "expertise", "languages", "companyDescription", "industry", "companySize"},
			Purpose: privacy.Text{
				DE: "Ihr Profil im Netzwerk um freiwillige Angaben zu Ihnen und Ihrem Unternehmen ergänzen.",
				EN: "Add voluntary details about you and your company to your network profile."},
			LegalBasis: privacy.Consent,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie die Angabe entfernen oder die Einwilligung widerrufen (dann alle sofort gelöscht); spätestens bei der Deaktivierung Ihres Zugangs.",
				EN: "Until you remove it or withdraw the consent (then all are deleted at once); at the latest when your access is deactivated."}},
			Recipients: recipients, Source: source},
		{ID: "network.pictures", Module: "network", Table: "PictureBucket",
			Category: privacy.Text{DE: "Profilbild (verschlüsselt gespeichert)", EN: "Profile picture (stored encrypted)"},
			Fields:   []string{"file", "contentType", "size"},
			Purpose: privacy.Text{
				DE: "Ihr Bild im Profil den anderen Mitgliedern zeigen; gespeichert werden nur neu berechnete Bildpunkte in zwei Größen, ohne Metadaten wie Aufnahmeort oder Kamera.",
				EN: "Show your picture in your profile to the other members; only freshly computed pixels in two sizes are kept, without metadata such as the place taken or the camera."},
			LegalBasis: privacy.Consent,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie das Bild entfernen oder die Einwilligung in freiwillige Angaben widerrufen; spätestens bei der Deaktivierung Ihres Zugangs.",
				EN: "Until you remove the picture or withdraw the consent to voluntary details; at the latest when your access is deactivated."}},
			Recipients: recipients, Source: source},
		{ID: "network.memberships", Module: "network", Table: "NetworkTable",
			Category: privacy.Text{DE: "Mitgliedschaften in Ausschüssen und Gruppen, Beitrittsanfragen", EN: "Memberships of committees and groups, join requests"},
			Fields:   []string{"groupId", "accountId", "role", "since", "at"},
			Purpose: privacy.Text{
				DE: "Sie in den Ausschüssen und Gruppen des Netzwerks mitwirken lassen und die Mitglieder einer Gruppe einander zeigen.",
				EN: "Let you take part in the network's committees and groups, and show a group's members to each other."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie austreten, entfernt werden oder die Gruppe gelöscht wird; spätestens bei der Deaktivierung Ihres Zugangs.",
				EN: "Until you leave, are removed or the group is deleted; at the latest when your access is deactivated."}},
			Recipients: privacy.Text{DE: "Die Mitglieder der jeweiligen Gruppe; ihre Moderation; die zuständigen Mitarbeitenden des Betreibers.", EN: "The members of the group; its moderators; the operator's responsible staff."},
			Source:     privacy.Text{DE: "Von Ihnen (Beitritt, Anfrage) oder von der Moderation und den Mitarbeitenden (Berufung).", EN: "From you (joining, asking) or from the moderators and staff (appointment)."}},
		{ID: "network.posts", Module: "network", Table: "NetworkTable",
			Category: privacy.Text{DE: "Beiträge und Kommentare in Ausschüssen und Gruppen", EN: "Posts and comments in committees and groups"},
			Fields:   []string{"text", "links", "authorId", "createdAt", "editedAt"},
			Purpose: privacy.Text{
				DE: "Den Austausch in den Ausschüssen und Gruppen: Ihre Beiträge und Kommentare den Mitgliedern der Gruppe zeigen, mit Ihrem Namen aus Ihrem Profil.",
				EN: "Discussion in the committees and groups: show your posts and comments to the group's members, with your name from your profile."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie oder die Moderation sie löschen oder die Gruppe gelöscht wird. Bei der Deaktivierung Ihres Zugangs bleiben sie ohne jeden Bezug zu Ihnen stehen: ohne Namen, ohne Kennung, ohne ein Merkmal, das Ihre Beiträge einander zuordnet.",
				EN: "Until you or the moderators delete them or the group is deleted. When your access is deactivated they stay without any link to you: no name, no id, nothing that ties your posts to each other."}},
			Recipients: privacy.Text{DE: "Die Mitglieder der jeweiligen Gruppe; die zuständigen Mitarbeitenden des Betreibers (Moderation).", EN: "The members of the group; the operator's responsible staff (moderation)."},
			Source:     source},
		{ID: "network.attachments", Module: "network", Table: "PictureBucket",
			Category: privacy.Text{DE: "Dateien an Beiträgen (Dokumente und Bilder, verschlüsselt gespeichert)", EN: "Files on posts (documents and images, stored encrypted)"},
			Fields:   []string{"file", "fileName", "contentType", "size"},
			Purpose: privacy.Text{
				DE: "Den Austausch in den Ausschüssen und Gruppen: Dateien, die Sie an Ihre Beiträge hängen, den Mitgliedern der Gruppe zum Herunterladen geben. Bilder werden neu berechnet, ohne Metadaten wie Aufnahmeort oder Kamera.",
				EN: "Discussion in the committees and groups: let the group's members download the files you attach to your posts. Images are recomputed, without metadata such as the place taken or the camera."},
			LegalBasis: privacy.Contract,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Bis Sie oder die Moderation die Datei oder den Beitrag löschen oder die Gruppe gelöscht wird. Bei der Deaktivierung Ihres Zugangs bleiben sie am Beitrag, der dann keinen Bezug zu Ihnen hat; an der Datei ist nie vermerkt, wer sie hochgeladen hat (ihr Name und Inhalt bleiben, wie Sie sie gewählt haben).",
				EN: "Until you or the moderators delete the file or the post, or the group is deleted. When your access is deactivated they stay with the post, which then has no link to you; a file never records who uploaded it (its name and content stay as you chose them)."}},
			Recipients: privacy.Text{DE: "Die Mitglieder der jeweiligen Gruppe (über Links, die fünf Minuten gelten); die zuständigen Mitarbeitenden des Betreibers (Moderation).", EN: "The members of the group (through links valid for five minutes); the operator's responsible staff (moderation)."},
			Source:     source},
		{ID: "network.moderation", Module: "network", Table: "NetworkTable",
			Category: privacy.Text{DE: "Moderationsprotokoll (nur Kennungen und Grund)", EN: "Moderation log (ids and reason only)"},
			Fields:   []string{"moderatorId", "groupId", "itemId", "kind", "reason", "at"},
			Purpose: privacy.Text{
				DE: "Nachvollziehen, wer als Moderation oder Mitarbeitende welchen Beitrag oder Kommentar aus welchem Grund entfernt hat.",
				EN: "Record who, as a moderator or staff member, removed which post or comment and why."},
			LegalBasis: privacy.LegitimateInterest,
			Retention: privacy.Retention{Rule: privacy.Text{
				DE: "Zwei Jahre; bei der Deaktivierung des Zugangs der moderierenden Person gelöscht.",
				EN: "Two years; deleted when the moderating person's access is deactivated."}},
			Recipients: privacy.Text{DE: "Die zuständigen Mitarbeitenden des Betreibers.", EN: "The operator's responsible staff."},
			Source:     privacy.Text{DE: "Aus Ihrer Moderation.", EN: "From your moderation."}},
		subscriptionsKind,
		messagesKind, messageKeysKind,
		connectionKinds[0], connectionKinds[1],
		searchIndexKind,
		registerKind,
	}
}

// subscriptionsKind declares the notifications of new posts a member turned on.
// Legal basis: the contract (Art. 6(1)(b)), not consent: the mail is a service
// of the network the member asks for with a switch of their own and turns off
// the same way (or with the link in each mail); it carries no advertising and
// nothing but the group's and the author's names, so there is no separate
// purpose a consent would have to cover.
var subscriptionsKind = privacy.Kind{ID: "network.subscriptions", Module: "network", Table: "NetworkTable",
	Category: privacy.Text{DE: "Benachrichtigungen über neue Beiträge (pro Gruppe eingeschaltet)", EN: "Notifications of new posts (turned on per group)"},
	Fields:   []string{"groupId", "accountId", "since", "sub"},
	Purpose: privacy.Text{
		DE: "Ihnen auf Ihren Wunsch eine E-Mail senden, wenn in einer Ihrer Gruppen ein neuer Beitrag erscheint: mit dem Namen der Gruppe und der verfassenden Person, ohne Inhalt des Beitrags. Ihre Adresse und Sprache werden beim Versand aus Ihrem Zugang gelesen, nicht kopiert.",
		EN: "Send you an email, at your request, when a new post appears in one of your groups: with the names of the group and the author, without the post's content. Your address and language are read from your account when it is sent, not copied."},
	LegalBasis: privacy.Contract,
	Retention: privacy.Retention{Rule: privacy.Text{
		DE: "Bis Sie sie ausschalten (auf der Seite der Gruppe oder mit dem Link in jeder E-Mail), die Gruppe verlassen, entfernt werden oder die Gruppe gelöscht wird; spätestens bei der Deaktivierung Ihres Zugangs. Die Links zum Abbestellen gelten 180 Tage.",
		EN: "Until you turn them off (on the group's page or with the link in each email), leave or are removed from the group, or the group is deleted; at the latest when your access is deactivated. The unsubscribe links work for 180 days."}},
	Recipients: privacy.Text{DE: "Niemand außer Ihnen; die E-Mail geht über den Versanddienst des Betreibers.", EN: "No one but you; the email goes through the operator's mail service."},
	Source:     privacy.Text{DE: "Von Ihnen, auf der Seite der Gruppe.", EN: "From you, on the group's page."}}

// searchIndexKind declares the search index's entries of a profile (HKC-9): the
// terms of what the other members see of it, derived, never more. The entries
// of posts and comments hold no author and are not the person's.
var searchIndexKind = privacy.Kind{ID: "network.searchindex", Module: "network", Table: "NetworkTable",
	Category: privacy.Text{DE: "Suchverzeichnis Ihres Profils (abgeleitete Suchbegriffe)", EN: "Search index of your profile (derived search terms)"},
	Fields:   []string{"terms"},
	Purpose: privacy.Text{
		DE: "Andere Mitglieder Sie über die Suche im Netzwerk finden lassen: nach den Angaben Ihres Profils, die sie sehen dürfen (das Geburtsdatum nur, wenn Sie es freischalten; freiwillige Angaben nur, solange Sie sie machen).",
		EN: "Let other members find you with the network's search: by the details of your profile they may see (the birthdate only if you switch it on; voluntary details only while you give them)."},
	LegalBasis: privacy.Contract,
	Retention: privacy.Retention{Rule: privacy.Text{
		DE: "Wird bei jeder Änderung Ihres Profils binnen Sekunden neu berechnet; eine verborgene oder entfernte Angabe wird in der Suche sofort nicht mehr gefunden. Bei der Deaktivierung Ihres Zugangs gelöscht.",
		EN: "Recomputed within seconds of each change to your profile; a detail hidden or removed is no longer found by the search at once. Deleted when your access is deactivated."}},
	Recipients: privacy.Text{DE: "Niemand; die Suche zeigt nur Ihr Profil, wie andere Mitglieder es sehen dürfen.", EN: "No one; the search shows only your profile as other members may see it."},
	Source:     privacy.Text{DE: "Abgeleitet aus Ihrem Profil.", EN: "Derived from your profile."}}

// SearchIndex is the search index as the privacy module sees it.
type SearchIndex interface {
	// IndexedTerms are the terms a document is entered under.
	IndexedTerms(ctx context.Context, kind, id string) ([]string, error)
	// Unindex removes a document from the index.
	Unindex(ctx context.Context, kind, id string) error
}
