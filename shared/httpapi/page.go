package httpapi

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"

	"kontor/shared/problem"
)

// BadCursor is the answer to a cursor no page handed out.
func BadCursor() error {
	return problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
}

// PageQuery reads a paged list's ?limit= (1 to max; 0 when absent) and ?cursor=
// (base64url, at most maxCursor characters); a bad one is a 400 naming the field.
func PageQuery(r *Request, max, maxCursor int) (int, string, error) {
	q := r.Event.QueryStringParameters
	limit := 0
	if l := q["limit"]; l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > max {
			return 0, "", problem.Invalid(problem.FieldError{Field: "limit", Code: problem.FieldInvalidValue})
		}
		limit = n
	}
	if c := q["cursor"]; c != "" {
		if _, err := base64.RawURLEncoding.DecodeString(c); err != nil || len(c) > maxCursor {
			return 0, "", BadCursor()
		}
	}
	return limit, q["cursor"], nil
}

// Listed answers a page of a list as {name: items, next}, turning err into the
// answer, and badCursor (the store's error for a cursor no page handed out) into
// a field problem.
func Listed[T any](name string, items []T, next string, err, badCursor error) (Response, error) {
	if errors.Is(err, badCursor) {
		return Response{}, BadCursor()
	}
	if err != nil {
		return Response{}, err
	}
	if items == nil {
		items = []T{}
	}
	body := map[string]any{name: items}
	if next != "" {
		body["next"] = next
	}
	return JSON(http.StatusOK, body), nil
}
