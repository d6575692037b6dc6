package classifieds

import "kontor/shared/problem"

// Problems of listing photos (photos.go).
var (
	CodePhotoType = problem.Define("photo_type_not_allowed",
		"Bitte wählen Sie ein Foto im Format JPEG, PNG oder WebP (höchstens 40 Megapixel). Die Datei muss dem angegebenen Typ entsprechen.",
		"Please choose a JPEG, PNG or WebP photo (at most 40 megapixels). The file must be of the type stated.")
	CodePhotoTooLarge = problem.Define("photo_too_large",
		"Das Foto ist zu groß. Fotos dürfen höchstens 10 MB groß sein.",
		"The photo is too large. Photos may be at most 10 MB.")
	CodePhotoNotUploaded = problem.Define("photo_not_uploaded",
		"Das Foto ist noch nicht angekommen. Bitte versuchen Sie es gleich noch einmal.",
		"The photo has not arrived yet. Please try again in a moment.")
	CodePhotoNotAccepted = problem.Define("photo_not_accepted",
		"Das Foto kam nicht so an, wie es angekündigt war. Bitte laden Sie es erneut hoch.",
		"The photo did not arrive as announced. Please upload it again.")
	// CodePhotoComplete refuses a completion of a photo checked already (a
	// replay); nothing changes (409).
	CodePhotoComplete = problem.Define("photo_complete",
		"Dieses Foto wurde bereits geprüft und ist am Inserat. Um es zu ersetzen, entfernen Sie es und laden Sie es neu hoch.",
		"This photo has been checked already and is on the listing. To replace it, remove it and upload it again.")
	CodeTooManyPhotos = problem.Define("too_many_photos",
		"Dieses Inserat hat bereits die größtmögliche Zahl an Fotos. Bitte entfernen Sie zuerst ein anderes.",
		"This listing has the largest number of photos already. Please remove another one first.")
)

// PhotoProblems lists the problem codes of listing photos.
func PhotoProblems() []problem.Code {
	return []problem.Code{CodePhotoType, CodePhotoTooLarge, CodePhotoNotUploaded, CodePhotoNotAccepted, CodePhotoComplete, CodeTooManyPhotos}
}
