package identity

import "kontor/shared/problem"

// Problem codes of the identity module. Clients act on them; never rename one.
var (
	CodeEmailTaken = problem.Define("email_taken",
		"Für diese E-Mail-Adresse besteht bereits ein Zugang.",
		"An account with this email address already exists.")
	CodeTokenInvalid = problem.Define("token_invalid",
		"Der Link ist ungültig, abgelaufen oder wurde bereits verwendet.",
		"The link is invalid, has expired or was already used.")
	CodeInvalidCredentials = problem.Define("invalid_credentials",
		"E-Mail-Adresse oder Passwort ist falsch.",
		"Email address or password is wrong.")
	CodeCurrentPasswordWrong = problem.Define("current_password_wrong",
		"Das aktuelle Passwort ist falsch.",
		"The current password is wrong.")
	CodeTermsNotAccepted = problem.Define("terms_not_accepted",
		"Bitte akzeptieren Sie die aktuellen Nutzungsbedingungen und die Datenschutzhinweise.",
		"Please accept the current terms of use and privacy notice.")
	CodeTooManyDevices = problem.Define("too_many_devices",
		"Es sind bereits zu viele Geräte eingerichtet. Entfernen Sie zuerst eines.",
		"Too many devices are set up already. Remove one first.")
	FieldPasswordEmail = problem.Define("password_is_email",
		"Das Passwort darf nicht die E-Mail-Adresse sein.",
		"The password must not be the email address.")
	FieldPasswordCommon = problem.Define("password_too_common",
		"Dieses Passwort gehört zu den häufigsten und wird beim Erraten zuerst probiert. Bitte wählen Sie ein anderes.",
		"This password is among the most common ones and is tried first by anyone guessing. Please choose another.")
)

// Problems lists the module's own problem codes, for the module list.
func Problems() []problem.Code {
	return []problem.Code{CodeEmailTaken, CodeTokenInvalid, CodeInvalidCredentials, CodeCurrentPasswordWrong, CodeTermsNotAccepted, CodeTooManyDevices}
}

// FieldProblems lists the module's field codes (problem.FieldError.Code).
func FieldProblems() []problem.Code {
	return []problem.Code{FieldPasswordEmail, FieldPasswordCommon}
}
