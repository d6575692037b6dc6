package classifieds

import "kontor/shared/problem"

// Field codes of the classifieds module: why a field of a listing was refused.
// Clients act on them; never rename one.
var (
	// CodeMarkup refuses text with HTML markup or a script address: a listing is
	// plain text, refused rather than silently changed.
	CodeMarkup = problem.Define("markup_not_allowed",
		"Bitte schreiben Sie reinen Text, ohne HTML-Auszeichnungen wie <b> und ohne Skript-Adressen.",
		"Please write plain text, without HTML markup such as <b> and without script addresses.")
	// CodeDateInPast refuses a date before today.
	CodeDateInPast = problem.Define("date_in_past",
		"Das Datum darf nicht in der Vergangenheit liegen.",
		"The date must not be in the past.")
	// CodeDateTooFar refuses a date beyond what is allowed (the operator's maximum
	// for the expiry date; two years for a trip).
	CodeDateTooFar = problem.Define("date_too_far",
		"Das Datum liegt zu weit in der Zukunft.",
		"The date is too far in the future.")
	// CodeDateOrder refuses a trip that ends before it starts.
	CodeDateOrder = problem.Define("date_before_start",
		"Das Ende darf nicht vor dem Beginn liegen.",
		"The end must not be before the start.")
)

// CodeConfirmationInvalid refuses a listing's confirmation link that is unknown,
// used already or expired; nothing changed.
var CodeConfirmationInvalid = problem.Define("listing_confirmation_invalid",
	"Dieser Bestätigungslink gilt nicht mehr: Er wurde schon verwendet oder ist abgelaufen (nach 48 Stunden). Wurde Ihr Inserat schon bestätigt, finden Sie es unter „Meine Inserate“; sonst geben Sie es bitte erneut auf.",
	"This confirmation link is no longer valid: it was used already or has expired (after 48 hours). If your listing was confirmed already, you find it under “My listings”; otherwise please submit it again.")

// FieldCodes lists the module's field codes.
func FieldCodes() []problem.Code {
	codes := append([]problem.Code{CodeMarkup, CodeDateInPast, CodeDateTooFar, CodeDateOrder}, ratingFieldCodes()...)
	return append(codes, AlertFieldCodes()...) // alertproblems.go
}

// Problems lists the module's problem codes.
func Problems() []problem.Code {
	codes := append([]problem.Code{CodeConfirmationInvalid, CodeWatchlistFull}, ratingProblems()...)
	// Alerts: alertproblems.go.
	codes = append(codes, AlertProblems()...)
	codes = append(codes, PlanProblems()...)                                // plans.go
	return append(append(codes, PhotoProblems()...), IdentityProblems()...) // photos.go, identity.go
}
