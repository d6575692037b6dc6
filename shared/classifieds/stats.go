package classifieds

import (
	"context"
	"time"
)

// Visitor statistics of a listing (HGK-13): its advertiser sees how many distinct
// visitors read it per day, from the request log's anonymous daily statistics.
// Only closed days are shown: a day's pseudonyms are deleted when it closes, so
// what is shown rests on no identifier (docs/requestlog.md).
const (
	// DefaultStatsDays is how many closed days a statistics request shows unless
	// it asks for another number; MaxStatsDays the most it may ask for.
	DefaultStatsDays = 30
	MaxStatsDays     = 92
)

// VisitorCounts reads distinct-visitor counts of closed days (the request log's
// totals); a day without a count is left out.
type VisitorCounts interface {
	Visitors(ctx context.Context, resource string, days []string) (map[string]int64, error)
}

// ListingStats serves an advertiser the visitor statistics of their listings.
type ListingStats struct {
	Listings *Listings
	Counts   VisitorCounts
}

// DayVisitors is the distinct visitors of one listing on one closed day.
type DayVisitors struct {
	Day      string `json:"day"`
	Visitors int64  `json:"visitors"`
}

// Stats is the statistics of one listing, oldest day first, up to yesterday.
type Stats struct {
	ListingID string        `json:"listingId"`
	Days      []DayVisitors `json:"days"`
}

// Resource is what the request log counts visitors of a listing under: the raw
// path of its public read.
func Resource(listingID string) string { return "/v1/listings/" + listingID }

// Of returns the statistics of the advertiser's own listing for the n closed days
// before today; another's listing, or an unknown one, is a 404 problem.
func (s *ListingStats) Of(ctx context.Context, accountID, listingID string, n int) (Stats, error) {
	if _, err := s.Listings.Own(ctx, accountID, listingID); err != nil {
		return Stats{}, err
	}
	today := s.Listings.Now().UTC().Truncate(24 * time.Hour)
	days := make([]string, 0, n)
	for i := n; i >= 1; i-- {
		days = append(days, today.AddDate(0, 0, -i).Format(time.DateOnly))
	}
	counts, err := s.Counts.Visitors(ctx, Resource(listingID), days)
	if err != nil {
		return Stats{}, err
	}
	out := Stats{ListingID: listingID, Days: make([]DayVisitors, 0, n)}
	for _, d := range days {
		out.Days = append(out.Days, DayVisitors{Day: d, Visitors: counts[d]})
	}
	return out, nil
}
