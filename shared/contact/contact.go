// Package contact keeps contact requests (H4U-8, CP-3): sent with or without an
// account, a valid email required and everything else voluntary on recorded consent,
// handled by staff, and deleted automatically once resolved unless a legal retention
// duty applies.
package contact

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// Request is one contact request.
type Request struct {
	ID             string     `dynamodbav:"id" json:"id"`
	Email          string     `dynamodbav:"email" json:"email"`
	Name           string     `dynamodbav:"name,omitempty" json:"name,omitempty"`
	Subject        string     `dynamodbav:"subject,omitempty" json:"subject,omitempty"`
	Message        string     `dynamodbav:"message,omitempty" json:"message,omitempty"`
	AppLog         string     `dynamodbav:"appLog,omitempty" json:"appLog,omitempty"`
	AccountID      string     `dynamodbav:"accountId,omitempty" json:"accountId,omitempty"`
	ConsentVersion string     `dynamodbav:"consentVersion,omitempty" json:"consentVersion,omitempty"`
	ConsentAt      *time.Time `dynamodbav:"consentAt,omitempty" json:"consentAt,omitempty"`
	Status         string     `dynamodbav:"status" json:"status"`
	CreatedAt      time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	ResolvedAt     *time.Time `dynamodbav:"resolvedAt,omitempty" json:"resolvedAt,omitempty"`
	ResolvedBy     string     `dynamodbav:"resolvedBy,omitempty" json:"resolvedBy,omitempty"`
	RetainUntil    *time.Time `dynamodbav:"retainUntil,omitempty" json:"retainUntil,omitempty"`
	RetainReason   string     `dynamodbav:"retainReason,omitempty" json:"retainReason,omitempty"`
}

// States.
const (
	StatusOpen     = "open"
	StatusResolved = "resolved"
)

// Of reports whether r belongs to the subject: sent from their account or from
// their address.
func (r Request) Of(s privacy.Subject) bool {
	return (s.AccountID != "" && r.AccountID == s.AccountID) || (s.Email != "" && r.Email == s.Email)
}

// Retained reports whether a legal retention duty keeps r at now.
func (r Request) Retained(now time.Time) bool {
	return r.RetainUntil != nil && r.RetainUntil.After(now)
}

// Finished reports whether r is resolved and no retention duty keeps it at now:
// the retention sweep deletes it.
func (r Request) Finished(now time.Time) bool {
	return r.Status == StatusResolved && !r.Retained(now)
}

// Limits.
const (
	MaxMessage = 5000
	MaxAppLog  = 64 << 10
	MaxShort   = 200
	// ConsentVersion is the current text of the consent to process voluntary data.
	ConsentVersion = "2026-01"
)

// ErrNotFound is a request the store does not hold.
var ErrNotFound = errors.New("contact: no such request")

// Store keeps contact requests and the list of open ones.
type Store interface {
	// Create stores a new request and lists it as open.
	Create(ctx context.Context, r Request) error
	// Get returns a request, or ErrNotFound.
	Get(ctx context.Context, id string) (Request, error)
	// OpenIDs lists the ids of the open requests, oldest first.
	OpenIDs(ctx context.Context) ([]string, error)
	// Resolved stores a resolved request and takes it off the open list.
	Resolved(ctx context.Context, r Request) error
	// Each calls fn for every stored request (the retention sweep).
	Each(ctx context.Context, fn func(Request) error) error
	// Of calls fn for every request sent from the account, and every one sent from
	// the address without an account (either may be ""), reading only those.
	Of(ctx context.Context, accountID, email string, fn func(Request) error) error
	// Remove deletes a request, and its entry in the open list.
	Remove(ctx context.Context, r Request) error
}

// Service takes contact requests and their handling by staff.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Input is what a sender submits.
type Input struct {
	Email, Name, Subject, Message, AppLog string
	// ConsentVersion must be the current version when any voluntary field is given.
	ConsentVersion string
}

// Submit validates and stores a request; accountID is "" for a request without an
// account. Bad input changes nothing.
func (s *Service) Submit(ctx context.Context, in Input, accountID string) (Request, error) {
	var fe []problem.FieldError
	email, code := identity.NormalizeEmail(in.Email)
	if !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "email", Code: code})
	}
	check := func(field, v string, max int) {
		switch {
		case !utf8.ValidString(v):
			fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldInvalidValue})
		case utf8.RuneCountInString(v) > max:
			fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldTooLong})
		case field != "message" && field != "appLog" && !identity.CheckName(v).IsZero():
			fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldControlChars})
		}
	}
	check("name", in.Name, MaxShort)
	check("subject", in.Subject, MaxShort)
	check("message", in.Message, MaxMessage)
	if len(in.AppLog) > MaxAppLog {
		fe = append(fe, problem.FieldError{Field: "appLog", Code: problem.FieldTooLong})
	} else {
		check("appLog", in.AppLog, MaxAppLog)
	}
	voluntary := strings.TrimSpace(in.Name+in.Subject+in.Message+in.AppLog) != ""
	if voluntary && in.ConsentVersion != ConsentVersion {
		c := problem.FieldRequired
		if in.ConsentVersion != "" {
			c = problem.FieldOutdated
		}
		fe = append(fe, problem.FieldError{Field: "consentVersion", Code: c})
	}
	if len(fe) > 0 {
		return Request{}, problem.Invalid(fe...)
	}
	now := s.Now()
	r := Request{ID: ids.NewV7(now), Email: email, Name: in.Name, Subject: in.Subject, Message: in.Message, AppLog: in.AppLog,
		AccountID: accountID, Status: StatusOpen, CreatedAt: now}
	if voluntary {
		r.ConsentVersion, r.ConsentAt = in.ConsentVersion, &now
	}
	if err := s.Store.Create(ctx, r); err != nil {
		return Request{}, err
	}
	return r, nil
}

// Get returns a request, or a 404 problem.
func (s *Service) Get(ctx context.Context, id string) (Request, error) {
	if !ids.ValidV7(id) {
		return Request{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	r, err := s.Store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Request{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	return r, err
}

// Open lists open requests, oldest first.
func (s *Service) Open(ctx context.Context) ([]Request, error) {
	open, err := s.Store.OpenIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := []Request{}
	for _, id := range open {
		r, err := s.Get(ctx, id)
		if p, ok := problem.As(err); ok && p.Status == http.StatusNotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Resolve marks a request resolved by a staff member. retainYears > 0 keeps it that
// long for a legal retention duty (with a reason); otherwise the next retention
// sweep deletes it.
func (s *Service) Resolve(ctx context.Context, id, by string, retainYears int, reason string) (Request, error) {
	if retainYears < 0 || retainYears > 10 {
		return Request{}, problem.Invalid(problem.FieldError{Field: "retainYears", Code: problem.FieldInvalidValue})
	}
	if retainYears > 0 && strings.TrimSpace(reason) == "" {
		return Request{}, problem.Invalid(problem.FieldError{Field: "retainReason", Code: problem.FieldRequired})
	}
	if utf8.RuneCountInString(reason) > MaxShort || !identity.CheckName(reason).IsZero() {
		return Request{}, problem.Invalid(problem.FieldError{Field: "retainReason", Code: problem.FieldInvalidValue})
	}
	r, err := s.Get(ctx, id)
	if err != nil {
		return Request{}, err
	}
	if r.Status == StatusResolved {
		return Request{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	now := s.Now()
	r.Status, r.ResolvedAt, r.ResolvedBy = StatusResolved, &now, by
	if retainYears > 0 {
		until := now.AddDate(retainYears, 0, 0)
		r.RetainUntil, r.RetainReason = &until, strings.TrimSpace(reason)
	}
	if err := s.Store.Resolved(ctx, r); err != nil {
		return Request{}, err
	}
	return r, nil
}
