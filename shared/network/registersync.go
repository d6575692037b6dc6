package network

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// RegisterSync reconciles the register-managed details of every honorary
// office holder's profile with the register (HKC-10), once a day.
type RegisterSync struct {
	Store    RegisterStore
	Profiles Store
	Register Register
	// Ledger tells whether a person restricted the processing of their data
	// (Art. 18; privacydb.Store): the run leaves them out, asking the register
	// nothing about them.
	Ledger interface {
		IsRestricted(ctx context.Context, accountID string) (bool, error)
	}
	People  privacy.Resolver
	Outbox  Outbox
	BaseURL string // the site, for the link in the mail
	Now     func() time.Time
	Log     *slog.Logger
	// Attempts is how often a transient failure (unavailable, timeout) is asked
	// again within a run for one member, Backoff the wait before the second
	// (doubling after); later runs try again anyway.
	Attempts int
	Backoff  time.Duration
	// Reserve is the time a run keeps in hand before its deadline: it stops
	// there, keeping its place, and the next run goes on from it.
	Reserve time.Duration
}

// SyncResult counts what a run did: members gone through, those left out
// because they restricted processing, profiles changed, and members for whom
// the register failed; Done is false when the run stopped
// before the end (its place is kept).
type SyncResult struct {
	Members    int  `json:"members"`
	Restricted int  `json:"restricted"`
	Changed    int  `json:"changed"`
	Failed     int  `json:"failed"`
	Done       bool `json:"done"`
}

// Run goes through the honorary office holders in account order, beginning
// after the place where an earlier run stopped, and saves its place after each
// member. Members who restricted processing (Art. 18, read from the ledger
// when their turn comes) are left out: the register is not asked and nothing is written. It
// stops after limit members (0: no limit) or when the context's
// deadline comes within Reserve, with Done false; the next run goes on from
// there. A failure of the register for a member is recorded and the run goes
// on; a failure of the portal's own storage ends the run with an error.
func (s *RegisterSync) Run(ctx context.Context, limit int) (SyncResult, error) {
	var res SyncResult
	after, err := s.Store.SyncCursor(ctx)
	if err != nil {
		return res, err
	}
	members, err := s.Store.HonoraryMembers(ctx)
	if err != nil {
		return res, err
	}
	for _, id := range members {
		if id <= after {
			continue
		}
		if (limit > 0 && res.Members >= limit) || s.late(ctx) {
			return res, nil
		}
		res.Members++
		restricted, err := s.Ledger.IsRestricted(ctx, id)
		if err != nil {
			return res, err
		}
		changed, failed := false, false
		if restricted {
			res.Restricted++ // nothing is processed; the run goes on past them
		} else if changed, failed, err = s.Member(ctx, id); err != nil {
			return res, err
		}
		if changed {
			res.Changed++
		}
		if failed {
			res.Failed++
		}
		if err := s.Store.SetSyncCursor(ctx, id); err != nil {
			return res, err
		}
	}
	res.Done = true
	return res, s.Store.SetSyncCursor(ctx, "")
}

// late reports whether the run's deadline is within Reserve.
func (s *RegisterSync) late(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ok && time.Until(d) < s.Reserve
}

// Member reconciles one member's profile with the register: it queues a mail
// left pending by an earlier run, asks the register, and stores the details
// that differ, with their history and the mail, on the profile's version
// (read again and retried when the member changed it meanwhile). A register
// that fails, or whose answer is refused, changes nothing and is recorded
// (failed). A member whose office was removed, or who has no profile, is
// skipped.
func (s *RegisterSync) Member(ctx context.Context, accountID string) (changed, failed bool, err error) {
	h, err := s.Store.Honorary(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	if h.Pending != nil {
		if err := s.mail(ctx, accountID, *h.Pending); err != nil {
			return false, false, err
		}
	}
	rec, err := s.lookup(ctx, h.RegisterNumber)
	var re *RegisterError
	if errors.As(err, &re) {
		return false, true, s.failed(ctx, accountID, h.RegisterNumber, re.Reason)
	}
	if err != nil {
		return false, false, err
	}
	for range 3 {
		m, err := s.apply(ctx, accountID, h.RegisterNumber, rec)
		switch {
		case errors.As(err, &re):
			return false, true, s.failed(ctx, accountID, h.RegisterNumber, re.Reason)
		case errors.Is(err, ErrConflict):
			continue // the member saved meanwhile, or staff changed the office
		case err != nil:
			return false, false, err
		case m == nil:
			return false, false, nil
		}
		return true, false, s.mail(ctx, accountID, *m)
	}
	return false, false, nil // changed on every try: the next run goes on
}

// lookup asks the register, again after Backoff (doubling) for a transient
// failure, up to Attempts in all.
func (s *RegisterSync) lookup(ctx context.Context, number string) (RegisterRecord, error) {
	wait := s.Backoff
	for try := 1; ; try++ {
		rec, err := s.Register.Lookup(ctx, number)
		var re *RegisterError
		if err == nil || !errors.As(err, &re) || !re.Transient || try >= s.Attempts {
			return rec, err
		}
		select {
		case <-ctx.Done():
			return rec, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// apply stores what of rec differs from the member's profile, checked by the
// profile's own rules (any detail refused refuses the whole answer). It
// returns the mail to send, nil when nothing changed (the check is recorded)
// or the office is gone or for another number now.
func (s *RegisterSync) apply(ctx context.Context, accountID, number string, rec RegisterRecord) (*RegisterMail, error) {
	h, err := s.Store.Honorary(ctx, accountID)
	if errors.Is(err, ErrNotFound) || (err == nil && h.RegisterNumber != number) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p, err := s.Profiles.Get(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	next, _, fe := apply(p, rec.patch())
	if len(fe) > 0 {
		return nil, registerFailure("invalid_fields", false)
	}
	now := s.Now()
	var changes []RegisterChange
	for _, f := range textFields {
		if slices.Contains(RegisterFields, f.name) && *f.at(&next) != *f.at(&p) {
			changes = append(changes, RegisterChange{Field: f.name, Old: *f.at(&p), New: *f.at(&next), At: now})
		}
	}
	if len(changes) == 0 {
		return nil, s.Store.RegisterChecked(ctx, accountID, number, now)
	}
	next.Version, next.UpdatedAt = p.Version+1, &now
	m := &RegisterMail{Version: next.Version, Changes: changes}
	h.Sources = maps.Clone(h.Sources)
	if h.Sources == nil {
		h.Sources = map[string]time.Time{}
	}
	for _, c := range changes {
		h.Sources[c.Field] = now
	}
	h.CheckedAt, h.Failures, h.Failure, h.Pending = &now, 0, "", m
	if err := s.Store.ApplyRegister(ctx, next, p.Version, h, changes); err != nil {
		return nil, err
	}
	return m, nil
}

// failed records a failure of the register for the member; the log names the
// reason only.
func (s *RegisterSync) failed(ctx context.Context, accountID, number, reason string) error {
	if s.Log != nil {
		s.Log.WarnContext(ctx, "register failed for a member", slog.String("reason", reason))
	}
	return s.Store.RegisterFailed(ctx, accountID, number, reason, s.Now())
}

// mail queues the mail about a sync's changes in the member's language and
// clears it from the office; its id derives from account and profile version,
// so queueing it again (a run cut short before the clearing) sends nothing
// twice.
func (s *RegisterSync) mail(ctx context.Context, accountID string, m RegisterMail) error {
	person, err := s.People.Person(ctx, accountID)
	if err != nil && !errors.Is(err, privacy.ErrUnknownPerson) {
		return err
	}
	if err == nil && person.Email != "" {
		msg := RegisterChangeMail(person.Language, m.Changes, s.BaseURL)
		msg.ID, msg.To = RegisterMailID(accountID, m.Version), person.Email
		if err := s.Outbox.Deliver(ctx, msg); err != nil {
			return err
		}
	}
	return s.Store.MailQueued(ctx, accountID, m.Version)
}

// RegisterMailID is the id of the mail about the register's change that made
// the profile's version.
func RegisterMailID(accountID string, version int) string {
	return mail.DerivedID("register-change:" + accountID + ":" + strconv.Itoa(version))
}

// registerLabels name the register-managed details in the mail.
var registerLabels = map[string]map[string]string{
	"de": {"company": "Unternehmen", "street": "Straße", "houseNumber": "Hausnummer", "postalCode": "Postleitzahl", "city": "Ort",
		"country": "Land", "companyWebsite": "Website", "phone": "Telefon"},
	"en": {"company": "Company", "street": "Street", "houseNumber": "House number", "postalCode": "Postal code", "city": "City",
		"country": "Country", "companyWebsite": "Website", "phone": "Phone"},
}

// registerMailTexts: subject, the text before the list (%[1]s the date), the
// text after it (%[1]s the profile page).
var registerMailTexts = map[string][3]string{
	"de": {"Kontor: Ihre Unternehmensdaten wurden aus dem Handelsregister aktualisiert",
		"Hallo,\n\nam %[1]s haben wir die Unternehmensdaten in Ihrem Netzwerkprofil mit dem Handelsregister abgeglichen und diese Angaben übernommen:\n\n",
		"\nIhre übrigen Angaben und Ihre Sichtbarkeitseinstellungen bleiben unverändert. Den Verlauf sehen Sie in Ihrem Profil:\n\n%[1]s\n\nIhr Kontor"},
	"en": {"Kontor: your company details were updated from the commercial register",
		"Hello,\n\non %[1]s we compared the company details in your network profile with the commercial register and took over these details:\n\n",
		"\nYour other details and your visibility settings stay as they were. You see the history in your profile:\n\n%[1]s\n\nYour Kontor"},
}

// RegisterChangeMail is the mail telling a member what the register changed,
// in the language (German unless "en"): each detail with its old and new value.
func RegisterChangeMail(lang string, changes []RegisterChange, base string) mail.Message {
	if lang != "en" {
		lang = "de"
	}
	t, labels := registerMailTexts[lang], registerLabels[lang]
	var b strings.Builder
	date := ""
	if len(changes) > 0 {
		date = changes[0].At.Format("2006-01-02")
	}
	fmt.Fprintf(&b, t[1], date)
	for _, c := range changes {
		old := c.Old
		if old == "" {
			old = "–"
		}
		fmt.Fprintf(&b, "- %s: %s → %s\n", labels[c.Field], old, c.New)
	}
	fmt.Fprintf(&b, t[2], base+"/"+lang+"/network/profile")
	return mail.Message{Subject: t[0], Text: b.String(), Kind: "register-change"}
}
