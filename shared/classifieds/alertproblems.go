package classifieds

import "kontor/shared/problem"

// Problem and field codes of alerts. Clients act on them; never rename one.
var (
	// CodeAlertTooBroad refuses criteria that name only a kind (400): such an
	// alert would mail every listing.
	CodeAlertTooBroad = problem.Define("alert_too_broad",
		"Bitte grenzen Sie die Benachrichtigung ein: mit einem Revier, einer Bootsart, einem Zeitraum oder Suchwörtern.",
		"Please narrow the alert down: with an area, a boat type, dates or words.")
	// CodeAlertTooManyWords refuses more than MaxAlertWords words (field code).
	CodeAlertTooManyWords = problem.Define("alert_too_many_words",
		"Bitte höchstens fünf Suchwörter angeben.",
		"Please give at most five words.")
	// CodeTooManyAlerts refuses an alert beyond MaxAlerts of one account (409).
	CodeTooManyAlerts = problem.Define("too_many_alerts",
		"Sie haben bereits 20 Benachrichtigungen. Bitte löschen Sie eine, bevor Sie eine neue anlegen.",
		"You already have 20 alerts. Please delete one before creating another.")
	// CodeAlertLinkInvalid refuses an alert's confirmation link that is unknown or
	// was used already (400): nothing changes.
	CodeAlertLinkInvalid = problem.Define("alert_link_invalid",
		"Dieser Bestätigungslink ist ungültig oder wurde schon benutzt.",
		"This confirmation link is invalid or has been used already.")
	// CodeAlertLinkExpired refuses an alert's confirmation link past its lapse
	// (400): the alert is gone; the person may ask for it again.
	CodeAlertLinkExpired = problem.Define("alert_link_expired",
		"Dieser Bestätigungslink ist abgelaufen. Bitte legen Sie die Benachrichtigung erneut an.",
		"This confirmation link has expired. Please create the alert again.")
)

// AlertProblems are the problem codes of alerts; AlertFieldCodes their field codes.
func AlertProblems() []problem.Code {
	return []problem.Code{CodeAlertTooBroad, CodeTooManyAlerts, CodeAlertLinkInvalid, CodeAlertLinkExpired}
}

// AlertFieldCodes are the field codes of alerts.
func AlertFieldCodes() []problem.Code { return []problem.Code{CodeAlertTooManyWords} }
