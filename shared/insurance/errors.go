package insurance

import "errors"

// Errors the store reports.
var (
	// ErrNotFound is a missing item, or one past its lifetime.
	ErrNotFound = errors.New("insurance: not found")
	// ErrConflict is a write whose condition failed: the item exists already, or
	// changed meanwhile.
	ErrConflict = errors.New("insurance: conflict")
	// ErrBadCursor is a cursor that no page of the listing handed out.
	ErrBadCursor = errors.New("insurance: bad cursor")
)
