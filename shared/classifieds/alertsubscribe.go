package classifieds

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy/protocol"
	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// PathAlertConfirm is the page an alert's confirmation link leads to, below
// /{lang}; the page spends the token on a button click only (a mail scanner
// that follows the link confirms nothing).
const PathAlertConfirm = "/classifieds/alerts/confirm"

// MaxAlertBody bounds the body of an alert's creation or change.
const MaxAlertBody = 4 << 10

// AlertInput is what a person sends to create an alert.
type AlertInput struct {
	Criteria  AlertCriteria `json:"criteria"`
	Frequency string        `json:"frequency"`
	// Language is the language of the alert's mails; the page sends its own.
	Language string `json:"language"`
}

// AnonymousAlert is an alert sent without an account: the alert, the address to
// confirm, and the texts accepted with the form, which the account the
// confirmation creates records (HGK-2).
type AnonymousAlert struct {
	AlertInput
	Email                  string `json:"email"`
	AcceptedTermsVersion   string `json:"acceptedTermsVersion"`
	AcceptedPrivacyVersion string `json:"acceptedPrivacyVersion"`
}

// AlertPatch changes an alert: an absent field stays as it is.
type AlertPatch struct {
	Criteria  *AlertCriteria `json:"criteria"`
	Frequency *string        `json:"frequency"`
	Paused    *bool          `json:"paused"`
}

// AddressLimiter counts events per address (ratelimit.Limiter).
type AddressLimiter interface {
	Take(ctx context.Context, rule ratelimit.Rule, value string) (time.Duration, error)
}

// Alerts creates, confirms and manages alerts for new listings (HGK-2, HGK-3).
type Alerts struct {
	Store AlertStore
	Mail  Mailer
	// Accounts creates the account of a confirmed address if there is none.
	Accounts protocol.Provisioner
	// Limiter bounds alerts sent for one address (ratelimit.AlertToAddress).
	Limiter AddressLimiter
	Now     func() time.Time
	// ConfirmFor is how long a confirmation link works; then the pending alert
	// lapses (AlertConfirmDays).
	ConfirmFor time.Duration
	// BaseURL is the portal's address for the mailed link; TermsVersion and
	// PrivacyVersion the versions in force, which the form must have accepted.
	BaseURL, TermsVersion, PrivacyVersion string
}

// check validates an alert's input and returns it normalised, with field errors
// beside any of the criteria.
func (in AlertInput) check() (AlertInput, []problem.FieldError, error) {
	var fe []problem.FieldError
	c, err := in.Criteria.Validate()
	if p, ok := problem.As(err); ok && len(p.Fields) > 0 {
		fe = append(fe, p.Fields...)
	} else if err != nil {
		return AlertInput{}, nil, err // alert_too_broad
	}
	if !oneOf(in.Frequency, []string{FrequencyInstant, FrequencyDaily}) {
		fe = append(fe, problem.FieldError{Field: "frequency", Code: problem.FieldInvalidValue})
	}
	if code := identity.CheckLanguage(in.Language); !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "language", Code: code})
	}
	in.Criteria = c
	return in, fe, nil
}

// SubscribeWithoutAccount checks the alert and the address, keeps the alert
// pending and mails the confirmation link; nothing is active and no account
// exists until the link is used. The answer is the same for every address:
// one with an account, one over its limit (nothing stored, nothing mailed).
func (s *Alerts) SubscribeWithoutAccount(ctx context.Context, in AnonymousAlert) error {
	ai, fe, err := in.AlertInput.check()
	if err != nil {
		return err
	}
	email, code := identity.NormalizeEmail(in.Email)
	if !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "email", Code: code})
	}
	fe = append(fe, acceptedTexts(in.AcceptedTermsVersion, in.AcceptedPrivacyVersion, s.TermsVersion, s.PrivacyVersion)...)
	if len(fe) > 0 {
		return problem.Invalid(fe...)
	}
	wait, err := s.Limiter.Take(ctx, ratelimit.AlertToAddress, mail.Mailbox(email))
	if err != nil || wait > 0 {
		return err
	}
	now := s.Now()
	raw := ids.NewToken()
	p := PendingAlert{Digest: ids.Digest(raw), Criteria: ai.Criteria, Frequency: ai.Frequency, Email: email, Language: ai.Language,
		CreatedAt: now, ExpiresAt: now.Add(s.confirmFor()), TermsVersion: in.AcceptedTermsVersion, PrivacyVersion: in.AcceptedPrivacyVersion}
	if err := s.Store.AddPendingAlert(ctx, p); err != nil {
		return err
	}
	return s.Mail.Deliver(ctx, alertConfirmMail(p, s.BaseURL, raw, now, s.confirmFor()))
}

func (s *Alerts) confirmFor() time.Duration {
	if s.ConfirmFor <= 0 {
		return DefaultAlertConfirm
	}
	return s.ConfirmFor
}

// alertConfirmMail is the double opt-in mail of a pending alert (unsolicited:
// anyone can cause it, so the outbox bounds it per address).
func alertConfirmMail(p PendingAlert, base, raw string, now time.Time, valid time.Duration) mail.Message {
	link := strings.TrimRight(base, "/") + "/" + p.Language + PathAlertConfirm + "?token=" + url.QueryEscape(raw)
	days := int(valid.Hours() / 24)
	m := mail.Message{ID: ids.NewV7(now), To: p.Email, Kind: "alert-confirm", Unsolicited: true}
	if p.Language == "de" {
		m.Subject = "Bitte bestätigen Sie Ihre Benachrichtigung"
		m.Text = "Guten Tag,\n\nSie möchten von HandGegenKoje.de per E-Mail über neue Inserate benachrichtigt werden. Mit diesem Link schalten Sie die Benachrichtigung ein; dabei wird für diese Adresse ein Nutzerkonto angelegt, falls es noch keines gibt:\n\n" +
			link + fmt.Sprintf("\n\nDer Link gilt %d Tage. Wenn Sie nichts bestellt haben, ignorieren Sie diese Nachricht; dann wird nichts gespeichert und Sie erhalten keine weiteren E-Mails.\n", days)
		return m
	}
	m.Subject = "Please confirm your alert"
	m.Text = "Hello,\n\nYou asked HandGegenKoje.de to mail you new listings. This link turns the alert on; an account is created for this address if it has none yet:\n\n" +
		link + fmt.Sprintf("\n\nThe link works for %d days. If you asked for nothing, ignore this message; then nothing is kept and you get no further mail.\n", days)
	return m
}

// Confirm activates a pending alert with its mailed token, once: the account of
// the address is created (or found) with the address confirmed (HGK-2) and the
// alert stored active. A used or unknown token is alert_link_invalid, a lapsed
// one alert_link_expired; nothing changes then.
func (s *Alerts) Confirm(ctx context.Context, token string) (Alert, error) {
	if !ids.PlausibleToken(token) {
		return Alert{}, problem.New(http.StatusBadRequest, CodeAlertLinkInvalid)
	}
	p, err := s.Store.TakePendingAlert(ctx, ids.Digest(token))
	if errors.Is(err, ErrNoPendingAlert) {
		return Alert{}, problem.New(http.StatusBadRequest, CodeAlertLinkInvalid)
	}
	if err != nil {
		return Alert{}, err
	}
	if !s.Now().Before(p.ExpiresAt) {
		return Alert{}, problem.New(http.StatusBadRequest, CodeAlertLinkExpired)
	}
	acc, err := s.Accounts.Provision(ctx, protocol.NewAccount{Email: p.Email, Language: p.Language,
		TermsVersion: p.TermsVersion, PrivacyVersion: p.PrivacyVersion, EmailConfirmed: true})
	if err != nil {
		return Alert{}, err
	}
	return s.add(ctx, acc, AlertInput{Criteria: p.Criteria, Frequency: p.Frequency, Language: p.Language}, p.CreatedAt)
}

// Create stores a signed-in account's alert, active at once: the account's
// address is confirmed already, so no mail is needed.
func (s *Alerts) Create(ctx context.Context, accountID string, in AlertInput) (Alert, error) {
	ai, fe, err := in.check()
	if err != nil {
		return Alert{}, err
	}
	if len(fe) > 0 {
		return Alert{}, problem.Invalid(fe...)
	}
	return s.add(ctx, accountID, ai, s.Now())
}

// add stores a checked alert of an account, active; too_many_alerts at MaxAlerts.
func (s *Alerts) add(ctx context.Context, accountID string, in AlertInput, created time.Time) (Alert, error) {
	now := s.Now()
	a := Alert{ID: ids.NewV7(now), AccountID: accountID, Criteria: in.Criteria, Frequency: in.Frequency, Language: in.Language,
		CreatedAt: created, ConfirmedAt: now}
	err := s.Store.AddAlert(ctx, a, MaxAlerts)
	if errors.Is(err, ErrTooManyAlerts) {
		return Alert{}, problem.New(http.StatusConflict, CodeTooManyAlerts)
	}
	return a, err
}

// List is the account's alerts, oldest first.
func (s *Alerts) List(ctx context.Context, accountID string) ([]Alert, error) {
	return s.Store.AlertsOf(ctx, accountID)
}

// Change applies a patch to one of the account's alerts; another account's
// alert is 404, as an unknown one.
func (s *Alerts) Change(ctx context.Context, accountID, id string, p AlertPatch) (Alert, error) {
	a, err := s.Store.Alert(ctx, accountID, id)
	if errors.Is(err, ErrNoAlert) {
		return Alert{}, notFound()
	}
	if err != nil {
		return Alert{}, err
	}
	in := AlertInput{Criteria: a.Criteria, Frequency: a.Frequency, Language: a.Language}
	if p.Criteria != nil {
		in.Criteria = *p.Criteria
	}
	if p.Frequency != nil {
		in.Frequency = *p.Frequency
	}
	in, fe, err := in.check()
	if err != nil {
		return Alert{}, err
	}
	if len(fe) > 0 {
		return Alert{}, problem.Invalid(fe...)
	}
	a.Criteria, a.Frequency = in.Criteria, in.Frequency
	if p.Paused != nil {
		a.Paused = *p.Paused
	}
	now := s.Now()
	a.UpdatedAt = &now
	if err := s.Store.ReplaceAlert(ctx, a); errors.Is(err, ErrNoAlert) {
		return Alert{}, notFound()
	} else if err != nil {
		return Alert{}, err
	}
	return a, nil
}

// Delete deletes one of the account's alerts; another account's is 404.
func (s *Alerts) Delete(ctx context.Context, accountID, id string) error {
	err := s.Store.DeleteAlert(ctx, accountID, id)
	if errors.Is(err, ErrNoAlert) {
		return notFound()
	}
	return err
}
