package insurance

import (
	"encoding/base64"
	"errors"
	"strconv"

	"kontor/shared/problem"
)

// Page is what a client asks of a listing (a claim list, the review queue, the
// print queue): at most Limit entries after Cursor, the opaque Next it was given
// with the previous page.
type Page struct {
	Limit  int
	Cursor string
}

// The sizes of a page a client may ask for (?limit=), and the size it gets when it
// does not ask.
const (
	DefaultPageSize = 50
	MaxPageSize     = 100
)

// CheckPage validates a page request; an empty one asks for the first page of the
// default size.
func CheckPage(limit, cursor string) (Page, error) {
	p := Page{Limit: DefaultPageSize, Cursor: cursor}
	if limit != "" {
		n, err := strconv.Atoi(limit)
		if err != nil || n < 1 || n > MaxPageSize {
			return Page{}, problem.Invalid(problem.FieldError{Field: "limit", Code: problem.FieldInvalidValue})
		}
		p.Limit = n
	}
	if cursor != "" {
		if _, err := base64.RawURLEncoding.DecodeString(cursor); err != nil || len(cursor) > 400 {
			return Page{}, problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
		}
	}
	return p, nil
}

// pageProblem is the error of reading a page as the client sees it: a cursor no
// page of this listing handed out is an invalid field.
func pageProblem(err error) error {
	if errors.Is(err, ErrBadCursor) {
		return problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
	}
	return err
}
