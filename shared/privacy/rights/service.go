// Package rights carries out the data-subject rights over every module of the
// privacy registry: access and portability (export), consent grant and withdrawal,
// restriction, objection, erasure as a resumable job, legal holds, the retention
// sweep and the published record of processing.
package rights

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"kontor/shared/access"
	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// Mailer queues mail.
type Mailer interface {
	Deliver(ctx context.Context, m mail.Message) error
}

// Service carries out the rights over every module of the module list. Each
// function's builder (privacywire) fills the parts its routes use and fails at
// start-up when one is missing.
type Service struct {
	// The privacy module's own records.
	Ledger     ConsentLedger
	Flags      FlagStore
	LegalHolds HoldStore
	Jobs       JobStore
	AuditLog   AuditLog
	Receipts   ReceiptStore
	// Modules are every module, in the module list's order; the privacy module's
	// own data last.
	Modules []privacy.Module
	// Purposes are every consent purpose of the module list.
	Purposes []privacy.Purpose
	// People answers who an account is (the identity module).
	People privacy.Resolver
	// Deactivators end sign-in, the first step of every erasure.
	Deactivators []privacy.Deactivator
	// Withdrawers delete what rested on a consent when it is withdrawn.
	Withdrawers []privacy.Withdrawer
	Mail        Mailer
	Now         func() time.Time
	Log         *slog.Logger
	// Params are the deployment parameters in force, reported in the record of
	// processing (for example the retention periods).
	Params map[string]string
}

func (s *Service) subject(ctx context.Context, accountID string) (privacy.Subject, privacy.Person, error) {
	acc, err := s.People.Person(ctx, accountID)
	if errors.Is(err, privacy.ErrUnknownPerson) {
		return privacy.Subject{AccountID: accountID}, privacy.Person{}, problem.New(http.StatusNotFound, problem.CodeNotFound)
	}
	if err != nil {
		return privacy.Subject{}, privacy.Person{}, fmt.Errorf("load account: %w", err)
	}
	return privacy.Subject{AccountID: acc.AccountID, Email: acc.Email}, acc, nil
}

// Kinds returns every declared kind, module by module.
func (s *Service) Kinds() []privacy.Kind {
	var out []privacy.Kind
	for _, m := range s.Modules {
		out = append(out, m.Kinds()...)
	}
	return out
}

// Category is one kind of data in an export: what it is and what is stored.
type Category struct {
	privacy.Kind
	Data any `json:"data"`
}

// Route names a place where the person can correct their data (Art. 16).
type Route struct {
	Method string   `json:"method"`
	Path   string   `json:"path"`
	Fields []string `json:"fields"`
}

// Rectification lists the routes through which data can be corrected.
var Rectification = []Route{
	{Method: "PATCH", Path: "/v1/me", Fields: []string{"firstName", "lastName", "email", "language"}},
	{Method: "PUT", Path: "/v1/me/password", Fields: []string{"password"}},
	{Method: "PUT", Path: "/v1/me/consents/{purpose}", Fields: []string{"consent"}},
}

// Export is the complete, machine-readable answer to an access request (Art. 15,
// Art. 20).
type Export struct {
	Format             string     `json:"format"`
	GeneratedAt        time.Time  `json:"generatedAt"`
	AccountID          string     `json:"accountId"`
	Processed          bool       `json:"processed"`
	Restricted         bool       `json:"restricted"`
	Objections         []string   `json:"objections"`
	LegalHold          *HoldView  `json:"legalHold"`
	AutomatedDecisions string     `json:"automatedDecisions"`
	Controller         string     `json:"controller"`
	Categories         []Category `json:"categories"`
	Rectification      []Route    `json:"rectification"`
	ComplaintAuthority string     `json:"complaint"`
}

// HoldView is how a hold shows in the person's export.
type HoldView struct {
	Reason   string    `json:"reason"`
	PlacedAt time.Time `json:"placedAt"`
}

// Export collects everything stored about the signed-in person from every module,
// with purpose, legal basis, recipients, retention and source per category. A
// module that leaves out one of its declared kinds makes the export fail rather
// than be incomplete.
func (s *Service) Export(ctx context.Context, p access.Principal) (Export, error) {
	sub, _, err := s.subject(ctx, p.AccountID)
	if err != nil {
		return Export{}, err
	}
	doc := Export{
		Format: "kontor-export/1", GeneratedAt: s.Now(), AccountID: sub.AccountID, Objections: []string{},
		AutomatedDecisions: "none: Kontor makes no automated decisions and no profiling (Art. 22 GDPR)",
		Controller:         "the operator of this portal",
		ComplaintAuthority: "You may complain to a data protection supervisory authority (Art. 77 GDPR).",
		Rectification:      Rectification,
	}
	datas, err := s.exportAll(ctx, sub)
	if err != nil {
		return Export{}, err
	}
	for i, m := range s.Modules {
		data := datas[i]
		for _, k := range m.Kinds() {
			v, ok := data[k.ID]
			if !ok {
				return Export{}, fmt.Errorf("export %s: module left out kind %s", m.Name(), k.ID)
			}
			if !empty(v) {
				doc.Processed = true
			}
			doc.Categories = append(doc.Categories, Category{Kind: k, Data: v})
		}
	}
	flags, err := s.Flags.Flags(ctx, sub.AccountID)
	if err != nil {
		return Export{}, err
	}
	for _, f := range flags {
		if f.Kind == privacy.FlagRestriction {
			doc.Restricted = true
		} else {
			doc.Objections = append(doc.Objections, strings.TrimPrefix(f.Kind, "objection-"))
		}
	}
	if h, err := s.LegalHolds.Hold(ctx, sub.AccountID); err == nil {
		doc.LegalHold = &HoldView{Reason: h.Reason, PlacedAt: h.PlacedAt}
	} else if !errors.Is(err, privacy.ErrNotFound) {
		return Export{}, err
	}
	return doc, nil
}

// exportAll asks every module for the person's data at the same time (each is
// its own function's invocation, so the export takes as long as the slowest
// module, not the sum of all): the answers in the modules' order, or the first
// module's error.
func (s *Service) exportAll(ctx context.Context, sub privacy.Subject) ([]map[string]any, error) {
	datas := make([]map[string]any, len(s.Modules))
	errs := make([]error, len(s.Modules))
	var wg sync.WaitGroup
	for i, m := range s.Modules {
		wg.Go(func() {
			datas[i], errs[i] = m.Export(ctx, sub)
			if errs[i] != nil {
				errs[i] = fmt.Errorf("export %s: %w", m.Name(), errs[i])
			}
		})
	}
	wg.Wait()
	return datas, errors.Join(errs...)
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case json.RawMessage:
		t := strings.TrimSpace(string(x))
		return t == "" || t == "null" || t == "[]" || t == "{}" || t == `""`
	}
	return false
}

// audit records an admin action; ids and reasons only.
func (s *Service) audit(ctx context.Context, action, actor, subject, reason string) error {
	return s.AuditLog.Audit(ctx, privacy.AuditEntry{At: s.Now(), Action: action, Actor: actor, Subject: subject, Reason: reason})
}

// checkReason validates a free-text reason (holds): required, bounded, no control characters.
func checkReason(r string) error {
	r = strings.TrimSpace(r)
	switch {
	case r == "":
		return problem.Invalid(problem.FieldError{Field: "reason", Code: problem.FieldRequired})
	case len([]rune(r)) > 500:
		return problem.Invalid(problem.FieldError{Field: "reason", Code: problem.FieldTooLong})
	case identity.CheckName(strings.ReplaceAll(r, "\n", " ")) == problem.FieldControlChars:
		return problem.Invalid(problem.FieldError{Field: "reason", Code: problem.FieldControlChars})
	}
	return nil
}

// notify mails the person in their language, as mail id (queued once).
func (s *Service) notify(ctx context.Context, id string, acc privacy.Person, subjectDE, subjectEN, textDE, textEN string) error {
	subj, text := subjectEN, textEN
	if acc.Language == "de" {
		subj, text = subjectDE, textDE
	}
	return s.Mail.Deliver(ctx, mail.Message{ID: id, To: acc.Email, Subject: "Kontor: " + subj, Text: text})
}

// PlaceHold keeps a person's data past erasure and sweeps until lifted (HKC-15,
// AHK-5); the person is told by mail and the action is audited. Placing the same
// hold again (the same reason, by the same admin: a repeat whose answer was lost)
// is answered with the hold in force; another hold for a held person is
// hold_exists.
func (s *Service) PlaceHold(ctx context.Context, admin access.Principal, accountID, reason string) (privacy.Hold, error) {
	if err := checkReason(reason); err != nil {
		return privacy.Hold{}, err
	}
	if !ids.ValidV7(accountID) {
		return privacy.Hold{}, problem.Invalid(problem.FieldError{Field: "accountId", Code: problem.FieldInvalidValue})
	}
	_, acc, err := s.subject(ctx, accountID)
	if err != nil {
		return privacy.Hold{}, err
	}
	now := s.Now()
	h := privacy.Hold{AccountID: accountID, Reason: strings.TrimSpace(reason), PlacedBy: admin.AccountID, PlacedAt: now, NoticeID: ids.NewV7(now)}
	if err := s.LegalHolds.PlaceHold(ctx, h); err != nil {
		if !errors.Is(err, privacy.ErrConflict) {
			return privacy.Hold{}, err
		}
		held, err := s.LegalHolds.Hold(ctx, accountID)
		if errors.Is(err, privacy.ErrNotFound) || err == nil && (held.Reason != h.Reason || held.PlacedBy != h.PlacedBy) {
			return privacy.Hold{}, problem.New(http.StatusConflict, CodeHoldExists)
		}
		if err != nil {
			return privacy.Hold{}, err
		}
		h = held
		if now.Sub(h.PlacedAt) > HoldRepeatWindow || h.NoticeID == "" {
			// Its audit entry and notice were written long ago (or by a version
			// that gave the notice no id of its own).
			return h, nil
		}
	}
	// Both writes are repeatable: the audit entry is keyed by the hold's time, and
	// the outbox queues a mail id once.
	if err := s.AuditLog.Audit(ctx, privacy.AuditEntry{At: h.PlacedAt, Action: "hold.placed", Actor: admin.AccountID, Subject: accountID, Reason: h.Reason}); err != nil {
		return privacy.Hold{}, err
	}
	s.Log.InfoContext(ctx, "legal hold placed", slog.String("accountId", accountID), slog.String("by", admin.AccountID))
	err = s.notify(ctx, h.NoticeID, acc,
		"Ihre Daten werden aufbewahrt",
		"Your data is being kept",
		"Guten Tag,\n\nwir bewahren Ihre Daten vorerst auf, auch wenn Sie ihre Löschung verlangen, weil ein rechtlicher Grund dies erfordert:\n\n"+h.Reason+"\n\nSobald der Grund entfällt, heben wir die Aufbewahrung auf; eine beantragte Löschung wird dann ausgeführt. Sie können die Aufbewahrung in Ihrer Datenauskunft einsehen.\n",
		"Hello,\n\nwe are keeping your data for now, even if you ask for its erasure, because a legal reason requires it:\n\n"+h.Reason+"\n\nOnce the reason no longer applies we lift the hold; a requested erasure is then carried out. Your data export shows the hold.\n")
	return h, err
}

// HoldRepeatWindow is how long after a hold was placed placing it again also
// repeats its audit entry and notice, in case the first request was cut off
// before them: within the hour the outbox remembers a mail id (mail.Remember).
const HoldRepeatWindow = mail.Remember

// LiftHold ends a hold; a pending erasure then runs to completion at the next sweep.
func (s *Service) LiftHold(ctx context.Context, admin access.Principal, accountID, reason string) error {
	if err := checkReason(reason); err != nil {
		return err
	}
	if err := s.LegalHolds.LiftHold(ctx, accountID); err != nil {
		if errors.Is(err, privacy.ErrNotFound) {
			return problem.New(http.StatusNotFound, problem.CodeNotFound)
		}
		return err
	}
	if err := s.audit(ctx, "hold.lifted", admin.AccountID, accountID, strings.TrimSpace(reason)); err != nil {
		return err
	}
	s.Log.InfoContext(ctx, "legal hold lifted", slog.String("accountId", accountID), slog.String("by", admin.AccountID))
	// A pending erasure is finished by the next retention sweep, which alone holds
	// the rights to erase in every module.
	return nil
}

// Holds lists the active holds.
func (s *Service) Holds(ctx context.Context) ([]privacy.Hold, error) {
	hs, err := s.LegalHolds.Holds(ctx)
	if hs == nil {
		hs = []privacy.Hold{}
	}
	return hs, err
}

// heldSet lists the persons whose data must stay: under a legal hold, or restricted
// by the person (Art. 18(1)(b), (c): kept instead of erased).
func (s *Service) heldSet(ctx context.Context) ([]string, error) {
	hs, err := s.LegalHolds.Holds(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, h := range hs {
		out = append(out, h.AccountID)
	}
	rs, err := s.Flags.Restricted(ctx)
	if err != nil {
		return nil, err
	}
	return append(out, rs...), nil
}
