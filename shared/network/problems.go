package network

import "kontor/shared/problem"

// Problem codes of the network module. Clients act on them; never rename one.
var (
	// CodeVoluntaryConsentRequired refuses a voluntary field given without the
	// consent PurposeVoluntary (403); nothing of the request is stored.
	CodeVoluntaryConsentRequired = problem.Define("voluntary_consent_required",
		"Freiwillige Angaben speichern wir nur mit Ihrer Einwilligung. Bitte erteilen Sie sie in der Datenschutz-Zentrale oder lassen Sie diese Felder leer.",
		"Voluntary details are stored only with your consent. Please give it in the privacy centre, or leave these fields empty.")
	// CodePictureConsentOutdated refuses a picture while the consent PurposeVoluntary
	// was given to a text that did not name the picture (PictureConsentSince, 403).
	CodePictureConsentOutdated = problem.Define("picture_consent_outdated",
		"Ihre Einwilligung in freiwillige Angaben gilt einem früheren Text, der das Profilbild nicht nannte. Bitte bestätigen Sie den aktuellen Text in der Datenschutz-Zentrale; Ihre Angaben bleiben dabei erhalten.",
		"Your consent to voluntary details was given to an earlier text that did not name the profile picture. Please confirm the current text in the privacy centre; your details stay as they are.")
	CodePictureType = problem.Define("picture_type_not_allowed",
		"Bitte wählen Sie ein Bild im Format JPEG, PNG oder WebP mit höchstens 40 Megapixeln.",
		"Please choose a JPEG, PNG or WebP image of at most 40 megapixels.")
	CodePictureTooLarge = problem.Define("picture_too_large",
		"Das Bild ist zu groß. Bitte wählen Sie eine Datei von höchstens 5 MB.",
		"The image is too large. Please choose a file of at most 5 MB.")
	CodePictureNotUploaded = problem.Define("picture_not_uploaded",
		"Das Bild ist noch nicht angekommen. Bitte versuchen Sie es gleich noch einmal.",
		"The image has not arrived yet. Please try again in a moment.")
	CodePictureNotAccepted = problem.Define("picture_not_accepted",
		"Das Bild kam nicht so an, wie es angekündigt war. Bitte laden Sie es erneut hoch.",
		"The image did not arrive as announced. Please upload it again.")
	// CodePictureNotDeclared refuses a completion with no picture declared: one
	// completed already (a replay) or never begun (409).
	CodePictureNotDeclared = problem.Define("picture_not_declared",
		"Es wartet kein Bild auf die Prüfung. Bitte wählen Sie das Bild erneut aus.",
		"No image is waiting to be checked. Please choose the image again.")
)

// CodeTooManyGroups refuses a membership beyond MaxGroupsPerMember (409).
var CodeTooManyGroups = problem.Define("too_many_groups",
	"Ein Mitglied kann in höchstens 30 Gruppen und Ausschüssen sein. Bitte treten Sie zuerst aus einer anderen aus.",
	"A member can be in at most 30 groups and committees. Please leave another one first.")

// Problems of attachments (attachments.go).
var (
	CodeAttachmentType = problem.Define("attachment_type_not_allowed",
		"Bitte wählen Sie ein PDF, ein Word-, Excel- oder PowerPoint-Dokument (ohne Makros), ein OpenDocument oder ein Bild im Format JPEG, PNG oder WebP (höchstens 40 Megapixel). Die Datei muss dem angegebenen Typ entsprechen.",
		"Please choose a PDF, a Word, Excel or PowerPoint document (without macros), an OpenDocument, or a JPEG, PNG or WebP image (at most 40 megapixels). The file must be of the type stated.")
	CodeAttachmentTooLarge = problem.Define("attachment_too_large",
		"Die Datei ist zu groß. Dokumente dürfen höchstens 20 MB groß sein, Bilder höchstens 10 MB.",
		"The file is too large. Documents may be at most 20 MB, images at most 10 MB.")
	CodeAttachmentNotUploaded = problem.Define("attachment_not_uploaded",
		"Die Datei ist noch nicht angekommen. Bitte versuchen Sie es gleich noch einmal.",
		"The file has not arrived yet. Please try again in a moment.")
	CodeAttachmentNotAccepted = problem.Define("attachment_not_accepted",
		"Die Datei kam nicht so an, wie sie angekündigt war. Bitte laden Sie sie erneut hoch.",
		"The file did not arrive as announced. Please upload it again.")
	// CodeAttachmentComplete refuses a completion of an attachment checked
	// already (a replay); nothing changes (409).
	CodeAttachmentComplete = problem.Define("attachment_complete",
		"Diese Datei wurde bereits geprüft und ist am Beitrag. Um sie zu ersetzen, entfernen Sie sie und laden Sie sie neu hoch.",
		"This file has been checked already and is on the post. To replace it, remove it and upload it again.")
	CodeTooManyAttachments = problem.Define("too_many_attachments",
		"Ein Beitrag kann höchstens 10 Dateien haben. Bitte entfernen Sie zuerst eine andere.",
		"A post can have at most 10 files. Please remove another one first.")
)

// Field codes of the network module (problem.FieldError.Code).
var (
	// CodeNotAMember is an account named that is not a network member with a
	// complete profile.
	CodeNotAMember = problem.Define("not_a_network_member",
		"Dieses Konto ist kein Mitglied des Netzwerks mit vollständigem Profil.",
		"This account is not a network member with a complete profile.")
	FieldInvalidURL = problem.Define("invalid_url",
		"Bitte geben Sie eine Internetadresse an, die mit http:// oder https:// beginnt.",
		"Please give a web address starting with http:// or https://.")
	FieldInvalidPostalCode = problem.Define("invalid_postal_code",
		"Diese Postleitzahl passt nicht zum Land (in Deutschland fünf Ziffern).",
		"This postal code does not fit the country (five digits in Germany).")
	FieldInvalidPhone = problem.Define("invalid_phone",
		"Bitte geben Sie eine Nummer aus 5 bis 20 Ziffern an, gern mit + am Anfang und Leerzeichen, Bindestrichen, Schrägstrichen oder Klammern.",
		"Please give a number of 5 to 20 digits, optionally with a leading + and spaces, hyphens, slashes or brackets.")
	FieldInvalidCountry = problem.Define("invalid_country",
		"Bitte geben Sie das Land als zweistelligen Code nach ISO 3166 an, etwa DE.",
		"Please give the country as its two-letter ISO 3166 code, such as DE.")
	FieldInvalidDate = problem.Define("invalid_date",
		"Bitte geben Sie ein Datum in der Vergangenheit im Format JJJJ-MM-TT an.",
		"Please give a date in the past in the form YYYY-MM-DD.")
)

// Problems lists the module's problem codes, for the module list.
func Problems() []problem.Code {
	return []problem.Code{CodeVoluntaryConsentRequired, CodePictureConsentOutdated, CodePictureType, CodePictureTooLarge, CodePictureNotUploaded,
		CodePictureNotAccepted, CodePictureNotDeclared, CodeTooManyGroups,
		CodeAttachmentType, CodeAttachmentTooLarge, CodeAttachmentNotUploaded, CodeAttachmentNotAccepted, CodeAttachmentComplete, CodeTooManyAttachments,
		CodeAlreadyConnected, CodeMemberBlocked, CodeRecipientBlocked, CodeConversationClosed}
}

// FieldProblems lists the module's field codes.
func FieldProblems() []problem.Code {
	return []problem.Code{CodeNotAMember, FieldInvalidURL, FieldInvalidPostalCode, FieldInvalidPhone, FieldInvalidCountry, FieldInvalidDate,
		FieldInvalidRegisterNumber}
}
