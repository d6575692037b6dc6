package classifieds

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"kontor/shared/problem"
)

// AdvertiserData is what an advertiser may tell about themselves (HGK-3, HGK-4):
// a username shown publicly on their listings instead of the neutral label, and a
// salutation, name and billing address used only to address mails and invoices,
// never shown publicly. Every field is optional and removable. It is stored on the
// advertiser item (ACCOUNT#<id> / ADVERTISER), beside FirstListingAt.
type AdvertiserData struct {
	Username   string `dynamodbav:"username,omitempty" json:"username,omitempty"`
	Salutation string `dynamodbav:"salutation,omitempty" json:"salutation,omitempty"`
	Name       string `dynamodbav:"name,omitempty" json:"name,omitempty"`
	Street     string `dynamodbav:"street,omitempty" json:"street,omitempty"`
	PostalCode string `dynamodbav:"postalCode,omitempty" json:"postalCode,omitempty"`
	City       string `dynamodbav:"city,omitempty" json:"city,omitempty"`
	Country    string `dynamodbav:"country,omitempty" json:"country,omitempty"`
}

// AdvertiserRecord is the advertiser item with the advertiser's data, their public
// id and their rating summary: what the advertiser and ratings features read.
type AdvertiserRecord struct {
	AdvertiserData
	// PublicID is the advertiser's public id, by which the public finds their
	// ratings: random, never the account id (which is never public).
	PublicID       string     `dynamodbav:"pubId,omitempty" json:"publicId,omitempty"`
	FirstListingAt *time.Time `dynamodbav:"firstListingAt,omitempty" json:"firstListingAt,omitempty"`
	CreatedAt      *time.Time `dynamodbav:"createdAt,omitempty" json:"createdAt,omitempty"`
	RatingCount    int        `dynamodbav:"ratingCount,omitempty" json:"-"`
	RatingSum      int        `dynamodbav:"ratingSum,omitempty" json:"-"`
	// IdentityConfirmedAt is read with the rest for the public view's mark (HGK-5;
	// identity.go keeps it), so a listing's view reads the advertiser item once.
	IdentityConfirmedAt *time.Time `dynamodbav:"identityConfirmedAt,omitempty" json:"-"`
	// PlanValidUntil is the last day of the advertiser's flat rate (HGK-6;
	// plans.go keeps it), YYYY-MM-DD.
	PlanValidUntil string `dynamodbav:"planValidUntil,omitempty" json:"planValidUntil,omitempty"`
}

// Salutations an advertiser may choose.
var Salutations = []string{"ms", "mr", "mx"}

// Caps of the advertiser data (docs/limits.md).
const (
	MinUsername    = 3
	MaxUsername    = 30
	MaxName        = 100
	MaxStreet      = 100
	MaxCity        = 80
	MaxPostalCode  = 12
	MaxAdvertiser  = 4 << 10
	advertiserKeys = 7
)

// usernameShape: letters and digits, single dots, dashes or underscores between
// them; it starts and ends with a letter or digit.
var usernameShape = regexp.MustCompile(`^[\p{L}\p{N}]+([._-][\p{L}\p{N}]+)*$`)

// reservedWords may not appear in a username, whatever the case or separators:
// no one may pose as the operator or its staff.
var reservedWords = []string{"admin", "handgegenkoje", "hgk", "moderator", "support", "staff", "kontor", "official", "offiziell", "team", "system", "root", "betreiber", "operator"}

var postalShape = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 -]*$`)
var countryShape = regexp.MustCompile(`^[A-Z]{2}$`)

// UsernameKey is the form in which usernames are unique: their skeleton, lower
// case with look-alike letters folded (usernames.go).
func UsernameKey(u string) string { return skeleton(u) }

// reserved reports whether a username contains a staff word.
func reserved(u string) bool {
	flat := strings.NewReplacer(".", "", "-", "", "_", "").Replace(skeleton(u))
	for _, w := range reservedWords {
		if strings.Contains(flat, skeleton(w)) {
			return true
		}
	}
	return false
}

// checkUsername checks a username's length, shape and words.
func checkUsername(u string) *problem.FieldError {
	n := utf8.RuneCountInString(u)
	switch {
	case n < MinUsername:
		return &problem.FieldError{Field: "username", Code: problem.FieldTooShort}
	case n > MaxUsername:
		return &problem.FieldError{Field: "username", Code: problem.FieldTooLong}
	case !usernameShape.MatchString(u):
		return &problem.FieldError{Field: "username", Code: CodeUsernameShape}
	case lookalike(u):
		return &problem.FieldError{Field: "username", Code: CodeUsernameLookalike}
	case reserved(u):
		return &problem.FieldError{Field: "username", Code: CodeUsernameReserved}
	}
	return nil
}

// AdvertiserPatch is a change of the advertiser data: a field absent stays, a
// field null is removed, a string is set (trimmed; blank removes it too).
type AdvertiserPatch map[string]json.RawMessage

// fields are the patchable fields with their setters.
func fields(d *AdvertiserData) map[string]*string {
	return map[string]*string{"username": &d.Username, "salutation": &d.Salutation, "name": &d.Name, "street": &d.Street,
		"postalCode": &d.PostalCode, "city": &d.City, "country": &d.Country}
}

// Apply returns d changed by the patch, checked; bad input is a 400 problem naming
// every wrong field.
func (p AdvertiserPatch) Apply(d AdvertiserData) (AdvertiserData, error) {
	var fe []problem.FieldError
	set := fields(&d)
	for k, raw := range p {
		dst, ok := set[k]
		if !ok {
			fe = append(fe, problem.FieldError{Field: k, Code: problem.FieldInvalidValue})
			continue
		}
		var v *string
		if err := json.Unmarshal(raw, &v); err != nil {
			fe = append(fe, problem.FieldError{Field: k, Code: problem.FieldInvalidValue})
			continue
		}
		*dst = ""
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	if len(fe) > 0 {
		return AdvertiserData{}, problem.Invalid(fe...)
	}
	d.Country = strings.ToUpper(d.Country)
	return d, d.check()
}

// check checks every field that is set.
func (d AdvertiserData) check() error {
	var fe []problem.FieldError
	add := func(e *problem.FieldError) {
		if e != nil {
			fe = append(fe, *e)
		}
	}
	opt := func(field, v string, max int) {
		if v != "" {
			add(checkText(field, v, max, false))
		}
	}
	if d.Username != "" {
		add(checkUsername(d.Username))
	}
	if d.Salutation != "" && !oneOf(d.Salutation, Salutations) {
		add(&problem.FieldError{Field: "salutation", Code: problem.FieldInvalidValue})
	}
	opt("name", d.Name, MaxName)
	opt("street", d.Street, MaxStreet)
	opt("city", d.City, MaxCity)
	if d.PostalCode != "" && (len(d.PostalCode) > MaxPostalCode || !postalShape.MatchString(d.PostalCode)) {
		add(&problem.FieldError{Field: "postalCode", Code: problem.FieldInvalidValue})
	}
	if d.Country != "" && !countryShape.MatchString(d.Country) {
		add(&problem.FieldError{Field: "country", Code: problem.FieldInvalidValue})
	}
	if len(fe) > 0 {
		return problem.Invalid(fe...)
	}
	return nil
}

// ErrUsernameTaken is a username another advertiser holds (ignoring case).
var ErrUsernameTaken = errors.New("classifieds: username taken")

// AdvertiserStore keeps the advertiser data (classifiedsdb).
type AdvertiserStore interface {
	// AdvertiserRecord reads the advertiser item consistently; ok is false when
	// there is none.
	AdvertiserRecord(ctx context.Context, accountID string) (AdvertiserRecord, bool, error)
	// SaveAdvertiserData writes the data on the advertiser item (creating it when
	// missing, with a public id), claiming the new username and freeing the old one
	// in the same transaction, on the condition that the username is still old.
	// A username someone else holds is ErrUsernameTaken; a concurrent change
	// dynamo's ErrConflict.
	SaveAdvertiserData(ctx context.Context, accountID string, old, d AdvertiserData, now time.Time) error
}

// Advertisers serves the advertiser data.
type Advertisers struct {
	Store AdvertiserStore
	Now   func() time.Time
}

// Data returns the advertiser's record (empty when they never published nor set
// anything).
func (s *Advertisers) Data(ctx context.Context, accountID string) (AdvertiserRecord, error) {
	r, _, err := s.Store.AdvertiserRecord(ctx, accountID)
	return r, err
}

// Change applies a patch to the advertiser's data. A username held by another
// advertiser is refused field by field (CodeUsernameTaken).
func (s *Advertisers) Change(ctx context.Context, accountID string, p AdvertiserPatch) (AdvertiserRecord, error) {
	if len(p) > advertiserKeys {
		return AdvertiserRecord{}, problem.Invalid(problem.FieldError{Field: "body", Code: problem.FieldInvalidValue})
	}
	r, _, err := s.Store.AdvertiserRecord(ctx, accountID)
	if err != nil {
		return AdvertiserRecord{}, err
	}
	d, err := p.Apply(r.AdvertiserData)
	if err != nil {
		return AdvertiserRecord{}, err
	}
	err = s.Store.SaveAdvertiserData(ctx, accountID, r.AdvertiserData, d, s.Now())
	switch {
	case errors.Is(err, ErrUsernameTaken):
		return AdvertiserRecord{}, problem.Invalid(problem.FieldError{Field: "username", Code: CodeUsernameTaken})
	case errors.Is(err, ErrChanged):
		return AdvertiserRecord{}, problem.New(http.StatusConflict, problem.CodeConflict)
	case err != nil:
		return AdvertiserRecord{}, err
	}
	r, _, err = s.Store.AdvertiserRecord(ctx, accountID)
	return r, err
}

// ErrChanged is a concurrent change of the same item: the caller may try again.
var ErrChanged = errors.New("classifieds: changed meanwhile")
