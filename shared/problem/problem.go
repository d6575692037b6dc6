// Package problem describes errors as RFC 9457 problem details with a stable code and
// a message in the caller's language (German or English).
package problem

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Code is a stable, documented problem code with its message in German and English.
// Clients act on the id; never rename one. The codes every module uses are defined
// here; a module defines its own next to the rules that raise them, and the module
// list gathers them for the documentation.
type Code struct {
	ID string
	DE string
	EN string
}

// Define returns a code with its texts.
func Define(id, de, en string) Code { return Code{ID: id, DE: de, EN: en} }

// String returns the code's id.
func (c Code) String() string { return c.ID }

// IsZero reports whether c is no code at all (a check that found nothing wrong).
func (c Code) IsZero() bool { return c.ID == "" }

// Message returns the text in lang; English for any language but "de".
func (c Code) Message(lang string) string {
	if lang == "de" {
		return c.DE
	}
	return c.EN
}

// MarshalJSON writes the id, as clients see codes.
func (c Code) MarshalJSON() ([]byte, error) { return json.Marshal(c.ID) }

// UnmarshalJSON reads an id (the texts stay empty).
func (c *Code) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &c.ID) }

// Problem is an error that is safe to show to the caller. Its Code is stable and
// documented; its messages come with the code.
type Problem struct {
	Status int
	Code   Code
	// Fields lists per-field validation errors, in request order.
	Fields []FieldError
	// RetryAfterSeconds, when positive, becomes a Retry-After header (429, 503).
	RetryAfterSeconds int
}

// FieldError names one invalid field of a request body and why it is invalid.
type FieldError struct {
	Field string `json:"field"`
	Code  Code   `json:"code"`
}

// Error implements error without any personal data: status and code only.
func (p *Problem) Error() string { return fmt.Sprintf("problem %d %s", p.Status, p.Code.ID) }

// New returns a Problem with the given status and code.
func New(status int, code Code) *Problem { return &Problem{Status: status, Code: code} }

// Invalid returns a 400 validation problem listing the invalid fields.
func Invalid(fields ...FieldError) *Problem {
	return &Problem{Status: http.StatusBadRequest, Code: CodeValidation, Fields: fields}
}

// As reports whether err is or wraps a Problem and returns it.
func As(err error) (*Problem, bool) {
	var p *Problem
	if errors.As(err, &p) {
		return p, true
	}
	return nil, false
}

// Body is the JSON shape of a problem response (RFC 9457 members plus code and errors).
type Body struct {
	Type     string      `json:"type"`
	Title    string      `json:"title"`
	Status   int         `json:"status"`
	Detail   string      `json:"detail"`
	Code     string      `json:"code"`
	Instance string      `json:"instance,omitempty"`
	Errors   []FieldBody `json:"errors,omitempty"`
}

// FieldBody is one field error with its message in the caller's language.
type FieldBody struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// TypeURI returns the problem type URI for a code.
func TypeURI(code string) string { return "urn:kontor:problem:" + code }

// Render builds the response body for p in language lang ("de" or "en").
func (p *Problem) Render(lang, instance string) Body {
	b := Body{
		Type:     TypeURI(p.Code.ID),
		Title:    http.StatusText(p.Status),
		Status:   p.Status,
		Detail:   p.Code.Message(lang),
		Code:     p.Code.ID,
		Instance: instance,
	}
	for _, f := range p.Fields {
		b.Errors = append(b.Errors, FieldBody{Field: f.Field, Code: f.Code.ID, Message: f.Code.Message(lang)})
	}
	return b
}
