package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/ids"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogdb"
)

// listingStats is GET /v1/me/listings/{id}/stats.
func listingStats(t *testing.T, c *client, id, query string) classifieds.Stats {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/listings/"+id+"/stats"+query, nil)
	want(t, r, http.StatusOK)
	var s classifieds.Stats
	r.json(t, &s)
	return s
}

// Promise: HGK-13 — distinct visitors of a listing per date, from anonymous statistics, without usage profiles.
// Visits of a listing from distinct clients on a day (address and browser; one of
// them twice) are counted once each when the day closes; the advertiser sees that
// count for the day and nothing of today (its pseudonyms still exist); another
// account, an anonymous caller and a malformed id get 404 or 401; the answer holds
// no address or browser.
func TestListingVisitorStatistics(t *testing.T) {
	adv, _ := signUp(t, "stats-adv")
	other, _ := signUp(t, "stats-other")
	l := publish(t, adv, nil)
	// Today: two real visits through the API (an open day, not shown).
	for _, ip := range []string{"127.0.0.45", "127.0.0.46"} {
		want(t, newClientFrom(t, ip).do(http.MethodGet, "/v1/listings/"+l.ID, nil), http.StatusOK)
	}
	// Yesterday: four visits from three distinct clients, captured as the
	// function captures them; the aggregation then closes that day.
	yesterday := time.Now().UTC().AddDate(0, 0, -1)
	rec := &requestlogdb.Recorder{DB: db(), Table: stack.Name("RequestLogTable"), Retention: 24 * time.Hour}
	for i, v := range []struct{ ip, ua string }{{"127.0.0.47", "Firefox/140"}, {"127.0.0.47", "Firefox/140"}, {"127.0.0.48", "Firefox/140"}, {"127.0.0.47", "Safari/19"}} {
		at := yesterday.Add(time.Duration(i) * time.Second)
		raw := requestlog.Raw{At: at, IP: v.ip, Method: "GET", Route: "GET /v1/listings/{id}", Resource: classifieds.Resource(l.ID),
			Status: 200, UA: v.ua, ID: ids.NewV7(at) + "s", Feature: "listings"}
		if err := rec.Record(context.Background(), raw); err != nil {
			t.Fatal(err)
		}
	}
	rawArrived(t, "127.0.0.46", 1)
	aggregate(t)

	s := listingStats(t, adv, l.ID, "?days=3")
	if s.ListingID != l.ID || len(s.Days) != 3 {
		t.Fatalf("stats %+v", s)
	}
	last := s.Days[2]
	if last.Day != yesterday.Format(time.DateOnly) || last.Visitors != 3 {
		t.Fatalf("yesterday's visitors %+v, want 3", last)
	}
	if s.Days[0].Visitors != 0 || s.Days[0].Day != time.Now().UTC().AddDate(0, 0, -3).Format(time.DateOnly) {
		t.Fatalf("an earlier day %+v", s.Days[0])
	}
	if d := listingStats(t, adv, l.ID, ""); len(d.Days) != classifieds.DefaultStatsDays {
		t.Fatalf("default days %d", len(d.Days))
	}
	r := adv.do(http.MethodGet, "/v1/me/listings/"+l.ID+"/stats", nil)
	for _, leak := range []string{"127.0.0.", "Firefox", "Safari"} {
		if strings.Contains(string(r.Body), leak) {
			t.Fatalf("statistics hold %q", leak)
		}
	}

	// Nobody else sees them.
	want(t, other.do(http.MethodGet, "/v1/me/listings/"+l.ID+"/stats", nil), http.StatusNotFound, "not_found")
	want(t, newClient(t).do(http.MethodGet, "/v1/me/listings/"+l.ID+"/stats", nil), http.StatusUnauthorized, "unauthenticated")
	for _, id := range []string{ids.NewV7(time.Now()), "not-an-id", "%00"} {
		want(t, adv.do(http.MethodGet, "/v1/me/listings/"+id+"/stats", nil), http.StatusNotFound, "not_found")
	}
	for _, q := range []string{"?days=0", "?days=93", "?days=x", "?days=-1"} {
		want(t, adv.do(http.MethodGet, "/v1/me/listings/"+l.ID+"/stats"+q, nil), http.StatusBadRequest, "validation_failed")
	}
}
