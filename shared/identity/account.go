// Package identity holds Kontor's accounts, passwords and sessions: the rules of
// creating access, signing in and out, resetting and changing passwords, and the
// person's own profile (AHK-1..3, HKC-1, HKC-2, HKC-13).
package identity

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kontor/shared/httpapi"
	"kontor/shared/problem"
)

// Account states.
const (
	StatusPending = "pending" // created, password not yet set through the mailed link
	StatusActive  = "active"
	// StatusDeactivated: the person asked for erasure; sign-in is refused while a
	// legal hold keeps the data.
	StatusDeactivated = "deactivated"
)

// Limits on stored values.
const (
	MaxEmailLen = 254
	MaxNameLen  = 100
)

// Account is one person's access to a Kontor deployment.
type Account struct {
	ID                 string     `dynamodbav:"id"`
	Email              string     `dynamodbav:"email"`
	FirstName          string     `dynamodbav:"firstName,omitempty"`
	LastName           string     `dynamodbav:"lastName,omitempty"`
	Language           string     `dynamodbav:"language"`
	Roles              []string   `dynamodbav:"roles,stringset"`
	Status             string     `dynamodbav:"status"`
	PasswordHash       string     `dynamodbav:"passwordHash,omitempty"`
	MustChangePassword bool       `dynamodbav:"mustChangePassword"`
	RegisteredAt       time.Time  `dynamodbav:"registeredAt"`
	FirstLoginAt       *time.Time `dynamodbav:"firstLoginAt,omitempty"`
	LastLoginAt        *time.Time `dynamodbav:"lastLoginAt,omitempty"`
	PasswordChangedAt  *time.Time `dynamodbav:"passwordChangedAt,omitempty"`
	TermsVersion       string     `dynamodbav:"termsVersion,omitempty"`
	TermsAcceptedAt    *time.Time `dynamodbav:"termsAcceptedAt,omitempty"`
	PrivacyVersion     string     `dynamodbav:"privacyVersion,omitempty"`
	PrivacyAcceptedAt  *time.Time `dynamodbav:"privacyAcceptedAt,omitempty"`
	PendingEmail       string     `dynamodbav:"pendingEmail,omitempty"`
	InvitedBy          string     `dynamodbav:"invitedBy,omitempty"`
	// ExpiresAt is set only while the account is pending: an unconfirmed account is
	// gone after it (reads treat it as absent; TTL removes it).
	ExpiresAt *time.Time `dynamodbav:"-"`
}

// Profile is the JSON view of an account for its owner (GET /v1/me).
type Profile struct {
	ID                 string     `json:"id"`
	Email              string     `json:"email"`
	PendingEmail       string     `json:"pendingEmail,omitempty"`
	FirstName          string     `json:"firstName"`
	LastName           string     `json:"lastName"`
	Language           string     `json:"language"`
	Roles              []string   `json:"roles"`
	MustChangePassword bool       `json:"mustChangePassword"`
	RegisteredAt       time.Time  `json:"registeredAt"`
	FirstLoginAt       *time.Time `json:"firstLoginAt"`
	LastLoginAt        *time.Time `json:"lastLoginAt"`
	PasswordChangedAt  *time.Time `json:"passwordChangedAt"`
	TermsVersion       string     `json:"termsVersion,omitempty"`
	TermsAcceptedAt    *time.Time `json:"termsAcceptedAt,omitempty"`
	PrivacyVersion     string     `json:"privacyVersion,omitempty"`
	PrivacyAcceptedAt  *time.Time `json:"privacyAcceptedAt,omitempty"`
}

// Profile returns the owner's view of a.
func (a Account) Profile() Profile {
	roles := a.Roles
	if roles == nil {
		roles = []string{}
	}
	return Profile{
		ID: a.ID, Email: a.Email, PendingEmail: a.PendingEmail, FirstName: a.FirstName, LastName: a.LastName,
		Language: a.Language, Roles: roles, MustChangePassword: a.MustChangePassword,
		RegisteredAt: a.RegisteredAt, FirstLoginAt: a.FirstLoginAt, LastLoginAt: a.LastLoginAt,
		PasswordChangedAt: a.PasswordChangedAt,
		TermsVersion:      a.TermsVersion, TermsAcceptedAt: a.TermsAcceptedAt,
		PrivacyVersion: a.PrivacyVersion, PrivacyAcceptedAt: a.PrivacyAcceptedAt,
	}
}

// NormalizeEmail validates an email address and returns its stored form (trimmed,
// lower-cased), or a field error code.
func NormalizeEmail(s string) (string, problem.Code) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", problem.FieldRequired
	case len(s) > MaxEmailLen:
		return "", problem.FieldTooLong
	case !utf8.ValidString(s) || hasControl(s):
		return "", problem.FieldInvalidEmail
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "", problem.FieldInvalidEmail
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") || strings.ContainsAny(s, " <>\"") {
		return "", problem.FieldInvalidEmail
	}
	return strings.ToLower(s), problem.Code{}
}

// CheckName validates an optional personal name; "" is allowed (it clears the field).
func CheckName(s string) problem.Code {
	switch {
	case utf8.RuneCountInString(s) > MaxNameLen:
		return problem.FieldTooLong
	case hasControl(s):
		return problem.FieldControlChars
	}
	return problem.Code{}
}

// CheckLanguage validates a language preference.
func CheckLanguage(s string) problem.Code {
	if !httpapi.SupportedLang(s) {
		return problem.FieldInvalidValue
	}
	return problem.Code{}
}

func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// fields collects field errors in order and turns them into one problem.
type fields []problem.FieldError

func (f *fields) check(field string, code problem.Code) {
	if !code.IsZero() {
		*f = append(*f, problem.FieldError{Field: field, Code: code})
	}
}

func (f fields) err() error {
	if len(f) == 0 {
		return nil
	}
	return problem.Invalid(f...)
}
