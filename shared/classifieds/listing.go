// Package classifieds is the classifieds module (HandGegenKoje.de): sailors offer
// and seek crew berths in listings that anyone can browse without an account
// (CP-1, HGK-1). An advertiser's account is created when they confirm the address
// of their first listing (HGK-2); a listing is public until the expiry date they
// chose or until they end it, and is kept afterwards, not public, as a template
// until the account goes (HGK-7). docs/classifieds.md describes the module.
package classifieds

import (
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"kontor/shared/problem"
)

// Listing is one listing: an offer of a crew berth, or a search for one.
type Listing struct {
	ID string `dynamodbav:"id" json:"id"`
	// AdvertiserID is the advertiser's account; "" while a listing sent without an
	// account waits for its address to be confirmed.
	AdvertiserID string `dynamodbav:"advertiser,omitempty" json:"-"`
	Status       string `dynamodbav:"status" json:"status"`
	Kind         string `dynamodbav:"kind" json:"kind"`
	Area         string `dynamodbav:"area" json:"area"`
	BoatType     string `dynamodbav:"boatType" json:"boatType"`
	// From and To are the days of the trip, YYYY-MM-DD.
	From  string `dynamodbav:"from" json:"from"`
	To    string `dynamodbav:"to" json:"to"`
	Title string `dynamodbav:"title" json:"title"`
	Text  string `dynamodbav:"text" json:"text"`
	// ExpiresOn is the last day the listing is public (YYYY-MM-DD); ExpiresAt the
	// moment it stops being public, 00:00 UTC after that day.
	ExpiresOn   string     `dynamodbav:"expiresOn" json:"expiresOn"`
	ExpiresAt   time.Time  `dynamodbav:"expiresAt" json:"expiresAt"`
	CreatedAt   time.Time  `dynamodbav:"createdAt" json:"createdAt"`
	UpdatedAt   *time.Time `dynamodbav:"updatedAt,omitempty" json:"updatedAt,omitempty"`
	PublishedAt *time.Time `dynamodbav:"publishedAt,omitempty" json:"publishedAt,omitempty"`
	EndedAt     *time.Time `dynamodbav:"endedAt,omitempty" json:"endedAt,omitempty"`
	// Language is the language the advertiser wrote in and is mailed in ("de", "en").
	Language string `dynamodbav:"language,omitempty" json:"language,omitempty"`
}

// States of a listing.
const (
	// StatusPending is a listing sent without an account, waiting for its address
	// to be confirmed; it is never public and goes by itself when not confirmed.
	StatusPending = "pending"
	// StatusPublished is a listing that is public until ExpiresAt.
	StatusPublished = "published"
	// StatusEnded is a listing its advertiser ended early.
	StatusEnded = "ended"
)

// Kinds of a listing.
const (
	KindOffer  = "offer"
	KindSearch = "search"
)

// Areas are the sailing areas a listing names (the filter of the browse page).
var Areas = []string{"baltic", "north-sea", "channel", "atlantic", "mediterranean", "caribbean", "pacific", "indian-ocean", "inland", "other"}

// BoatTypes are the kinds of boat a listing names.
var BoatTypes = []string{"sailing-yacht", "catamaran", "motor-yacht", "traditional", "dinghy", "other"}

// Public reports whether anyone may see the listing at now: published, not ended,
// and not past its expiry. Every public read asks this of the item it read, so a
// listing stops being public at ExpiresAt exactly, whatever the indexes still hold.
func (l Listing) Public(now time.Time) bool {
	return l.Status == StatusPublished && l.EndedAt == nil && l.ExpiresAt.After(now)
}

// Template reports whether the listing may serve its advertiser as a template:
// one that is no longer public (ended early or expired) and was published.
func (l Listing) Template(now time.Time) bool {
	return l.PublishedAt != nil && !l.Public(now)
}

// Caps of a listing (docs/limits.md).
const (
	MaxTitle = 120
	MaxText  = 4000
	// MaxBody bounds a listing's JSON body: every field at its cap, with room for
	// JSON escaping, fits; only a body larger than any valid one gets 413.
	MaxBody = 32 << 10
	// MaxTripDays is how far ahead a trip may start or end.
	MaxTripDays = 2 * 366
	// DefaultMaxDays is the operator's maximum of the days a listing is public,
	// unless the template parameter ListingMaxDays sets another.
	DefaultMaxDays = 90
)

// Input is what an advertiser writes.
type Input struct {
	Kind      string `json:"kind"`
	Area      string `json:"area"`
	BoatType  string `json:"boatType"`
	From      string `json:"from"`
	To        string `json:"to"`
	Title     string `json:"title"`
	Text      string `json:"text"`
	ExpiresOn string `json:"expiresOn"`
}

// markup is what looks like an HTML tag, comment, declaration or processing
// instruction: "<" followed by a letter, "/", "!" or "?". A listing is plain
// text; such text is refused, not stripped, so the advertiser sees what was
// wrong and nothing they wrote is silently changed. "<3" or "> 10 m" stay.
var markup = regexp.MustCompile(`<[A-Za-z/!?]`)

// scriptURL is a script address a reader could be tricked into following.
var scriptURL = regexp.MustCompile(`(?i)(javascript|vbscript|data)\s*:`)

// hidden are characters that change how text shows without showing themselves:
// the direction embeddings, overrides and isolates (one makes what follows read
// in another order than it is written, a title or a web address that reads as
// another, as direct messages refuse them) and the invisible separators (zero
// width space, word joiner, byte order mark) that split a word so that a check
// or a search no longer sees it. Right-to-left text needs none of them (the
// marks U+200E and U+200F stay allowed), nor do emoji or scripts that join
// (U+200C and U+200D stay allowed), nor German hyphenation (soft hyphen).
const hidden = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff"

// blank is a character that leaves a text empty to the reader: white space and
// the invisible format characters, so that a title of nothing but those is
// missing, not given.
func blank(r rune) bool { return unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) }

const dateLayout = "2006-01-02"

// day parses a YYYY-MM-DD date.
func day(s string) (time.Time, bool) {
	t, err := time.Parse(dateLayout, s)
	return t, err == nil && t.Format(dateLayout) == s
}

// Today is the UTC day of now, the day dates of listings are compared with.
func Today(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// checkText checks a text field: not blank, valid UTF-8, within max characters,
// without control characters (line breaks and tabs allowed where multiline),
// without markup or script addresses.
func checkText(field, v string, max int, multiline bool) *problem.FieldError {
	fe := func(c problem.Code) *problem.FieldError { return &problem.FieldError{Field: field, Code: c} }
	switch {
	case !utf8.ValidString(v):
		return fe(problem.FieldInvalidValue)
	case strings.TrimFunc(v, blank) == "":
		return fe(problem.FieldRequired)
	case utf8.RuneCountInString(v) > max:
		return fe(problem.FieldTooLong)
	case strings.IndexFunc(v, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\r' || r == '\t'))
	}) >= 0, strings.ContainsAny(v, hidden):
		return fe(problem.FieldControlChars)
	case markup.MatchString(v) || scriptURL.MatchString(v):
		return fe(CodeMarkup)
	}
	return nil
}

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// Validate checks an advertiser's input at now with the operator's maximum of
// public days, and returns the listing's fields (trimmed) and the moment it
// expires. Bad input is a 400 problem naming every wrong field.
func (in Input) Validate(now time.Time, maxDays int) (Input, time.Time, error) {
	return in.validate(now, maxDays, Input{}, now)
}

// validate is Validate for a change of a listing whose fields were was,
// published at published: a date left as it was is not checked against today
// again, and the operator's maximum counts from the day of publication, so that
// edits cannot keep a listing public longer than maxDays in all.
func (in Input) validate(now time.Time, maxDays int, was Input, published time.Time) (Input, time.Time, error) {
	var fe []problem.FieldError
	add := func(e *problem.FieldError) {
		if e != nil {
			fe = append(fe, *e)
		}
	}
	in.Title, in.Text = strings.TrimSpace(in.Title), strings.TrimSpace(in.Text)
	if !oneOf(in.Kind, []string{KindOffer, KindSearch}) {
		add(&problem.FieldError{Field: "kind", Code: problem.FieldInvalidValue})
	}
	if !oneOf(in.Area, Areas) {
		add(&problem.FieldError{Field: "area", Code: problem.FieldInvalidValue})
	}
	if !oneOf(in.BoatType, BoatTypes) {
		add(&problem.FieldError{Field: "boatType", Code: problem.FieldInvalidValue})
	}
	add(checkText("title", in.Title, MaxTitle, false))
	add(checkText("text", in.Text, MaxText, true))
	today := Today(now)
	from, okFrom := in.date("from", today, today.AddDate(0, 0, MaxTripDays), in.From == was.From, add)
	if to, ok := in.date("to", today, today.AddDate(0, 0, MaxTripDays), in.To == was.To, add); ok && okFrom && to.Before(from) {
		add(&problem.FieldError{Field: "to", Code: CodeDateOrder})
	}
	exp, ok := in.date("expiresOn", today, Today(published).AddDate(0, 0, maxDays-1), in.ExpiresOn == was.ExpiresOn, add)
	if len(fe) > 0 || !ok {
		return Input{}, time.Time{}, problem.Invalid(fe...)
	}
	return in, exp.AddDate(0, 0, 1), nil
}

// date checks the date field named by field: required, YYYY-MM-DD, not before
// first (CodeDateInPast) nor after last (CodeDateTooFar) unless kept (unchanged
// by an edit).
func (in Input) date(field string, first, last time.Time, kept bool, add func(*problem.FieldError)) (time.Time, bool) {
	v := map[string]string{"from": in.From, "to": in.To, "expiresOn": in.ExpiresOn}[field]
	if v == "" {
		add(&problem.FieldError{Field: field, Code: problem.FieldRequired})
		return time.Time{}, false
	}
	t, ok := day(v)
	switch {
	case !ok:
		add(&problem.FieldError{Field: field, Code: problem.FieldInvalidValue})
	case kept:
		return t, true
	case t.Before(first):
		add(&problem.FieldError{Field: field, Code: CodeDateInPast})
	case t.After(last):
		add(&problem.FieldError{Field: field, Code: CodeDateTooFar})
	default:
		return t, true
	}
	return time.Time{}, false
}
