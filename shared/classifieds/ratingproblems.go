package classifieds

import "kontor/shared/problem"

// Problem and field codes of advertiser data and ratings. Clients act on them;
// never rename one.
var (
	// CodeAlreadyRated refuses a second rating of the same advertiser by the same
	// rater (409): one rating per rater and advertiser; the rater may delete it and
	// rate anew.
	CodeAlreadyRated = problem.Define("already_rated",
		"Sie haben diesen Inserenten bereits bewertet. Sie können Ihre Bewertung löschen und neu abgeben.",
		"You have already rated this advertiser. You can delete your rating and rate again.")
	// CodeOwnRating refuses a rating of oneself (409).
	CodeOwnRating = problem.Define("own_rating",
		"Sie können sich nicht selbst bewerten.",
		"You cannot rate yourself.")
	// CodeRatingLinkInvalid refuses a rating's confirmation link that is unknown
	// or was used already (400): nothing changes.
	CodeRatingLinkInvalid = problem.Define("rating_link_invalid",
		"Dieser Bestätigungslink ist ungültig oder wurde schon benutzt.",
		"This confirmation link is invalid or has been used already.")
	// CodeRatingLinkExpired refuses a rating's confirmation link past its 48
	// hours (400): the rating is gone; the person may rate again.
	CodeRatingLinkExpired = problem.Define("rating_link_expired",
		"Dieser Bestätigungslink ist abgelaufen. Bitte geben Sie Ihre Bewertung erneut ab.",
		"This confirmation link has expired. Please submit your rating again.")
	// CodeUsernameTaken refuses a username another advertiser holds (ignoring case).
	CodeUsernameTaken = problem.Define("username_taken",
		"Dieser Benutzername ist schon vergeben.",
		"This username is already taken.")
	// CodeUsernameReserved refuses a username with a word that could pose as the
	// operator or its staff ("admin", "HandGegenKoje", …).
	CodeUsernameReserved = problem.Define("username_reserved",
		"Dieser Benutzername enthält ein Wort, das dem Betreiber vorbehalten ist.",
		"This username contains a word reserved for the operator.")
	// CodeUsernameShape refuses a username that is not letters and digits with
	// single dots, dashes or underscores between them.
	CodeUsernameShape = problem.Define("username_format",
		"Bitte nur Buchstaben und Ziffern verwenden, einzelne Punkte, Binde- oder Unterstriche dazwischen.",
		"Please use only letters and digits, with single dots, dashes or underscores between them.")
	// CodeUsernameLookalike refuses a username of mixed scripts or in
	// full-width or styled letters: the make of a name that looks like another's.
	CodeUsernameLookalike = problem.Define("username_lookalike",
		"Bitte Buchstaben einer einzigen Schrift verwenden, in ihrer gewöhnlichen Form (keine Breit- oder Zierschrift).",
		"Please use letters of a single script, in their ordinary form (no full-width or styled letters).")
)

// ratingProblems are the problem codes of ratings; ratingFieldCodes their field codes.
func ratingProblems() []problem.Code {
	return []problem.Code{CodeAlreadyRated, CodeOwnRating, CodeRatingLinkInvalid, CodeRatingLinkExpired}
}

func ratingFieldCodes() []problem.Code {
	return []problem.Code{CodeUsernameTaken, CodeUsernameReserved, CodeUsernameShape}
}
