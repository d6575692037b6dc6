package network

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"time"

	"kontor/shared/problem"
)

// Company register sync (HKC-10): for members who hold an honorary office (a
// flag staff set with the company's register number), the company contact data
// that the commercial register publishes is reconciled with the register every
// day (RegisterSync, registersync.go). docs/network.md, "Company register".

// RegisterFields are the details of a profile the register manages, in the order
// of the form: the company's name, address, website and phone. Nothing else of a
// profile is ever written by the sync — not the person's name, role, fax, the
// business address for mail, the birthdate, voluntary details or any visibility
// switch.
var RegisterFields = []string{"company", "street", "houseNumber", "postalCode", "city", "country", "companyWebsite", "phone"}

// registerNumberPattern is a German register number: the register court (letters,
// spaces, dots, hyphens, brackets, 2–60 characters, e.g. "Amtsgericht Hamburg" or
// "Charlottenburg (Berlin)"), the register (HRA, HRB, GnR cooperatives, PR
// partnerships, VR associations, GsR civil-law partnerships), the number (1–7
// digits, no leading zero) and an optional suffix of one or two capitals (the "B"
// of "HRB 12345 B").
var registerNumberPattern = regexp.MustCompile(`^[\p{L}][\p{L} .()\-]{1,59} (HRA|HRB|GnR|PR|VR|GsR) [1-9][0-9]{0,6}( [A-Z]{1,2})?$`)

// NormalizeRegisterNumber trims a register number and folds runs of spaces, and
// reports whether it has the form registerNumberPattern describes.
func NormalizeRegisterNumber(s string) (string, bool) {
	n := strings.Join(strings.Fields(s), " ")
	return n, len(n) <= 80 && registerNumberPattern.MatchString(n)
}

// Honorary is the honorary office of a member as staff set it, and the state of
// its sync. Sources says, per register-managed detail, when the register last set
// it (the member's page shows "from the register, on <date>").
type Honorary struct {
	AccountID      string               `dynamodbav:"accountId" json:"-"`
	RegisterNumber string               `dynamodbav:"registerNumber" json:"registerNumber"`
	Since          time.Time            `dynamodbav:"since" json:"since"`
	Sources        map[string]time.Time `dynamodbav:"sources,omitempty" json:"sources"`
	// CheckedAt is the last time the register answered for the member.
	CheckedAt *time.Time `dynamodbav:"checkedAt,omitempty" json:"checkedAt,omitempty"`
	// Failures counts the runs in a row in which the register failed for the
	// member; Failure is the last one's reason code (no personal data).
	Failures int    `dynamodbav:"failures,omitempty" json:"failures"`
	Failure  string `dynamodbav:"failure,omitempty" json:"failure,omitempty"`
	// Pending is a change stored whose mail may not have been queued yet: the
	// next run queues it (the outbox takes its id once) and clears it.
	Pending *RegisterMail `dynamodbav:"pending,omitempty" json:"-"`
}

// RegisterChange is one detail the register changed: an item of the history the
// member sees.
type RegisterChange struct {
	Field string    `dynamodbav:"field" json:"field"`
	Old   string    `dynamodbav:"old" json:"old"`
	New   string    `dynamodbav:"new" json:"new"`
	At    time.Time `dynamodbav:"at" json:"at"`
}

// RegisterMail is what a mail about a sync's changes says, and the profile
// version it was made for (its id derives from both).
type RegisterMail struct {
	Version int              `dynamodbav:"version"`
	Changes []RegisterChange `dynamodbav:"changes"`
}

// RegisterStore keeps the honorary offices, the register's change history and
// the progress of a sync run.
type RegisterStore interface {
	// Honorary reads a member's office; ErrNotFound without one.
	Honorary(ctx context.Context, accountID string) (Honorary, error)
	// SetHonorary stores the office (a changed register number replaces the
	// earlier one, with its marks and history) while the member's profile
	// exists; ErrNotFound otherwise.
	SetHonorary(ctx context.Context, h Honorary) error
	// RemoveHonorary deletes the office, its marks and its history; none is no
	// error.
	RemoveHonorary(ctx context.Context, accountID string) error
	// HonoraryMembers lists every member with an office, by account id.
	HonoraryMembers(ctx context.Context) ([]string, error)
	// History lists the register's changes of a member, newest first.
	History(ctx context.Context, accountID string) ([]RegisterChange, error)
	// ApplyRegister stores the profile p (its Version the new one) on the stored
	// version prev, the changes in the history, and the office h (its new marks
	// and pending mail), in one transaction that holds only while the stored
	// office is still for h's register number; ErrConflict otherwise (the
	// profile changed meanwhile, or the office did).
	ApplyRegister(ctx context.Context, p Profile, prev int, h Honorary, changes []RegisterChange) error
	// RegisterChecked records an answer that changed nothing (failures cleared).
	RegisterChecked(ctx context.Context, accountID, number string, at time.Time) error
	// RegisterFailed records a failure of the register for the member.
	RegisterFailed(ctx context.Context, accountID, number, reason string, at time.Time) error
	// MailQueued clears the pending mail of the profile version.
	MailQueued(ctx context.Context, accountID string, version int) error
	// SyncCursor reads where an unfinished run stopped ("" for none).
	SyncCursor(ctx context.Context) (string, error)
	// SetSyncCursor records that the run has done every member up to after; ""
	// ends the run.
	SetSyncCursor(ctx context.Context, after string) error
}

// RegisterView is what a member sees of the register's part in their profile.
type RegisterView struct {
	HonoraryOffice bool                 `json:"honoraryOffice"`
	RegisterNumber string               `json:"registerNumber,omitempty"`
	Fields         []string             `json:"fields"`
	Sources        map[string]time.Time `json:"sources"`
	History        []RegisterChange     `json:"history"`
}

// RegisterService serves the honorary office to staff and its view to the
// member.
type RegisterService struct {
	Store RegisterStore
	Now   func() time.Time
}

// Mine is the member's view: whether they hold an office, which details the
// register manages and when it last set each, and its change history.
func (s *RegisterService) Mine(ctx context.Context, accountID string) (RegisterView, error) {
	v := RegisterView{Fields: RegisterFields, Sources: map[string]time.Time{}, History: []RegisterChange{}}
	h, err := s.Store.Honorary(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		return v, nil
	}
	if err != nil {
		return RegisterView{}, err
	}
	v.HonoraryOffice, v.RegisterNumber = true, h.RegisterNumber
	if h.Sources != nil {
		v.Sources = h.Sources
	}
	hist, err := s.Store.History(ctx, accountID)
	if err != nil {
		return RegisterView{}, err
	}
	if hist != nil {
		v.History = hist
	}
	return v, nil
}

// Get is a member's office as staff see it; 404 without one.
func (s *RegisterService) Get(ctx context.Context, accountID string) (Honorary, error) {
	h, err := s.Store.Honorary(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		return Honorary{}, notFound()
	}
	if h.Sources == nil && err == nil {
		h.Sources = map[string]time.Time{}
	}
	return h, err
}

// Set gives the member an honorary office with the register number (staff).
// The same number again changes nothing; another number starts afresh. A member
// without a profile (no network member, or not begun) is 404.
func (s *RegisterService) Set(ctx context.Context, accountID, number string) (Honorary, bool, error) {
	n, ok := NormalizeRegisterNumber(number)
	if !ok {
		return Honorary{}, false, problem.Invalid(problem.FieldError{Field: "registerNumber", Code: FieldInvalidRegisterNumber})
	}
	cur, err := s.Store.Honorary(ctx, accountID)
	if err == nil && cur.RegisterNumber == n {
		return cur, false, nil
	}
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Honorary{}, false, err
	}
	h := Honorary{AccountID: accountID, RegisterNumber: n, Since: s.Now(), Sources: map[string]time.Time{}}
	if err := s.Store.SetHonorary(ctx, h); errors.Is(err, ErrNotFound) {
		return Honorary{}, false, notFound()
	} else if err != nil {
		return Honorary{}, false, err
	}
	return h, true, nil
}

// Remove takes the office away: the sync stops, and the marks and history go
// with it (the details the register set stay in the profile as they are).
func (s *RegisterService) Remove(ctx context.Context, accountID string) error {
	return s.Store.RemoveHonorary(ctx, accountID)
}

// FieldInvalidRegisterNumber is a register number not of the form court,
// register, number (NormalizeRegisterNumber).
var FieldInvalidRegisterNumber = problem.Define("invalid_register_number",
	"Bitte geben Sie die Registernummer mit Registergericht, Register und Nummer an, etwa „Amtsgericht Hamburg HRB 12345“.",
	"Please give the register number with the register court, the register and the number, such as “Amtsgericht Hamburg HRB 12345”.")
