package upload

import (
	"net/http"

	"kontor/shared/problem"
)

// Codes are the problems of one kind of upload (a profile picture, a file on a
// post, a listing photo): each module names its own, in its language texts.
type Codes struct {
	Type, TooLarge, NotAccepted, NotUploaded problem.Code
}

// Problem turns an upload's rejection into its kind's problem: a type not taken
// 415, too large 413, not as declared or not encrypted 400, not uploaded yet 409,
// a size no file has a field problem. Other errors pass unchanged.
func Problem(err error, c Codes) error {
	r, ok := AsRejected(err)
	if !ok {
		return err
	}
	switch r {
	case TooLarge:
		return problem.New(http.StatusRequestEntityTooLarge, c.TooLarge)
	case NotEncrypted, SizeMismatch:
		return problem.New(http.StatusBadRequest, c.NotAccepted)
	case Missing:
		return problem.New(http.StatusConflict, c.NotUploaded)
	case TypeNotAllowed:
		return problem.New(http.StatusUnsupportedMediaType, c.Type)
	}
	// BadSize: a declared size no file has.
	return problem.Invalid(problem.FieldError{Field: "size", Code: problem.FieldInvalidValue})
}
