package rights

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// PurposeMarketing is the consent to alerts and other marketing mail.
const PurposeMarketing = "marketing-alerts"

// CorePurposes are the consents the privacy module itself asks for; the modules
// declare theirs (the module list gathers them).
func CorePurposes() []privacy.Purpose {
	return []privacy.Purpose{
		{ID: PurposeMarketing, Version: "2026-01", LegalBasis: privacy.Consent, Description: privacy.Text{
			DE: "E-Mail-Benachrichtigungen und andere Werbung.",
			EN: "Email alerts and other marketing."}},
	}
}

func (s *Service) purpose(id string) (privacy.Purpose, bool) {
	for _, p := range s.Purposes {
		if p.ID == id {
			return p, true
		}
	}
	return privacy.Purpose{}, false
}

// ConsentView is a purpose with the person's current answer.
type ConsentView struct {
	privacy.Purpose
	privacy.ConsentState
}

// Consents lists the person's consents and their history. The acceptance of the
// terms of use and the privacy notice at registration (HKC-1) leads the list; it is
// part of the contract and is not withdrawn here but by closing the account.
func (s *Service) Consents(ctx context.Context, p access.Principal) ([]privacy.ConsentState, []privacy.ConsentEvent, error) {
	cur, err := s.Ledger.Consents(ctx, p.AccountID)
	if err != nil {
		return nil, nil, err
	}
	acc, err := s.People.Person(ctx, p.AccountID)
	if err != nil && !errors.Is(err, privacy.ErrUnknownPerson) {
		return nil, nil, err
	}
	if err == nil {
		var accepted []privacy.ConsentState
		if acc.TermsVersion != "" {
			accepted = append(accepted, privacy.ConsentState{Purpose: "terms-of-use", Granted: true, TextVersion: acc.TermsVersion, GrantedAt: acc.TermsAcceptedAt})
		}
		if acc.PrivacyVersion != "" {
			accepted = append(accepted, privacy.ConsentState{Purpose: "privacy-notice", Granted: true, TextVersion: acc.PrivacyVersion, GrantedAt: acc.PrivacyAcceptedAt})
		}
		cur = append(accepted, cur...)
	}
	hist, err := s.Ledger.ConsentHistory(ctx, p.AccountID)
	if err != nil {
		return nil, nil, err
	}
	return nonNil(cur), nonNil(hist), nil
}

// Grant records a consent to the current text version of a purpose.
func (s *Service) Grant(ctx context.Context, p access.Principal, purposeID, version string) (privacy.ConsentState, error) {
	pu, ok := s.purpose(purposeID)
	if !ok {
		return privacy.ConsentState{}, problem.New(http.StatusNotFound, CodeUnknownPurpose)
	}
	if version != pu.Version {
		return privacy.ConsentState{}, problem.Invalid(problem.FieldError{Field: "textVersion", Code: problem.FieldOutdated})
	}
	// While processing is restricted (Art. 18) nothing beyond storage happens, and
	// marketing would be more: lift the restriction first. Consents to processing
	// the person starts themselves (claims) may be given; the modules still refuse
	// that processing until the restriction ends.
	if pu.ID == PurposeMarketing {
		restricted, err := s.Flags.IsRestricted(ctx, p.AccountID)
		if err != nil {
			return privacy.ConsentState{}, err
		}
		if restricted {
			return privacy.ConsentState{}, problem.New(http.StatusConflict, problem.CodeProcessingRestricted)
		}
	}
	now := s.Now()
	c := privacy.ConsentState{Purpose: pu.ID, Granted: true, TextVersion: version, GrantedAt: &now}
	if err := s.Ledger.SetConsent(ctx, p.AccountID, c, privacy.ConsentEvent{Purpose: pu.ID, Action: "granted", TextVersion: version, At: now}); err != nil {
		return privacy.ConsentState{}, err
	}
	s.Log.InfoContext(ctx, "consent granted", slog.String("accountId", p.AccountID), slog.String("purpose", pu.ID))
	return c, nil
}

// Withdraw withdraws a consent for the future (Art. 7(3)) and has every module
// delete the data that rested only on it.
func (s *Service) Withdraw(ctx context.Context, p access.Principal, purposeID string) (privacy.ConsentState, int, error) {
	pu, ok := s.purpose(purposeID)
	if !ok {
		return privacy.ConsentState{}, 0, problem.New(http.StatusNotFound, CodeUnknownPurpose)
	}
	cur, err := s.Ledger.Consents(ctx, p.AccountID)
	if err != nil {
		return privacy.ConsentState{}, 0, err
	}
	var c *privacy.ConsentState
	for i := range cur {
		if cur[i].Purpose == pu.ID && cur[i].Granted {
			c = &cur[i]
		}
	}
	if c == nil {
		return privacy.ConsentState{}, 0, problem.New(http.StatusConflict, CodeConsentNotGranted)
	}
	now := s.Now()
	// The data resting on the consent goes first, then the consent is marked
	// withdrawn: a withdrawal cut off half way is still granted, and repeating it
	// deletes (what is left) and records it. The other order would leave the data
	// behind a consent that already reads as withdrawn.
	deleted := 0
	sub := privacy.Subject{AccountID: p.AccountID}
	if acc, err := s.People.Person(ctx, p.AccountID); err == nil {
		sub.Email = acc.Email
	} else if !errors.Is(err, privacy.ErrUnknownPerson) {
		return privacy.ConsentState{}, 0, err
	}
	for _, w := range s.Withdrawers {
		n, err := w.OnWithdraw(ctx, sub, pu.ID)
		if err != nil {
			return privacy.ConsentState{}, deleted, err
		}
		deleted += n
	}
	c.Granted, c.WithdrawnAt = false, &now
	if err := s.Ledger.SetConsent(ctx, p.AccountID, *c, privacy.ConsentEvent{Purpose: pu.ID, Action: "withdrawn", TextVersion: c.TextVersion, At: now}); err != nil {
		return privacy.ConsentState{}, deleted, err
	}
	s.Log.InfoContext(ctx, "consent withdrawn", slog.String("accountId", p.AccountID), slog.String("purpose", pu.ID), slog.Int("deleted", deleted))
	return *c, deleted, nil
}

// Restrict sets or lifts the restriction of processing (Art. 18). While set, the
// data is only stored: retention sweeps keep it, and modules that process data
// check the flag.
func (s *Service) Restrict(ctx context.Context, p access.Principal, on bool) error {
	if !on {
		return s.Flags.ClearFlag(ctx, p.AccountID, privacy.FlagRestriction)
	}
	return s.Flags.SetFlag(ctx, p.AccountID, privacy.Flag{Kind: privacy.FlagRestriction, Since: s.Now()})
}

// Restricted reports whether a person's processing is restricted.
func (s *Service) Restricted(ctx context.Context, accountID string) (bool, error) {
	return s.Flags.IsRestricted(ctx, accountID)
}

// Objection scopes.
const (
	ObjectMarketing = "marketing"
	ObjectAll       = "all"
)

// Object records an objection (Art. 21). To direct marketing it needs no reason and
// stops alerts at once (the marketing consent is withdrawn). A general objection
// ends the use of the service: the account is closed through the erasure job.
func (s *Service) Object(ctx context.Context, p access.Principal, scope string) error {
	switch scope {
	case ObjectMarketing:
		if err := s.Flags.SetFlag(ctx, p.AccountID, privacy.Flag{Kind: privacy.FlagObjectMarketing, Since: s.Now()}); err != nil {
			return err
		}
		_, _, err := s.Withdraw(ctx, p, PurposeMarketing)
		if p, ok := problem.As(err); ok && p.Code == CodeConsentNotGranted {
			return nil
		}
		return err
	case ObjectAll:
		// It ends the account: only with a recent proof of the person, not a copied
		// session cookie alone (objecting to marketing needs none).
		if !p.RecentlyConfirmed(s.Now()) {
			return problem.New(http.StatusForbidden, problem.CodeReauthenticationRequired)
		}
		if err := s.Flags.SetFlag(ctx, p.AccountID, privacy.Flag{Kind: privacy.FlagObjectAll, Since: s.Now()}); err != nil {
			return err
		}
		_, err := s.Erase(ctx, p, "objection")
		return err
	}
	return problem.Invalid(problem.FieldError{Field: "scope", Code: problem.FieldInvalidValue})
}

// MarketingAllowed reports whether marketing may reach a person: consent granted
// and no objection. Modules that send alerts ask this.
func (s *Service) MarketingAllowed(ctx context.Context, accountID string) (bool, error) {
	flags, err := s.Flags.Flags(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, f := range flags {
		if f.Kind == privacy.FlagObjectMarketing || f.Kind == privacy.FlagObjectAll || f.Kind == privacy.FlagRestriction {
			return false, nil
		}
	}
	cur, err := s.Ledger.Consents(ctx, accountID)
	if err != nil {
		return false, err
	}
	for _, c := range cur {
		if c.Purpose == PurposeMarketing {
			return c.Granted, nil
		}
	}
	return false, nil
}
