package integration

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/ids"
)

// browse is GET /v1/listings with a query, read anonymously.
func browse(t *testing.T, c *client, q url.Values) ([]classifieds.Card, string) {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/listings?"+q.Encode(), nil)
	want(t, r, http.StatusOK)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("browsing set cookies %v", sc)
	}
	var page struct {
		Listings []classifieds.Card
		Next     string
	}
	r.json(t, &page)
	return page.Listings, page.Next
}

func titles(cs []classifieds.Card) string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Title)
	}
	return strings.Join(out, ",")
}

// Promise: CP-1 — listings are browsed without giving any data.
// Promise: HGK-1 — no cookie, no tracking, no third party while browsing.
// Anyone browses the public listings with filters (kind, area, boat type, date
// range, free text), newest first or by start date, page by page; a browse
// session receives no Set-Cookie; expired and ended listings are not shown.
func TestListingsBrowseAnonymously(t *testing.T) {
	a, _ := signUp(t, "browse-adv")
	word := "wort" + strings.ReplaceAll(ids.NewToken()[:8], "-", "x")
	word = strings.ToLower(strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '_' {
			return 'q'
		}
		return r
	}, word))
	pub := func(title string, change map[string]any) string {
		change["title"] = title
		change["text"] = "Törn mit " + word
		return publish(t, elsewhere(t, a), change).ID
	}
	pub("A", map[string]any{"kind": "offer", "area": "baltic", "boatType": "catamaran", "from": day(30), "to": day(40)})
	pub("B", map[string]any{"kind": "search", "area": "baltic", "boatType": "sailing-yacht", "from": day(5), "to": day(8)})
	pub("C", map[string]any{"kind": "offer", "area": "mediterranean", "boatType": "sailing-yacht", "from": day(60), "to": day(70)})
	ended := pub("D", map[string]any{"kind": "offer", "area": "baltic", "boatType": "catamaran", "from": day(30), "to": day(40)})
	want(t, a.do(http.MethodDelete, "/v1/listings/"+ended, nil), http.StatusNoContent)
	// An expired listing still in the index (the sweep has not run) is not shown.
	now := time.Now().UTC()
	p := now.Add(-time.Hour)
	expired := classifieds.Listing{ID: ids.NewV7(p), AdvertiserID: profile(t, a).ID, Status: classifieds.StatusPublished, Kind: "offer",
		Area: "baltic", BoatType: "catamaran", From: day(1), To: day(2), Title: "E", Text: word, ExpiresOn: day(-1),
		ExpiresAt: now.Add(-time.Second), CreatedAt: p, PublishedAt: &p}
	if err := classifiedsStore().Publish(context.Background(), expired); err != nil {
		t.Fatal(err)
	}

	anon := newClient(t)
	q := func(kv ...string) url.Values {
		v := url.Values{"q": {word}}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	for _, c := range []struct {
		query url.Values
		want  string
	}{
		{q(), "C,B,A"},
		{q("sort", "start"), "B,A,C"},
		{q("kind", "offer"), "C,A"},
		{q("kind", "search"), "B"},
		{q("area", "baltic"), "B,A"},
		{q("boatType", "sailing-yacht", "sort", "start"), "B,C"},
		{q("from", day(35), "to", day(65)), "C,A"},
		{q("from", day(1), "to", day(6), "sort", "start"), "B"},
		{q("to", day(31), "sort", "start"), "B,A"},
		{url.Values{"q": {word + " törn"}}, "C,B,A"},
		{url.Values{"q": {word + " bornholmxyz"}}, ""},
	} {
		got, _ := browse(t, anon, c.query)
		if titles(got) != c.want {
			t.Errorf("%v: got %q, want %q", c.query, titles(got), c.want)
		}
	}
	// HGK-1, HGK-8: a card names its advertiser by the public id with the rating
	// summary, never by the account id.
	r := anon.do(http.MethodGet, "/v1/listings?"+q().Encode(), nil)
	want(t, r, http.StatusOK)
	if accountID := profile(t, a).ID; strings.Contains(string(r.Body), accountID) {
		t.Fatalf("a browse page names the advertiser's account id: %s", r.Body)
	}
	var cards struct {
		Listings []struct {
			Advertiser *classifieds.PublicAdvertiser `json:"advertiser"`
		} `json:"listings"`
	}
	r.json(t, &cards)
	if len(cards.Listings) != 3 || cards.Listings[0].Advertiser == nil || cards.Listings[0].Advertiser.ID == "" {
		t.Fatalf("cards without their public advertiser: %s", r.Body)
	}

	// Paged: one listing a page, each page continuing after the last.
	var seen []string
	cursor := ""
	for i := 0; i < 5; i++ {
		v := q("limit", "1")
		if cursor != "" {
			v.Set("cursor", cursor)
		}
		page, next := browse(t, anon, v)
		seen = append(seen, titles(page))
		if next == "" {
			break
		}
		cursor = next
	}
	if got := strings.Trim(strings.Join(seen, ","), ","); got != "C,B,A" {
		t.Fatalf("paged %q", got)
	}
	// A cursor of the other sort order, or made up, is refused.
	_, next := browse(t, anon, q("limit", "1"))
	want(t, anon.do(http.MethodGet, "/v1/listings?"+q("cursor", next, "sort", "start").Encode(), nil), http.StatusBadRequest, "validation_failed")
	for _, bad := range []url.Values{{"kind": {"sale"}}, {"area": {"mars"}}, {"from": {"2027-13-01"}}, {"sort": {"price"}}, {"limit": {"51"}},
		{"from": {day(5)}, "to": {day(1)}}, {"q": {"a1 b2 c3 d4 e5 f6"}}, {"cursor": {"bm9wZQ"}}} {
		want(t, anon.do(http.MethodGet, "/v1/listings?"+bad.Encode(), nil), http.StatusBadRequest, "validation_failed")
	}
}

// Promise: HGK-7 — ended early, a listing is no longer public but kept as a template.
// The advertiser edits a public listing, ends it early (then it answers 404 to
// everyone and is a template in the own list) and makes a new listing from it;
// another advertiser's ids answer 404 to every one of these routes.
func TestListingEditEndAndTemplate(t *testing.T) {
	a, _ := signUp(t, "edit-adv")
	b, _ := signUp(t, "edit-other")
	l := publish(t, a, map[string]any{"title": "Erste Fassung"})
	r := a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"title": "Zweite Fassung"})
	want(t, r, http.StatusOK)
	var v classifieds.View
	r = newClient(t).do(http.MethodGet, "/v1/listings/"+l.ID, nil)
	want(t, r, http.StatusOK)
	r.json(t, &v)
	if v.Title != "Zweite Fassung" || v.Text == "" {
		t.Fatalf("after the edit %+v", v)
	}
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"text": "<i>x</i>"}), http.StatusBadRequest, "validation_failed")
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"expiresOn": day(-1)}), http.StatusBadRequest, "validation_failed")
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"owner": "x"}), http.StatusBadRequest, "invalid_json")
	// Another advertiser's id, or an unknown one: 404, nothing changed.
	for _, id := range []string{l.ID, ids.NewV7(time.Now()), "x"} {
		want(t, b.do(http.MethodPatch, "/v1/listings/"+id, map[string]any{"title": "Gekapert"}), http.StatusNotFound, "not_found")
		want(t, b.do(http.MethodDelete, "/v1/listings/"+id, nil), http.StatusNotFound, "not_found")
		want(t, b.do(http.MethodPost, "/v1/listings", map[string]any{"templateId": id}), http.StatusNotFound, "not_found")
	}
	// Still public: not a template yet.
	want(t, a.do(http.MethodPost, "/v1/listings", map[string]any{"templateId": l.ID}), http.StatusConflict, "conflict")

	want(t, a.do(http.MethodDelete, "/v1/listings/"+l.ID, nil), http.StatusNoContent)
	want(t, a.do(http.MethodDelete, "/v1/listings/"+l.ID, nil), http.StatusNoContent)
	want(t, newClient(t).do(http.MethodGet, "/v1/listings/"+l.ID, nil), http.StatusNotFound, "not_found")
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"title": "Zu spät"}), http.StatusConflict, "conflict")
	ls, _ := myListings(t, a, "")
	if len(ls) != 1 || ls[0].Status != classifieds.StatusEnded || ls[0].Public || !ls[0].Template || ls[0].Title != "Zweite Fassung" {
		t.Fatalf("ended listing %+v", ls)
	}

	r = a.do(http.MethodPost, "/v1/listings", map[string]any{"templateId": l.ID, "expiresOn": day(20)})
	want(t, r, http.StatusCreated)
	var copy myListing
	r.json(t, &copy)
	if copy.ID == l.ID || copy.Title != "Zweite Fassung" || copy.ExpiresOn != day(20) || !copy.Public {
		t.Fatalf("from the template %+v", copy)
	}
	if ls, _ := myListings(t, b, ""); len(ls) != 0 {
		t.Fatalf("the other advertiser got %+v", ls)
	}
}
