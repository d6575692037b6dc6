package problem

// The codes every module may answer with. A module's own codes live in the module
// (the module list gathers them); these are shared by all.
var (
	CodeValidation = Define("validation_failed",
		"Die Anfrage enthält ungültige Felder.",
		"The request contains invalid fields.")
	CodeInvalidJSON = Define("invalid_json",
		"Der Inhalt der Anfrage ist kein gültiges JSON-Dokument der erwarteten Form.",
		"The request body is not valid JSON of the expected shape.")
	CodeUnsupportedMediaType = Define("unsupported_media_type",
		"Dieser Inhaltstyp wird nicht unterstützt; erwartet wird application/json.",
		"This content type is not supported; application/json is expected.")
	CodeBodyTooLarge = Define("body_too_large",
		"Der Inhalt der Anfrage ist zu groß.",
		"The request body is too large.")
	CodeUnauthenticated = Define("unauthenticated",
		"Bitte melden Sie sich an.",
		"Please sign in.")
	CodeForbidden = Define("forbidden",
		"Dafür fehlt Ihnen die Berechtigung.",
		"You are not allowed to do this.")
	CodeCSRF = Define("csrf_token_invalid",
		"Das CSRF-Token fehlt oder ist ungültig. Laden Sie die Seite neu.",
		"The CSRF token is missing or invalid. Reload the page.")
	CodePasswordChangeRequired = Define("password_change_required",
		"Bitte ändern Sie zuerst Ihr vorläufiges Passwort.",
		"Please change your temporary password first.")
	CodeNotFound = Define("not_found",
		"Nicht gefunden.",
		"Not found.")
	CodeConflict = Define("conflict",
		"Die Daten wurden inzwischen geändert. Bitte laden Sie neu und versuchen Sie es erneut.",
		"The data was changed in the meantime. Reload and try again.")
	CodeTooManyAttempts = Define("too_many_attempts",
		"Zu viele Versuche. Bitte warten Sie und versuchen Sie es später erneut.",
		"Too many attempts. Please wait and try again later.")
	CodeInternal = Define("internal_error",
		"Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
		"An internal error occurred. Please try again later.")
	CodeUnavailable = Define("service_unavailable",
		"Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Sekunden erneut.",
		"The service is unavailable right now. Please try again in a few seconds.")
	CodeReauthenticationRequired = Define("reauthentication_required",
		"Bitte bestätigen Sie zuerst erneut Ihr Passwort; die letzte Bestätigung liegt zu lange zurück.",
		"Please confirm your password again first; the last confirmation is too long ago.")
	CodeProcessingRestricted = Define("processing_restricted",
		"Die Verarbeitung dieser Daten ist auf Wunsch der betroffenen Person eingeschränkt (Art. 18 DSGVO); sie werden nur gespeichert.",
		"Processing of this data is restricted at the person's request (Art. 18 GDPR); it is only stored.")
	CodeIdempotencyKeyMissing = Define("idempotency_key_missing",
		"Diese Anfrage braucht einen Idempotency-Key-Header, damit eine Wiederholung nichts doppelt anlegt.",
		"This request needs an Idempotency-Key header, so that a repeat creates nothing twice.")
	CodeIdempotencyKeyInvalid = Define("idempotency_key_invalid",
		"Der Idempotency-Key ist ungültig: 16 bis 128 Zeichen aus A–Z, a–z, 0–9 und - _ . ~ : + / =, etwa eine UUID.",
		"The Idempotency-Key is invalid: 16 to 128 characters of A–Z, a–z, 0–9 and - _ . ~ : + / =, such as a UUID.")
	CodeIdempotencyKeyReused = Define("idempotency_key_reused",
		"Dieser Idempotency-Key wurde schon für eine andere Anfrage verwendet. Nehmen Sie für eine neue Anfrage einen neuen Schlüssel.",
		"This Idempotency-Key was already used for another request. Use a new key for a new request.")
	CodeIdempotencyKeyInUse = Define("idempotency_key_in_use",
		"Eine Anfrage mit diesem Idempotency-Key läuft noch. Bitte warten Sie kurz und wiederholen Sie sie dann.",
		"A request with this Idempotency-Key is still running. Please wait a moment, then repeat it.")
)

// Field codes (FieldError.Code) every module may use.
var (
	FieldRequired = Define("required",
		"Dieses Feld ist erforderlich.",
		"This field is required.")
	FieldTooLong = Define("too_long",
		"Dieser Wert ist zu lang.",
		"This value is too long.")
	FieldTooShort = Define("too_short",
		"Dieser Wert ist zu kurz.",
		"This value is too short.")
	FieldInvalidEmail = Define("invalid_email",
		"Dies ist keine gültige E-Mail-Adresse.",
		"This is not a valid email address.")
	FieldInvalidValue = Define("invalid_value",
		"Dieser Wert ist nicht zulässig.",
		"This value is not allowed.")
	FieldControlChars = Define("control_characters",
		"Dieser Wert enthält unzulässige Steuerzeichen.",
		"This value contains control characters.")
	FieldOutdated = Define("outdated_version",
		"Diese Version ist nicht die aktuelle.",
		"This is not the current version.")
	FieldDuplicate = Define("duplicate",
		"Dieser Wert kommt mehrfach vor.",
		"This value occurs more than once.")
)

// Codes lists the shared problem codes, for documentation and tests.
func Codes() []Code {
	return []Code{CodeValidation, CodeInvalidJSON, CodeUnsupportedMediaType, CodeBodyTooLarge, CodeUnauthenticated, CodeForbidden, CodeCSRF, CodePasswordChangeRequired, CodeNotFound, CodeConflict, CodeTooManyAttempts, CodeInternal, CodeUnavailable, CodeProcessingRestricted, CodeReauthenticationRequired,
		CodeIdempotencyKeyMissing, CodeIdempotencyKeyInvalid, CodeIdempotencyKeyReused, CodeIdempotencyKeyInUse}
}

// FieldCodes lists the shared field codes (FieldError.Code).
func FieldCodes() []Code {
	return []Code{FieldRequired, FieldTooLong, FieldTooShort, FieldInvalidEmail, FieldInvalidValue, FieldControlChars, FieldOutdated, FieldDuplicate}
}
