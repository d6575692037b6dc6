// Package contact keeps contact requests (H4U-8, CP-3): sent with or without an
// account, a valid email required and everything else voluntary on recorded consent,
// handled by staff, and deleted automatically once resolved unless a legal retention
// duty applies.
package contact

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"strconv"
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

// Caps of a request (docs/limits.md). A request is a note to staff, not a file
// store: the fields are bounded by what a person writes to explain a problem, the
// log by what staff read to diagnose one.
const (
	// MaxName bounds the sender's name, in characters.
	MaxName = 100
	// MaxSubject bounds the subject line, in characters.
	MaxSubject = 150
	// MaxMessage bounds the message, in characters (about two printed pages).
	MaxMessage = 5000
	// MaxAppLog bounds the shared app log, in bytes: its recent end, some 200 lines,
	// which is what staff read; older lines are the app's to drop before sending.
	MaxAppLog = 16 << 10
	// MaxShort bounds a staff member's retention reason, in characters.
	MaxShort = 200
	// MaxBody bounds a request's JSON body, in bytes: every field at its cap, with
	// room for JSON escaping, fits, so a field over its cap is refused by name (400)
	// and only a body larger than any valid one gets 413.
	MaxBody = 48 << 10
	// MaxOpen is how many open requests may wait for staff at once. At it, requests
	// without an account are refused (503 contact_queue_full with Retry-After) until
	// staff resolve some; signed-in customers still get through.
	MaxOpen = 500
	// QueueFullRetry is the Retry-After of a refusal at MaxOpen.
	QueueFullRetry = 15 * time.Minute
	// ConsentVersion is the current text of the consent to process voluntary data.
	ConsentVersion = "2026-01"
)

// ErrNotFound is a request the store does not hold.
var ErrNotFound = errors.New("contact: no such request")

// ErrNotOpen is a request that was resolved or removed in the meantime.
var ErrNotOpen = errors.New("contact: request is not open")

// ErrFull is a request the store refused because the open list is at its cap.
var ErrFull = errors.New("contact: too many open requests")

// Store keeps contact requests and the list of open ones.
type Store interface {
	// Create stores a new request and lists it as open, in one step with the count
	// of open requests; with maxOpen > 0 it refuses with ErrFull when that many are
	// open already.
	Create(ctx context.Context, r Request, maxOpen int) error
	// Get returns a request, or ErrNotFound.
	Get(ctx context.Context, id string) (Request, error)
	// OpenIDs lists the ids of the open requests, oldest first.
	OpenIDs(ctx context.Context) ([]string, error)
	// Resolved stores a resolved request and takes it off the open list and the
	// count, in one step; ErrNotOpen when it was no longer open.
	Resolved(ctx context.Context, r Request) error
	// Each calls fn for every stored request (the retention sweep).
	Each(ctx context.Context, fn func(Request) error) error
	// AccountIDs lists the ids of the requests sent from the account, in no
	// particular order, reading only those (the index of a person's requests).
	AccountIDs(ctx context.Context, accountID string) ([]string, error)
	// Of calls fn for every request sent from the account, and every one sent from
	// the address without an account (either may be ""), reading only those.
	Of(ctx context.Context, accountID, email string, fn func(Request) error) error
	// Remove deletes a request, and its entry in the open list (and the count).
	Remove(ctx context.Context, r Request) error
	// RecountOpen sets the count of open requests to the open list's length (the
	// retention sweep heals a count that drifted, e.g. one that began after requests
	// were already open).
	RecountOpen(ctx context.Context) error
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
	check("name", in.Name, MaxName)
	check("subject", in.Subject, MaxSubject)
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
	maxOpen := 0
	if accountID == "" {
		maxOpen = MaxOpen
	}
	if err := s.Store.Create(ctx, r, maxOpen); errors.Is(err, ErrFull) {
		p := problem.New(http.StatusServiceUnavailable, CodeQueueFull)
		p.RetryAfterSeconds = int(QueueFullRetry / time.Second)
		return Request{}, p
	} else if err != nil {
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

// The page sizes of a person's own list (GET /v1/me/contact-requests).
const (
	DefaultMinePage = 20
	MaxMinePage     = 100
)

// Mine is a request as the person who sent it sees it: everything they gave and
// what became of it, without the staff member who resolved it (another person's
// account).
type Mine struct {
	ID             string     `json:"id"`
	Email          string     `json:"email"`
	Subject        string     `json:"subject,omitempty"`
	Message        string     `json:"message,omitempty"`
	AppLog         string     `json:"appLog,omitempty"`
	ConsentVersion string     `json:"consentVersion,omitempty"`
	ConsentAt      *time.Time `json:"consentAt,omitempty"`
	Status         string     `json:"status"`
	CreatedAt      time.Time  `json:"createdAt"`
	ResolvedAt     *time.Time `json:"resolvedAt,omitempty"`
	RetainUntil    *time.Time `json:"retainUntil,omitempty"`
	RetainReason   string     `json:"retainReason,omitempty"`
}

func mine(r Request) Mine {
	return Mine{ID: r.ID, Email: r.Email, Subject: r.Subject, Message: r.Message, AppLog: r.AppLog,
		ConsentVersion: r.ConsentVersion, ConsentAt: r.ConsentAt, Status: r.Status, CreatedAt: r.CreatedAt,
		ResolvedAt: r.ResolvedAt, RetainUntil: r.RetainUntil, RetainReason: r.RetainReason}
}

// MinePage checks a page request of a person's own list: limit 1..MaxMinePage
// (DefaultMinePage when ""), cursor "" or the id of the last request of the
// previous page.
func MinePage(limit, cursor string) (int, string, error) {
	n := DefaultMinePage
	if limit != "" {
		v, err := strconv.Atoi(limit)
		if err != nil || v < 1 || v > MaxMinePage {
			return 0, "", problem.Invalid(problem.FieldError{Field: "limit", Code: problem.FieldInvalidValue})
		}
		n = v
	}
	if cursor != "" && !ids.ValidV7(cursor) {
		return 0, "", problem.Invalid(problem.FieldError{Field: "cursor", Code: problem.FieldInvalidValue})
	}
	return n, cursor, nil
}

// Of lists the requests sent from the account, newest first: at most limit of
// them, those older than the request cursor (an id of the previous page), and the
// cursor of the next page ("" on the last). Only the account's own requests are
// read, so no other person's request can be reached, whatever the cursor. Ids are
// UUIDv7, which sort by time; the index has no sort key, so the account's ids are
// read (keys only) and sorted here. What it costs is bounded by the requests a
// person keeps: resolved ones are deleted by the next retention sweep.
func (s *Service) Of(ctx context.Context, accountID string, limit int, cursor string) ([]Mine, string, error) {
	all, err := s.Store.AccountIDs(ctx, accountID)
	if err != nil {
		return nil, "", err
	}
	sort.Sort(sort.Reverse(sort.StringSlice(all)))
	out := []Mine{}
	for _, id := range all {
		if cursor != "" && id >= cursor {
			continue
		}
		if len(out) == limit {
			return out, out[len(out)-1].ID, nil
		}
		r, err := s.Store.Get(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue // deleted since the index was read
		}
		if err != nil {
			return nil, "", err
		}
		if r.AccountID == accountID {
			out = append(out, mine(r))
		}
	}
	return out, "", nil
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
	if err := s.Store.Resolved(ctx, r); errors.Is(err, ErrNotOpen) {
		return Request{}, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if err != nil {
		return Request{}, err
	}
	return r, nil
}
