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

// PendingRating is a rating sent without an account, waiting for its address to
// be confirmed (HGK-2): kept under the digest of the mailed token only, for at
// most PendingRatingTTL, then gone.
type PendingRating struct {
	Digest    string    `dynamodbav:"digest" json:"-"`
	Rated     string    `dynamodbav:"pendingRated" json:"-"`
	Stars     int       `dynamodbav:"stars" json:"stars"`
	Text      string    `dynamodbav:"text" json:"text"`
	Email     string    `dynamodbav:"pendingEmail" json:"email"`
	Language  string    `dynamodbav:"language" json:"language"`
	CreatedAt time.Time `dynamodbav:"createdAt" json:"createdAt"`
	ExpiresAt time.Time `dynamodbav:"expiresAt" json:"expiresAt"`
	// TermsVersion and PrivacyVersion are the texts accepted with the form.
	TermsVersion   string `dynamodbav:"termsVersion" json:"termsVersion"`
	PrivacyVersion string `dynamodbav:"privacyVersion" json:"privacyVersion"`
}

// PendingRatingTTL is how long a confirmation link of a rating works.
const PendingRatingTTL = 48 * time.Hour

// PathRatingConfirm is the page a rating's confirmation link leads to, below
// /{lang}.
const PathRatingConfirm = "/classifieds/rating-confirm"

// AnonymousRating is a rating sent without an account: the rating, the address
// to confirm and the language of the mail and the account.
type AnonymousRating struct {
	RatingInput
	Email    string `json:"email"`
	Language string `json:"language"`
	// AcceptedTermsVersion and AcceptedPrivacyVersion are the texts the person
	// accepted with the form: the account the confirmation creates records them
	// (HGK-2), as a listing without an account does, never versions nobody saw.
	AcceptedTermsVersion   string `json:"acceptedTermsVersion"`
	AcceptedPrivacyVersion string `json:"acceptedPrivacyVersion"`
}

// ErrNoPending is a confirmation token the store does not hold (unknown or used).
var ErrNoPending = errors.New("classifieds: no such pending rating")

// PendingRatingStore keeps pending ratings (classifiedsdb).
type PendingRatingStore interface {
	// AddPending stores a pending rating until its ExpiresAt.
	AddPending(ctx context.Context, p PendingRating) error
	// TakePending reads and deletes the pending rating of a digest, once: a second
	// take, or an unknown digest, is ErrNoPending.
	TakePending(ctx context.Context, digest string) (PendingRating, error)
}

// Confirmations is the rating without an account: a mailed link, then the
// rating stored and the account created (HGK-2).
type Confirmations struct {
	Ratings  *Ratings
	Pending  PendingRatingStore
	Mail     Mailer
	Accounts protocol.Provisioner
	// BaseURL is the portal's address for the mailed link; TermsVersion and
	// PrivacyVersion the versions in force, which the form must have accepted
	// (the new account records what was accepted).
	BaseURL, TermsVersion, PrivacyVersion string
}

// RateWithoutAccount checks the rating and the address and mails the
// confirmation link; nothing is public and no account exists until the link is
// used. The answer is the same whether the address has an account or not.
func (c *Confirmations) RateWithoutAccount(ctx context.Context, publicID string, in AnonymousRating) error {
	var fe []problem.FieldError
	rin, err := in.RatingInput.Validate()
	if p, ok := problem.As(err); ok {
		fe = append(fe, p.Fields...)
	}
	email, code := identity.NormalizeEmail(in.Email)
	if !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "email", Code: code})
	}
	if code := identity.CheckLanguage(in.Language); !code.IsZero() {
		fe = append(fe, problem.FieldError{Field: "language", Code: code})
	}
	fe = append(fe, acceptedTexts(in.AcceptedTermsVersion, in.AcceptedPrivacyVersion, c.TermsVersion, c.PrivacyVersion)...)
	if len(fe) > 0 {
		return problem.Invalid(fe...)
	}
	acc, err := c.Ratings.advertiser(ctx, publicID)
	if err != nil {
		return err
	}
	now := c.Ratings.Now()
	raw := ids.NewToken()
	p := PendingRating{Digest: ids.Digest(raw), Rated: acc, Stars: rin.Stars, Text: rin.Text, Email: email, Language: in.Language,
		CreatedAt: now, ExpiresAt: now.Add(PendingRatingTTL), TermsVersion: in.AcceptedTermsVersion, PrivacyVersion: in.AcceptedPrivacyVersion}
	if err := c.Pending.AddPending(ctx, p); err != nil {
		return err
	}
	return c.Mail.Deliver(ctx, ratingMail(p, c.BaseURL, raw, now))
}

// ratingMail is the confirmation mail of a pending rating.
func ratingMail(p PendingRating, base, raw string, now time.Time) mail.Message {
	link := strings.TrimRight(base, "/") + "/" + p.Language + PathRatingConfirm + "?token=" + url.QueryEscape(raw)
	m := mail.Message{ID: ids.NewV7(now), To: p.Email, Kind: "rating-confirm", Unsolicited: true}
	if p.Language == "de" {
		m.Subject = "Bitte bestätigen Sie Ihre Bewertung"
		m.Text = "Guten Tag,\n\nSie haben auf HandGegenKoje.de einen Inserenten bewertet. Mit diesem Link veröffentlichen Sie die Bewertung; dabei wird für diese Adresse ein Nutzerkonto angelegt, falls es noch keines gibt:\n\n" +
			link + "\n\nDer Link gilt 48 Stunden. Wenn Sie nichts bewertet haben, ignorieren Sie diese Nachricht; dann wird nichts gespeichert.\n"
		return m
	}
	m.Subject = "Please confirm your rating"
	m.Text = "Hello,\n\nYou rated an advertiser on HandGegenKoje.de. This link publishes the rating; an account is created for this address if it has none yet:\n\n" +
		link + "\n\nThe link works for 48 hours. If you did not rate anyone, ignore this message; then nothing is kept.\n"
	return m
}

// Confirm publishes a pending rating with its mailed token, once: the account of
// the address is created (or found) with the address confirmed (HGK-2), the
// rating stored as the rater's, and the confirming address and time recorded as
// evidence (HGK-12). A used or unknown token is rating_link_invalid, an expired
// one rating_link_expired; nothing changes then.
func (c *Confirmations) Confirm(ctx context.Context, token, ip string) (Rating, error) {
	if !ids.PlausibleToken(token) {
		return Rating{}, problem.New(http.StatusBadRequest, CodeRatingLinkInvalid)
	}
	digest := ids.Digest(token)
	p, err := c.Pending.TakePending(ctx, digest)
	if errors.Is(err, ErrNoPending) {
		return Rating{}, problem.New(http.StatusBadRequest, CodeRatingLinkInvalid)
	}
	if err != nil {
		return Rating{}, err
	}
	if !c.Ratings.Now().Before(p.ExpiresAt) {
		return Rating{}, problem.New(http.StatusBadRequest, CodeRatingLinkExpired)
	}
	rater, err := c.Accounts.Provision(ctx, protocol.NewAccount{Email: p.Email, Language: p.Language,
		TermsVersion: p.TermsVersion, PrivacyVersion: p.PrivacyVersion, EmailConfirmed: true})
	if err != nil {
		return Rating{}, err
	}
	return c.Ratings.store(ctx, rater, p.Rated, RatingInput{Stars: p.Stars, Text: p.Text}, p.Language, ip)
}
