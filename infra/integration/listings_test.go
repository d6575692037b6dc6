package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/evidence"
	"kontor/shared/ids"
)

func classifiedsStore() *classifiedsdb.Store {
	return &classifiedsdb.Store{DB: db(), Table: stack.Name("ClassifiedsTable")}
}

// day is the UTC day d days from today, as a listing's dates are written.
func day(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format("2006-01-02") }

// listingBody is a valid listing, changed by the given fields.
func listingBody(change map[string]any) map[string]any {
	b := map[string]any{"kind": "offer", "area": "baltic", "boatType": "sailing-yacht", "from": day(10), "to": day(20),
		"title": "Mitsegler nach Bornholm", "text": "Zwei Kojen frei auf einer 38-Fuß-Yacht.\nAb Kiel.", "expiresOn": day(30)}
	for k, v := range change {
		b[k] = v
	}
	return b
}

type myListing struct {
	ID, Status, Title, Text, ExpiresOn string
	Public, Template                   bool
}

// publish posts a listing signed in and returns it.
func publish(t *testing.T, c *client, change map[string]any) myListing {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/listings", listingBody(change))
	want(t, r, http.StatusCreated)
	var l myListing
	r.json(t, &l)
	if l.Status != classifieds.StatusPublished || !l.Public || l.Template {
		t.Fatalf("published listing %+v", l)
	}
	return l
}

// myListings is GET /v1/me/listings.
func myListings(t *testing.T, c *client, query string) (ls []myListing, next string) {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/listings"+query, nil)
	want(t, r, http.StatusOK)
	var page struct {
		Listings []myListing
		Next     string
	}
	r.json(t, &page)
	return page.Listings, page.Next
}

// Promise: HGK-7 — a listing is public until its expiry or early end.
// Promise: CP-1 — usable without giving any personal data.
// Promise: HGK-1 — data minimisation, no tracking.
// A signed-in advertiser publishes directly; the listing is public (read
// anonymously, no cookie set, no address in it), in the advertiser's own list and
// in no one else's, and the advertiser item records the first listing.
func TestListingPublishedSignedInIsPublicAndOwn(t *testing.T) {
	a, _ := signUp(t, "advertiser")
	b, _ := signUp(t, "other-adv")
	first := publish(t, a, nil)
	second := publish(t, a, map[string]any{"kind": "search", "title": "Suche Koje im Mittelmeer", "area": "mediterranean"})

	anon := newClient(t)
	r := anon.do(http.MethodGet, "/v1/listings/"+first.ID, nil)
	want(t, r, http.StatusOK)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 { // CP-1, HGK-1
		t.Fatalf("anonymous read set cookies %v", sc)
	}
	var v classifieds.View
	r.json(t, &v)
	if v.Title != "Mitsegler nach Bornholm" || v.Text == "" || strings.Contains(string(r.Body), "@") {
		t.Fatalf("public view %s", r.Body)
	}

	ls, next := myListings(t, a, "")
	if len(ls) != 2 || ls[0].ID != second.ID || ls[1].ID != first.ID || next != "" {
		t.Fatalf("own list %+v next %q", ls, next)
	}
	page, next := myListings(t, a, "?limit=1")
	if len(page) != 1 || page[0].ID != second.ID || next == "" {
		t.Fatalf("first page %+v next %q", page, next)
	}
	page, _ = myListings(t, a, "?limit=1&cursor="+next)
	if len(page) != 1 || page[0].ID != first.ID {
		t.Fatalf("second page %+v", page)
	}
	if theirs, _ := myListings(t, b, ""); len(theirs) != 0 {
		t.Fatalf("another advertiser sees %+v", theirs)
	}
	// A cursor naming someone else's listing reaches only one's own.
	if theirs, _ := myListings(t, b, "?cursor="+next); len(theirs) != 0 {
		t.Fatalf("cursor leaked %+v", theirs)
	}
	want(t, b.do(http.MethodGet, "/v1/me/listings?cursor=!!", nil), http.StatusBadRequest, "validation_failed")
	want(t, anon.do(http.MethodGet, "/v1/me/listings", nil), http.StatusUnauthorized, "unauthenticated")

	p := profile(t, a)
	st := classifiedsStore()
	adv, ok, err := st.Advertiser(context.Background(), p.ID)
	if err != nil || !ok || adv.FirstListingAt.IsZero() || time.Since(adv.FirstListingAt) > time.Minute {
		t.Fatalf("advertiser item %+v %v %v", adv, ok, err)
	}
	// Promise: HGK-12 — publishing records the IP address and exact time.
	recs, err := (&evidence.Log{DB: db(), Table: stack.Name("EvidenceTable")}).For(context.Background(), p.ID, time.Now())
	published := 0
	for _, r := range recs {
		if r.Event == evidence.EventListingPublish && r.IP == a.ip && time.Since(r.At) < time.Minute {
			published++
		}
	}
	if err != nil || published != 2 {
		t.Fatalf("evidence %+v %v: %d publications from %s", recs, err, published, a.ip)
	}
	if has, err := st.HasPublished(context.Background(), p.ID, time.Now()); err != nil || !has {
		t.Fatalf("HasPublished = %v, %v", has, err)
	}
	if has, err := st.HasPublished(context.Background(), profile(t, b).ID, time.Now()); err != nil || has {
		t.Fatalf("HasPublished of one without listings = %v, %v", has, err)
	}
}

// Promise: HGK-7 — not public after the expiry date; kept as a template.
// Unknown, malformed and expired listings answer 404 to the public, all alike;
// an expired one is not public from the moment of its expiry and is the
// advertiser's template.
func TestListingNotPublicAnswers404(t *testing.T) {
	a, _ := signUp(t, "expired-adv")
	acc := profile(t, a).ID
	anon := newClient(t)
	for _, id := range []string{ids.NewV7(time.Now()), "not-an-id"} {
		want(t, anon.do(http.MethodGet, "/v1/listings/"+id, nil), http.StatusNotFound, "not_found")
	}
	now := time.Now().UTC()
	pub := now.Add(-48 * time.Hour)
	expired := classifieds.Listing{ID: ids.NewV7(pub), AdvertiserID: acc, Status: classifieds.StatusPublished, Kind: "offer", Area: "baltic",
		BoatType: "catamaran", From: day(-1), To: day(3), Title: "Abgelaufen", Text: "x", ExpiresOn: day(-1),
		ExpiresAt: now.Add(-time.Second), CreatedAt: pub, PublishedAt: &pub}
	if err := classifiedsStore().Publish(context.Background(), expired); err != nil {
		t.Fatal(err)
	}
	want(t, anon.do(http.MethodGet, "/v1/listings/"+expired.ID, nil), http.StatusNotFound, "not_found")
	if has, err := classifiedsStore().HasPublished(context.Background(), acc, now); err != nil || has {
		t.Fatalf("HasPublished with only an expired listing = %v, %v", has, err)
	}
	ls, _ := myListings(t, a, "")
	if len(ls) != 1 || ls[0].Public || !ls[0].Template {
		t.Fatalf("the expired listing in the own list %+v", ls)
	}
}

// Bad listings are refused field by field and nothing is stored: markup, dates in
// the past or beyond the operator's maximum, a trip that ends before it starts,
// unknown areas, a body larger than any valid one.
func TestListingBadInputIsRefused(t *testing.T) {
	a, _ := signUp(t, "bad-adv")
	cases := []struct {
		change      map[string]any
		field, code string
	}{
		{map[string]any{"text": "Hallo <script>alert(1)</script>"}, "text", "markup_not_allowed"},
		{map[string]any{"title": "<b>Fett</b>"}, "title", "markup_not_allowed"},
		{map[string]any{"text": "klick <a href=x>hier</a>"}, "text", "markup_not_allowed"},
		{map[string]any{"text": "javascript:alert(1)"}, "text", "markup_not_allowed"},
		{map[string]any{"from": day(-1)}, "from", "date_in_past"},
		{map[string]any{"expiresOn": day(-1)}, "expiresOn", "date_in_past"},
		{map[string]any{"expiresOn": day(classifieds.DefaultMaxDays)}, "expiresOn", "date_too_far"},
		{map[string]any{"to": day(5)}, "to", "date_before_start"},
		{map[string]any{"from": "2027-02-30"}, "from", "invalid_value"},
		{map[string]any{"area": "mars"}, "area", "invalid_value"},
		{map[string]any{"title": " "}, "title", "required"},
		{map[string]any{"text": strings.Repeat("x", classifieds.MaxText+1)}, "text", "too_long"},
	}
	for _, c := range cases {
		// Each case from an address of its own: refused requests count against
		// the per-client limit too (TestListingCreationIsThrottled).
		r := elsewhere(t, a).do(http.MethodPost, "/v1/listings", listingBody(c.change))
		want(t, r, http.StatusBadRequest, "validation_failed")
		p := r.problem(t)
		if len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code || p.Errors[0].Message == "" {
			t.Errorf("%v: errors %+v, want %s %s", c.change, p.Errors, c.field, c.code)
		}
	}
	// Plain text that merely contains the characters stays.
	publish(t, elsewhere(t, a), map[string]any{"text": "Crew <3 und Länge > 10 m, Preis < 20 €"})
	want(t, elsewhere(t, a).do(http.MethodPost, "/v1/listings", listingBody(map[string]any{"text": strings.Repeat("x", classifieds.MaxBody)})), http.StatusRequestEntityTooLarge, "body_too_large")
	if ls, _ := myListings(t, a, ""); len(ls) != 1 {
		t.Fatalf("refused listings were stored: %+v", ls)
	}
}

// elsewhere is the same browser session from another address.
func elsewhere(t *testing.T, c *client) *client {
	o := newClient(t)
	for k, v := range c.cookies {
		o.cookies[k] = v
	}
	return o
}

// Promise: HGK-7 — all listing data is deleted at the latest with the account.
// Promise: HGK-16 — access without reason, deletion on request.
// Every listing is in the advertiser's export, and erasing the account deletes
// them all and the advertiser item.
func TestListingsGoWithTheAccount(t *testing.T) {
	a, _ := signUp(t, "erase-adv")
	acc := profile(t, a).ID
	l := publish(t, a, map[string]any{"title": "Exportierbarer Törn"})
	if d := toJSON(t, export(t, a).Categories); !strings.Contains(d, "Exportierbarer Törn") || !strings.Contains(d, "firstListingAt") {
		t.Fatalf("export lacks the listing or advertiser item")
	}
	want(t, a.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	want(t, newClient(t).do(http.MethodGet, "/v1/listings/"+l.ID, nil), http.StatusNotFound, "not_found")
	if n := len(itemsHolding(t, "ClassifiedsTable", acc)); n != 0 {
		t.Fatalf("%d items of the erased advertiser remain", n)
	}
	if n := len(itemsHolding(t, "ClassifiedsTable", l.ID)); n != 0 {
		t.Fatalf("the listing remains")
	}
}

// Mass creation from one address is throttled: the 21st listing within the
// hour is refused with 429 and Retry-After, and nothing is stored. Anonymous
// listings count the same way (and against the mail limits).
func TestListingCreationIsThrottled(t *testing.T) {
	signedUp, _ := signUp(t, "mass-adv")
	a := elsewhere(t, signedUp) // an address whose mail budget the sign-up did not touch
	for i := 0; i < 20; i++ {
		want(t, a.do(http.MethodPost, "/v1/listings", listingBody(map[string]any{"area": "nowhere"})), http.StatusBadRequest, "validation_failed")
	}
	r := a.do(http.MethodPost, "/v1/listings", listingBody(nil))
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	if ls, _ := myListings(t, a, ""); len(ls) != 0 {
		t.Fatalf("throttled listing stored: %+v", ls)
	}
	anon := newClientWithCSRF(t)
	for i := 0; i < 20; i++ {
		want(t, anonymousListing(t, anon, "x", nil), http.StatusBadRequest, "validation_failed")
	}
	want(t, anonymousListing(t, anon, newEmail("mass"), nil), http.StatusTooManyRequests, "too_many_attempts")
}
