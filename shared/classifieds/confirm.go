package classifieds

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"kontor/shared/identity"
	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy/protocol"
	"kontor/shared/problem"
)

// A listing sent without an account waits, pending, for its address to be
// confirmed by the mailed link (HGK-2): then it is published and the account is
// created (or the existing one found) through the identity module. The answer to
// the sender is the same whether the address has an account or not.

// PendingTTL is how long a pending listing and its link live.
const PendingTTL = 48 * time.Hour

// Pending is a listing's confirmation, stored under its token's digest: the
// address and what the account is created with. It names the listing, not the
// other way round, so the listing holds no address.
type Pending struct {
	Digest    string `dynamodbav:"digest" json:"-"`
	ListingID string `dynamodbav:"listingId" json:"listingId"`
	// Email is stored as pendingEmail, so that the byPendingEmail index finds the
	// address's pending listings for its export and erasure (HGK-16).
	Email          string    `dynamodbav:"pendingEmail" json:"email"`
	Language       string    `dynamodbav:"language" json:"language"`
	TermsVersion   string    `dynamodbav:"termsVersion" json:"termsVersion"`
	PrivacyVersion string    `dynamodbav:"privacyVersion" json:"privacyVersion"`
	CreatedAt      time.Time `dynamodbav:"createdAt" json:"createdAt"`
	ExpiresAt      time.Time `dynamodbav:"expiresAt" json:"expiresAt"`
}

// PendingListing is a pending listing as its address's export shows it: the
// confirmation and the listing it names.
type PendingListing struct {
	Pending
	Listing Listing `json:"listing"`
}

// ErrUsed is a confirmation that was used or removed in the meantime.
var ErrUsed = errors.New("classifieds: confirmation used")

// PendingStore keeps pending listings and their confirmations.
type PendingStore interface {
	// CreatePending stores a pending listing and its confirmation, both ending at
	// p.ExpiresAt.
	CreatePending(ctx context.Context, l Listing, p Pending) error
	// Pending returns a confirmation that has not expired at now, or ErrNotFound.
	Pending(ctx context.Context, digest string, now time.Time) (Pending, error)
	// Confirm publishes the pending listing l under its account and deletes the
	// confirmation, in one transaction with the advertiser item; ErrUsed when the
	// confirmation or the pending listing is gone.
	Confirm(ctx context.Context, p Pending, l Listing) error
}

// Provisioner creates the account of a confirmed address or finds the existing
// one (the identity module, through the privacy protocol).
type Provisioner interface {
	Provision(ctx context.Context, a protocol.NewAccount) (string, error)
}

// Mailer queues mail (the outbox).
type Mailer interface {
	Deliver(ctx context.Context, m mail.Message) error
}

// AnonymousInput is a listing sent without an account.
type AnonymousInput struct {
	Input
	Email                  string
	AcceptedTermsVersion   string
	AcceptedPrivacyVersion string
}

// acceptedTexts are the field errors of the terms and privacy versions a form
// without an account accepted, against the current ones.
func acceptedTexts(terms, privacy, curTerms, curPrivacy string) []problem.FieldError {
	var fe []problem.FieldError
	for _, e := range []*problem.FieldError{
		checkVersion("acceptedTermsVersion", terms, curTerms),
		checkVersion("acceptedPrivacyVersion", privacy, curPrivacy),
	} {
		if e != nil {
			fe = append(fe, *e)
		}
	}
	return fe
}

// checkVersion is the field error of an accepted version that is not current.
func checkVersion(field, got, current string) *problem.FieldError {
	switch {
	case got == "":
		return &problem.FieldError{Field: field, Code: problem.FieldRequired}
	case got != current:
		return &problem.FieldError{Field: field, Code: problem.FieldOutdated}
	}
	return nil
}

// Submit takes a listing without an account: it is stored pending and the
// confirmation link mailed to the address. Nothing in the answer depends on the
// address having an account; a mail over the address's limit is dropped.
func (s *Listings) Submit(ctx context.Context, in AnonymousInput, lang string) error {
	now := s.Now()
	var fe []problem.FieldError
	email, code := identity.NormalizeEmail(in.Email)
	if !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "email", Code: code})
	}
	fe = append(fe, acceptedTexts(in.AcceptedTermsVersion, in.AcceptedPrivacyVersion, s.TermsVersion, s.PrivacyVersion)...)
	checked, exp, err := in.Input.Validate(now, s.maxDays())
	if p, ok := problem.As(err); ok && len(p.Fields) > 0 {
		fe = append(fe, p.Fields...)
	} else if err != nil {
		return err
	}
	if len(fe) > 0 {
		return problem.Invalid(fe...)
	}
	l := newListing(checked, exp, now, StatusPending, lang)
	raw := ids.NewToken()
	p := Pending{Digest: ids.Digest(raw), ListingID: l.ID, Email: email, Language: lang, TermsVersion: in.AcceptedTermsVersion,
		PrivacyVersion: in.AcceptedPrivacyVersion, CreatedAt: now, ExpiresAt: now.Add(PendingTTL)}
	if err := s.Pending.CreatePending(ctx, l, p); err != nil {
		return err
	}
	return s.Mail.Deliver(ctx, confirmMail(s.BaseURL, email, lang, raw, now))
}

// confirmMail is the mail with the confirmation link.
func confirmMail(base, to, lang, token string, now time.Time) mail.Message {
	link := strings.TrimRight(base, "/") + "/" + lang + "/listings/confirm?token=" + url.QueryEscape(token)
	subject, text := "Bitte bestätigen Sie Ihr Inserat",
		"Guten Tag,\n\nbitte bestätigen Sie Ihre E-Mail-Adresse, um Ihr Inserat zu veröffentlichen:\n\n"+link+
			"\n\nDer Link gilt 48 Stunden. Mit der Bestätigung wird für diese Adresse ein Nutzerkonto angelegt (oder Ihr bestehendes verwendet).\nWenn Sie kein Inserat aufgegeben haben, ignorieren Sie diese E-Mail; dann wird nichts veröffentlicht und nichts gespeichert.\n"
	if lang == "en" {
		subject, text = "Please confirm your listing",
			"Hello,\n\nplease confirm your email address to publish your listing:\n\n"+link+
				"\n\nThe link is valid for 48 hours. Confirming creates an account for this address (or uses your existing one).\nIf you did not submit a listing, ignore this email; nothing is published and nothing is kept.\n"
	}
	return mail.Message{ID: ids.NewV7(now), To: to, Subject: subject, Text: text, Kind: "listing-confirm", Unsolicited: true}
}

// confirmInvalid is the one answer to a token that is unknown, used or expired.
func confirmInvalid() error { return problem.New(http.StatusBadRequest, CodeConfirmationInvalid) }

// Confirm publishes the listing a mailed token names (once): the account of the
// address is created or found (EmailConfirmed: the link proved the address), the
// publication recorded as evidence with the client's address, and the token
// consumed. An unknown, used or expired token changes nothing.
func (s *Listings) Confirm(ctx context.Context, token, ip string) (Listing, error) {
	if !ids.PlausibleToken(token) {
		return Listing{}, confirmInvalid()
	}
	now := s.Now()
	p, err := s.Pending.Pending(ctx, ids.Digest(token), now)
	if errors.Is(err, ErrNotFound) {
		return Listing{}, confirmInvalid()
	}
	if err != nil {
		return Listing{}, err
	}
	l, err := s.Store.Get(ctx, p.ListingID)
	if errors.Is(err, ErrNotFound) || (err == nil && l.Status != StatusPending) {
		return Listing{}, confirmInvalid()
	}
	if err != nil {
		return Listing{}, err
	}
	accountID, err := s.Accounts.Provision(ctx, protocol.NewAccount{Email: p.Email, Language: p.Language,
		TermsVersion: p.TermsVersion, PrivacyVersion: p.PrivacyVersion, EmailConfirmed: true})
	if err != nil {
		return Listing{}, err
	}
	if err := s.allowOffer(ctx, accountID, l.Kind, now); err != nil { // plangate.go
		return Listing{}, err
	}
	l.Status, l.AdvertiserID, l.PublishedAt = StatusPublished, accountID, &now
	if err := s.Evidence.Add(ctx, accountID, EventPublish, ip, now); err != nil {
		return Listing{}, err
	}
	if err := s.Alerts.Published(ctx, l); err != nil {
		return Listing{}, err
	}
	if err := s.Pending.Confirm(ctx, p, l); errors.Is(err, ErrUsed) {
		return Listing{}, confirmInvalid()
	} else if err != nil {
		return Listing{}, err
	}
	return l, nil
}
