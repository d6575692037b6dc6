package problem

// Stable problem codes. Clients act on these; never rename one.
const (
	CodeValidation             = "validation_failed"
	CodeInvalidJSON            = "invalid_json"
	CodeUnsupportedMediaType   = "unsupported_media_type"
	CodeBodyTooLarge           = "body_too_large"
	CodeUnauthenticated        = "unauthenticated"
	CodeForbidden              = "forbidden"
	CodeCSRF                   = "csrf_token_invalid"
	CodePasswordChangeRequired = "password_change_required"
	CodeNotFound               = "not_found"
	CodeConflict               = "conflict"
	CodeEmailTaken             = "email_taken"
	CodeTokenInvalid           = "token_invalid"
	CodeInvalidCredentials     = "invalid_credentials" // #nosec G101 -- an error code, not a credential
	CodeTooManyAttempts        = "too_many_attempts"
	CodeCurrentPasswordWrong   = "current_password_wrong"
	CodeTermsNotAccepted       = "terms_not_accepted"
	CodeInternal               = "internal_error"
	CodeUnknownPurpose         = "unknown_purpose"
	CodeConsentNotGranted      = "consent_not_granted"
	CodeHoldExists             = "hold_exists"
	CodeTooManyDevices         = "too_many_devices"
	CodeUnavailable            = "service_unavailable"

	// Insurance portal.
	CodeContractMismatch          = "contract_mismatch"
	CodeActivationInvalid         = "activation_invalid"
	CodeEIDPending                = "eid_pending"
	CodeEIDUnavailable            = "eid_unavailable"
	CodeEIDSignature              = "eid_signature_invalid"
	CodeProcessingConsentRequired = "processing_consent_required"
	CodeHealthConsentRequired     = "health_consent_required"
	CodeInvoiceType               = "invoice_type_not_allowed"
	CodeInvoiceTooLarge           = "invoice_too_large"
	CodeInvoiceNotUploaded        = "invoice_not_uploaded"
	CodeInvoiceNotEncrypted       = "invoice_not_encrypted"
	CodeClaimClosed               = "claim_closed"
	CodeTooManyInvoices           = "too_many_invoices"
	CodeInvalidTransition         = "invalid_transition"
	CodeCSVExpected               = "csv_expected"
	CodeProcessingRestricted      = "processing_restricted"

	// Field codes (FieldError.Code).
	FieldRequired      = "required"
	FieldTooLong       = "too_long"
	FieldTooShort      = "too_short"
	FieldInvalidEmail  = "invalid_email"
	FieldInvalidValue  = "invalid_value"
	FieldPasswordEmail = "password_is_email"
	FieldControlChars  = "control_characters"
	FieldOutdated      = "outdated_version"
	FieldDuplicate     = "duplicate"
)

type text struct{ de, en string }

var catalog = map[string]text{
	CodeValidation:             {"Die Anfrage enthält ungültige Felder.", "The request contains invalid fields."},
	CodeInvalidJSON:            {"Der Inhalt der Anfrage ist kein gültiges JSON-Dokument der erwarteten Form.", "The request body is not valid JSON of the expected shape."},
	CodeUnsupportedMediaType:   {"Dieser Inhaltstyp wird nicht unterstützt; erwartet wird application/json.", "This content type is not supported; application/json is expected."},
	CodeBodyTooLarge:           {"Der Inhalt der Anfrage ist zu groß.", "The request body is too large."},
	CodeUnauthenticated:        {"Bitte melden Sie sich an.", "Please sign in."},
	CodeForbidden:              {"Dafür fehlt Ihnen die Berechtigung.", "You are not allowed to do this."},
	CodeCSRF:                   {"Das CSRF-Token fehlt oder ist ungültig. Laden Sie die Seite neu.", "The CSRF token is missing or invalid. Reload the page."},
	CodePasswordChangeRequired: {"Bitte ändern Sie zuerst Ihr vorläufiges Passwort.", "Please change your temporary password first."},
	CodeNotFound:               {"Nicht gefunden.", "Not found."},
	CodeConflict:               {"Die Daten wurden inzwischen geändert. Bitte laden Sie neu und versuchen Sie es erneut.", "The data was changed in the meantime. Reload and try again."},
	CodeEmailTaken:             {"Für diese E-Mail-Adresse besteht bereits ein Zugang.", "An account with this email address already exists."},
	CodeTokenInvalid:           {"Der Link ist ungültig, abgelaufen oder wurde bereits verwendet.", "The link is invalid, has expired or was already used."},
	CodeInvalidCredentials:     {"E-Mail-Adresse oder Passwort ist falsch.", "Email address or password is wrong."},
	CodeTooManyAttempts:        {"Zu viele Versuche. Bitte warten Sie und versuchen Sie es später erneut.", "Too many attempts. Please wait and try again later."},
	CodeCurrentPasswordWrong:   {"Das aktuelle Passwort ist falsch.", "The current password is wrong."},
	CodeTermsNotAccepted:       {"Bitte akzeptieren Sie die aktuellen Nutzungsbedingungen und die Datenschutzhinweise.", "Please accept the current terms of use and privacy notice."},
	CodeInternal:               {"Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.", "An internal error occurred. Please try again later."},
	CodeUnknownPurpose:         {"Diesen Einwilligungszweck gibt es nicht.", "There is no such consent purpose."},
	CodeConsentNotGranted:      {"Diese Einwilligung ist nicht erteilt.", "This consent is not given."},
	CodeHoldExists:             {"Für diese Person besteht bereits eine Aufbewahrung.", "A legal hold already exists for this person."},
	CodeTooManyDevices:         {"Es sind bereits zu viele Geräte eingerichtet. Entfernen Sie zuerst eines.", "Too many devices are set up already. Remove one first."},
	CodeUnavailable:            {"Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Sekunden erneut.", "The service is unavailable right now. Please try again in a few seconds."},

	CodeContractMismatch:          {"Die Angaben passen zu keinem Vertrag. Bitte prüfen Sie Name, Geburtsdatum und Vertragsnummer.", "The details match no contract. Please check name, birthdate and contract number."},
	CodeActivationInvalid:         {"Die Aktivierung ist ungültig oder abgelaufen.", "The activation is invalid or has expired."},
	CodeEIDPending:                {"Die Identifizierung ist noch nicht abgeschlossen.", "The identification is not finished yet."},
	CodeEIDUnavailable:            {"Der eID-Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es später oder wählen Sie die Aktivierung per Brief.", "The eID service is unavailable. Please try later or choose activation by letter."},
	CodeEIDSignature:              {"Die Signatur der Rückmeldung ist ungültig.", "The callback's signature is invalid."},
	CodeProcessingConsentRequired: {"Bitte willigen Sie zuerst in die Verarbeitung Ihrer Angaben im Portal ein.", "Please first consent to the processing of what you submit through the portal."},
	CodeHealthConsentRequired:     {"Rechnungen können Gesundheitsdaten enthalten. Bitte erteilen Sie zuerst die ausdrückliche Einwilligung (Art. 9 Abs. 2 lit. a DSGVO).", "Invoices may contain health data. Please first give your explicit consent (Art. 9(2)(a) GDPR)."},
	CodeInvoiceType:               {"Erlaubt sind nur PDF-, JPEG- und PNG-Dateien.", "Only PDF, JPEG and PNG files are allowed."},
	CodeInvoiceTooLarge:           {"Die Datei ist größer als 10 MB.", "The file is larger than 10 MB."},
	CodeInvoiceNotUploaded:        {"Die Rechnung wurde noch nicht hochgeladen.", "The invoice has not been uploaded yet."},
	CodeInvoiceNotEncrypted:       {"Die Datei wurde nicht wie vorgegeben verschlüsselt hochgeladen und wurde gelöscht.", "The file was not uploaded encrypted as required and was deleted."},
	CodeClaimClosed:               {"Dieser Antrag wird bereits bearbeitet; Rechnungen können nicht mehr ergänzt werden.", "This claim is already being processed; invoices can no longer be added."},
	CodeTooManyInvoices:           {"Ein Antrag kann höchstens 10 Rechnungen haben.", "A claim can have at most 10 invoices."},
	CodeProcessingRestricted:      {"Die Verarbeitung dieser Daten ist auf Wunsch der betroffenen Person eingeschränkt (Art. 18 DSGVO); sie werden nur gespeichert.", "Processing of this data is restricted at the person's request (Art. 18 GDPR); it is only stored."},
	CodeCSVExpected:               {"Erwartet wird eine CSV-Datei (text/csv, UTF-8).", "A CSV file (text/csv, UTF-8) is expected."},
	CodeInvalidTransition:         {"Dieser Statuswechsel ist nicht möglich.", "This status change is not possible."},

	FieldRequired:      {"Dieses Feld ist erforderlich.", "This field is required."},
	FieldTooLong:       {"Dieser Wert ist zu lang.", "This value is too long."},
	FieldTooShort:      {"Dieser Wert ist zu kurz.", "This value is too short."},
	FieldInvalidEmail:  {"Dies ist keine gültige E-Mail-Adresse.", "This is not a valid email address."},
	FieldInvalidValue:  {"Dieser Wert ist nicht zulässig.", "This value is not allowed."},
	FieldPasswordEmail: {"Das Passwort darf nicht die E-Mail-Adresse sein.", "The password must not be the email address."},
	FieldControlChars:  {"Dieser Wert enthält unzulässige Steuerzeichen.", "This value contains control characters."},
	FieldOutdated:      {"Diese Version ist nicht die aktuelle.", "This is not the current version."},
	FieldDuplicate:     {"Dieser Wert kommt mehrfach vor.", "This value occurs more than once."},
}

// Message returns the catalog text for code in lang; English for any language but "de".
// An unknown code yields the code itself, which a test forbids.
func Message(code, lang string) string {
	t, ok := catalog[code]
	if !ok {
		return code
	}
	if lang == "de" {
		return t.de
	}
	return t.en
}

// Known reports whether the catalog has texts for code.
func Known(code string) bool { _, ok := catalog[code]; return ok }

// Codes lists every code in the catalog, for documentation and tests.
func Codes() []string {
	out := make([]string, 0, len(catalog))
	for c := range catalog {
		out = append(out, c)
	}
	return out
}
