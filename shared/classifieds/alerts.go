package classifieds

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"kontor/shared/problem"
)

// Alerts for new listings (HGK-2, HGK-3): a person names what they look for and
// is mailed each newly published listing that matches (or a daily digest). An
// alert sent without an account waits as a PendingAlert for its address to be
// confirmed; the confirmation creates the account if there is none. Only an
// active, unpaused alert is in the match index, so nothing is mailed for any other.

// Frequencies of an alert's mails.
const (
	// FrequencyInstant is one mail per matching listing.
	FrequencyInstant = "instant"
	// FrequencyDaily is one digest a day of the day's matches.
	FrequencyDaily = "daily"
)

// Bounds of alerts.
const (
	// MaxAlerts is the most alerts one account holds (active and paused).
	MaxAlerts = 20
	// MaxAlertWords is the most words of one alert.
	MaxAlertWords = 5
	// MaxAlertWord is the longest word of an alert, in letters.
	MaxAlertWord = 40
	// DefaultAlertConfirm is how long an alert's confirmation link works unless
	// the stack's AlertConfirmDays says otherwise.
	DefaultAlertConfirm = 3 * 24 * time.Hour
)

// AnyMatch stands for "any area" or "any boat type" in a match key.
const AnyMatch = "*"

// AlertCriteria is what an alert looks for. Kind is required; of the rest at
// least one must be given (an alert for every listing of a kind is refused as
// alert_too_broad).
type AlertCriteria struct {
	// Kind is KindOffer or KindSearch.
	Kind string `dynamodbav:"kind" json:"kind"`
	// Area is one of Areas, or "" for any.
	Area string `dynamodbav:"area,omitempty" json:"area,omitempty"`
	// BoatType is one of BoatTypes, or "" for any.
	BoatType string `dynamodbav:"boatType,omitempty" json:"boatType,omitempty"`
	// From and To (YYYY-MM-DD, each optional) are a range the trip must overlap.
	From string `dynamodbav:"from,omitempty" json:"from,omitempty"`
	To   string `dynamodbav:"to,omitempty" json:"to,omitempty"`
	// Words must each occur in the listing's title or text (as a word or part of
	// one, as the browse page's search does); normalised as browse normalises
	// them: lower case, composed (NFC), distinct.
	Words []string `dynamodbav:"words,omitempty" json:"words,omitempty"`
}

// Validate checks criteria and returns them normalised: kind, area and boat type
// from their lists, dates as days with to not before from, at most MaxAlertWords
// words of MinTerm to MaxAlertWord letters each. Criteria that would match every
// listing of a kind are CodeAlertTooBroad. Bad values are a 400 naming each field.
func (c AlertCriteria) Validate() (AlertCriteria, error) {
	var fe []problem.FieldError
	bad := func(field string, code problem.Code) { fe = append(fe, problem.FieldError{Field: field, Code: code}) }
	if !oneOf(c.Kind, []string{KindOffer, KindSearch}) {
		bad("kind", problem.FieldInvalidValue)
	}
	if c.Area != "" && !oneOf(c.Area, Areas) {
		bad("area", problem.FieldInvalidValue)
	}
	if c.BoatType != "" && !oneOf(c.BoatType, BoatTypes) {
		bad("boatType", problem.FieldInvalidValue)
	}
	if _, ok := day(c.From); c.From != "" && !ok {
		bad("from", problem.FieldInvalidValue)
	}
	if _, ok := day(c.To); c.To != "" && !ok {
		bad("to", problem.FieldInvalidValue)
	}
	if c.From != "" && c.To != "" && c.To < c.From {
		bad("to", CodeDateOrder)
	}
	words, code := alertWords(c.Words)
	if !code.IsZero() {
		bad("words", code)
	}
	c.Words = words
	if len(fe) > 0 {
		return AlertCriteria{}, problem.Invalid(fe...)
	}
	if c.Area == "" && c.BoatType == "" && c.From == "" && c.To == "" && len(c.Words) == 0 {
		return AlertCriteria{}, problem.New(http.StatusBadRequest, CodeAlertTooBroad)
	}
	return c, nil
}

// alertWords normalises an alert's words as the browse page does its query
// (tokens: lower case, NFC, split at anything but letters and digits), without
// repeats; a word shorter than MinTerm or longer than MaxAlertWord, or more than
// MaxAlertWords words, is refused rather than silently dropped.
func alertWords(in []string) ([]string, problem.Code) {
	var out []string
	seen := map[string]bool{}
	for _, w := range tokens(strings.Join(in, " ")) {
		n := len([]rune(w))
		if n < MinTerm {
			return nil, problem.FieldTooShort
		}
		if n > MaxAlertWord {
			return nil, problem.FieldTooLong
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	if len(out) > MaxAlertWords {
		return nil, CodeAlertTooManyWords
	}
	return out, problem.Code{}
}

// MatchKey is the match-index partition of criteria: "<kind>#<area or *>#<boat
// type or *>". A new listing reads the four partitions of ListingMatchKeys.
func (c AlertCriteria) MatchKey() string {
	return matchKey(c.Kind, c.Area, c.BoatType)
}

func matchKey(kind, area, boat string) string {
	if area == "" {
		area = AnyMatch
	}
	if boat == "" {
		boat = AnyMatch
	}
	return kind + "#" + area + "#" + boat
}

// ListingMatchKeys are the four match-index partitions that hold every active
// alert a listing can match: (kind, area, boat), (kind, area, *), (kind, *,
// boat), (kind, *, *). Within them, Matches decides dates and words.
func ListingMatchKeys(l Listing) []string {
	return []string{
		matchKey(l.Kind, l.Area, l.BoatType), matchKey(l.Kind, l.Area, ""),
		matchKey(l.Kind, "", l.BoatType), matchKey(l.Kind, "", ""),
	}
}

// Matches reports whether a listing is one the criteria look for: same kind,
// area and boat type when given, a trip overlapping From–To where given, and
// every word in the listing's title or text (Words, as browsing searches).
func (c AlertCriteria) Matches(l Listing) bool {
	if c.Kind != l.Kind || (c.Area != "" && c.Area != l.Area) || (c.BoatType != "" && c.BoatType != l.BoatType) {
		return false
	}
	if (c.From != "" && l.To < c.From) || (c.To != "" && l.From > c.To) {
		return false
	}
	if len(c.Words) == 0 {
		return true
	}
	ws := Words(l)
	for _, w := range c.Words {
		if !strings.Contains(ws, w) {
			return false
		}
	}
	return true
}

// Alert is a confirmed alert of an account. It is active (in the match index)
// unless Paused.
type Alert struct {
	// ID is a UUIDv7 (alerts sort by creation).
	ID string `dynamodbav:"id" json:"id"`
	// AccountID is the subscriber's account: never shown.
	AccountID string        `dynamodbav:"account" json:"-"`
	Criteria  AlertCriteria `dynamodbav:"criteria" json:"criteria"`
	// Frequency is FrequencyInstant or FrequencyDaily.
	Frequency string `dynamodbav:"frequency" json:"frequency"`
	// Language is the language of the alert's mails ("de", "en").
	Language string `dynamodbav:"language" json:"language"`
	// Paused keeps the alert without mailing anything (out of the match index).
	Paused      bool       `dynamodbav:"paused,omitempty" json:"paused"`
	CreatedAt   time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	ConfirmedAt time.Time  `dynamodbav:"confirmedAt" json:"confirmedAt"`
	UpdatedAt   *time.Time `dynamodbav:"updatedAt,omitempty" json:"updatedAt,omitempty"`
}

// Active reports whether the alert mails matches: only an active alert carries
// a match key (the match index is sparse).
func (a Alert) Active() bool { return !a.Paused }

// PendingAlert is an alert sent without an account, waiting for its address to
// be confirmed: kept under the digest of the mailed token only, until ExpiresAt.
type PendingAlert struct {
	Digest    string        `dynamodbav:"digest" json:"-"`
	Criteria  AlertCriteria `dynamodbav:"criteria" json:"criteria"`
	Frequency string        `dynamodbav:"frequency" json:"frequency"`
	// Email is stored as pendingEmail, so the byPendingEmail index finds it for
	// the export and erasure of the address.
	Email     string    `dynamodbav:"pendingEmail" json:"email"`
	Language  string    `dynamodbav:"language" json:"language"`
	CreatedAt time.Time `dynamodbav:"createdAt" json:"createdAt"`
	ExpiresAt time.Time `dynamodbav:"expiresAt" json:"expiresAt"`
	// TermsVersion and PrivacyVersion are the texts accepted with the form, which
	// the account the confirmation creates records.
	TermsVersion   string `dynamodbav:"termsVersion" json:"termsVersion"`
	PrivacyVersion string `dynamodbav:"privacyVersion" json:"privacyVersion"`
}

// Errors of the alert store.
var (
	// ErrNoAlert is an alert the account does not hold (or none at all).
	ErrNoAlert = errors.New("classifieds: no such alert")
	// ErrTooManyAlerts is an account at MaxAlerts.
	ErrTooManyAlerts = errors.New("classifieds: too many alerts")
	// ErrNoPendingAlert is a confirmation token the store does not hold (unknown or used).
	ErrNoPendingAlert = errors.New("classifieds: no such pending alert")
)

// AlertStore keeps alerts (classifiedsdb).
type AlertStore interface {
	// AddAlert stores a new alert of its account, unless the account holds max
	// alerts already (ErrTooManyAlerts).
	AddAlert(ctx context.Context, a Alert, max int) error
	// Alert reads an account's alert, consistently; ErrNoAlert when the account
	// has no alert of that id.
	Alert(ctx context.Context, accountID, id string) (Alert, error)
	// AlertsOf lists an account's alerts, oldest first (at most MaxAlerts).
	AlertsOf(ctx context.Context, accountID string) ([]Alert, error)
	// ReplaceAlert writes a changed alert over the stored one of its account;
	// ErrNoAlert when it is gone.
	ReplaceAlert(ctx context.Context, a Alert) error
	// DeleteAlert deletes an account's alert; ErrNoAlert when there is none.
	DeleteAlert(ctx context.Context, accountID, id string) error
	// AddPendingAlert stores a pending alert until its ExpiresAt.
	AddPendingAlert(ctx context.Context, p PendingAlert) error
	// TakePendingAlert reads and deletes the pending alert of a digest, once: a
	// second take, or an unknown digest, is ErrNoPendingAlert.
	TakePendingAlert(ctx context.Context, digest string) (PendingAlert, error)
}
