package classifieds

import (
	"context"
	"time"

	"kontor/shared/problem"
)

// Sort orders of the browse page.
const (
	SortNewest = "newest"
	SortStart  = "start"
)

// Filter is what a browse page asks for; every field may be empty.
type Filter struct {
	Kind, Area, BoatType string
	// From and To are a date range (YYYY-MM-DD) the trip must overlap.
	From, To string
	// Terms must each occur in the listing's words.
	Terms []string
	Sort  string
}

// Card is a listing as a browse page shows it: what the browse indexes project.
type Card struct {
	ID string `dynamodbav:"id" json:"id"`
	// AdvertiserID is the advertiser's account: never public (the account id is
	// the person's id in every module), so never in the answer.
	AdvertiserID string    `dynamodbav:"advertiser" json:"-"`
	Kind         string    `dynamodbav:"kind" json:"kind"`
	Area         string    `dynamodbav:"area" json:"area"`
	BoatType     string    `dynamodbav:"boatType" json:"boatType"`
	From         string    `dynamodbav:"from" json:"from"`
	To           string    `dynamodbav:"to" json:"to"`
	Title        string    `dynamodbav:"title" json:"title"`
	ExpiresOn    string    `dynamodbav:"expiresOn" json:"expiresOn"`
	PublishedAt  time.Time `dynamodbav:"publishedAt" json:"publishedAt"`
}

// Browse page sizes.
const (
	DefaultBrowsePage = 20
	MaxBrowsePage     = 50
)

// ParseFilter checks a browse page's query: kind, area, boatType from their
// lists, from and to as dates (to not before from), q as free text, sort newest
// (default) or start. Bad values are a 400 naming each field.
func ParseFilter(q map[string]string) (Filter, error) {
	f := Filter{Kind: q["kind"], Area: q["area"], BoatType: q["boatType"], From: q["from"], To: q["to"], Sort: q["sort"]}
	var fe []problem.FieldError
	bad := func(field string) { fe = append(fe, problem.FieldError{Field: field, Code: problem.FieldInvalidValue}) }
	if f.Kind != "" && !oneOf(f.Kind, []string{KindOffer, KindSearch}) {
		bad("kind")
	}
	if f.Area != "" && !oneOf(f.Area, Areas) {
		bad("area")
	}
	if f.BoatType != "" && !oneOf(f.BoatType, BoatTypes) {
		bad("boatType")
	}
	for field, v := range map[string]string{"from": f.From, "to": f.To} {
		if _, ok := day(v); v != "" && !ok {
			bad(field)
		}
	}
	if f.From != "" && f.To != "" && f.To < f.From {
		fe = append(fe, problem.FieldError{Field: "to", Code: CodeDateOrder})
	}
	switch f.Sort {
	case "":
		f.Sort = SortNewest
	case SortNewest, SortStart:
	default:
		bad("sort")
	}
	terms, ok := Terms(q["q"])
	if !ok {
		fe = append(fe, problem.FieldError{Field: "q", Code: problem.FieldTooLong})
	}
	f.Terms = terms
	if len(fe) > 0 {
		return Filter{}, problem.Invalid(fe...)
	}
	return f, nil
}

// Browse reads one page of the listings public now that match f.
func (s *Listings) Browse(ctx context.Context, f Filter, pg Page) ([]Card, string, error) {
	if pg.Limit == 0 {
		pg.Limit = DefaultBrowsePage
	}
	return s.Store.Browse(ctx, f, pg, s.Now())
}
