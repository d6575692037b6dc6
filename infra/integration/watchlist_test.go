package integration

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
)

type watchDoc struct {
	Entries []classifieds.Watched `json:"entries"`
	Max     int                   `json:"max"`
}

// watchlist is GET /v1/watchlist, which never sets a cookie.
func watchlist(t *testing.T, c *client) watchDoc {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/watchlist", nil)
	want(t, r, http.StatusOK)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("GET /v1/watchlist set cookies %v", sc)
	}
	var d watchDoc
	r.json(t, &d)
	return d
}

// watch puts a listing on c's list and returns the watch-list Set-Cookie.
func watch(t *testing.T, c *client, listingID string) *http.Cookie {
	t.Helper()
	if _, ok := c.cookies[httpapi.CSRFCookie]; !ok {
		c.csrf()
	}
	r := c.do(http.MethodPut, "/v1/watchlist/"+listingID, nil)
	want(t, r, http.StatusNoContent)
	for _, sc := range r.Header.Values("Set-Cookie") {
		if hc, err := http.ParseSetCookie(sc); err == nil && hc.Name == classifiedsapi.WatchlistCookie {
			return hc
		}
	}
	t.Fatalf("PUT set no watch-list cookie: %v", r.Header.Values("Set-Cookie"))
	return nil
}

// watchKey is the stored list of a cookie's token.
func watchKey(token string) map[string]types.AttributeValue {
	return idKey("WATCH#"+ids.Digest(token), "WATCH")
}

// entryIDs are the listing ids of a list, public or not.
func entryIDs(d watchDoc) map[string]bool {
	out := map[string]bool{}
	for _, e := range d.Entries {
		out[e.ListingID] = e.Public
	}
	return out
}

// Promise: HGK-11 — a watch-list cookie, only for the watch list, anonymous and linked to no account; no personal data in it.
// Promise: CP-1 — usable without giving any personal data: a browse session receives no Set-Cookie.
// Promise: HGK-1 — data minimisation: the cookie holds a random id only.
// A browse session sets no cookie; the first addition sets one holding only a
// random token (Secure, HttpOnly, SameSite=Strict, Path=/v1/watchlist, 60 days);
// only public listings go on the list, which later shows an entry that stopped
// being public with nothing about it; signing in and out leaves list and cookie
// untouched and the account's export does not hold it.
func TestWatchlistIsAnonymousAndCookieBound(t *testing.T) {
	adv, _ := signUp(t, "watch-adv")
	a := publish(t, adv, map[string]any{"title": "Watch me A"})
	b := publish(t, adv, map[string]any{"title": "Watch me B"})
	now := time.Now().UTC()
	soon := classifieds.Listing{ID: ids.NewV7(now), AdvertiserID: profile(t, adv).ID, Status: classifieds.StatusPublished, Kind: "offer",
		Area: "baltic", BoatType: "catamaran", From: day(1), To: day(3), Title: "Ends in a moment", Text: "x", ExpiresOn: day(0),
		ExpiresAt: now.Add(3 * time.Second), CreatedAt: now, PublishedAt: &now}
	if err := classifiedsStore().Publish(context.Background(), soon); err != nil {
		t.Fatal(err)
	}

	// CP-1: browsing — a listing, the (empty) watch list — sets no cookie at all.
	c := newClient(t)
	want(t, c.do(http.MethodGet, "/v1/listings/"+a.ID, nil), http.StatusOK)
	if d := watchlist(t, c); len(d.Entries) != 0 || d.Max != classifieds.MaxWatchEntries {
		t.Fatalf("empty list %+v", d)
	}
	if len(c.setCookies) != 0 {
		t.Fatalf("a browse session received Set-Cookie %v", c.setCookies)
	}

	ck := watch(t, c, a.ID)
	if !ids.PlausibleToken(ck.Value) || !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode ||
		ck.Path != "/v1/watchlist" || ck.MaxAge != 60*24*3600 || ck.Domain != "" {
		t.Fatalf("watch-list cookie %+v", ck)
	}
	if again := watch(t, c, b.ID); again.Value != ck.Value {
		t.Fatal("an addition to an existing list changed its id")
	}
	watch(t, c, soon.ID)
	// Only public listings: an expired, an unknown and a malformed id are 404 and
	// set no cookie.
	expired := classifieds.Listing{ID: ids.NewV7(now), AdvertiserID: soon.AdvertiserID, Status: classifieds.StatusPublished, Kind: "offer",
		Area: "baltic", BoatType: "catamaran", From: day(-2), To: day(-1), Title: "Gone", Text: "x", ExpiresOn: day(-1),
		ExpiresAt: now.Add(-time.Second), CreatedAt: now, PublishedAt: &now}
	if err := classifiedsStore().Publish(context.Background(), expired); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{expired.ID, ids.NewV7(now), "not-an-id"} {
		r := c.do(http.MethodPut, "/v1/watchlist/"+id, nil)
		want(t, r, http.StatusNotFound, "not_found")
		if len(r.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("a refused addition set a cookie")
		}
	}

	time.Sleep(time.Until(soon.ExpiresAt) + 500*time.Millisecond)
	d := watchlist(t, c)
	if got := entryIDs(d); len(got) != 3 || !got[a.ID] || !got[b.ID] || got[soon.ID] {
		t.Fatalf("list %+v", d.Entries)
	}
	for _, e := range d.Entries {
		if e.ListingID == soon.ID && (e.Title != "" || e.Area != "" || e.From != "" || e.ExpiresOn != "") {
			t.Fatalf("an entry no longer public reveals %+v", e)
		}
		if e.ListingID == a.ID && e.Title != "Watch me A" {
			t.Fatalf("public entry %+v", e)
		}
	}

	// Signing up, in and out does not touch the list or the cookie (HGK-11).
	email := newEmail("watcher")
	tok := register(t, c, email)
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)
	if got := entryIDs(watchlist(t, c)); len(got) != 3 {
		t.Fatalf("signed in, the list is %v", got)
	}
	if s := toJSON(t, export(t, c)); strings.Contains(s, a.ID) || strings.Contains(s, ck.Value) || strings.Contains(s, ids.Digest(ck.Value)) {
		t.Fatal("the account's export holds the watch list")
	}
	want(t, c.do(http.MethodDelete, "/v1/sessions/current", nil), http.StatusNoContent)
	for _, sc := range c.setCookies {
		if strings.HasPrefix(sc, classifiedsapi.WatchlistCookie+"=") && !strings.Contains(sc, ck.Value) {
			t.Fatalf("the watch-list cookie was changed: %s", sc)
		}
	}
	if c.cookies[classifiedsapi.WatchlistCookie] != ck.Value {
		t.Fatal("sign-in or sign-out touched the watch-list cookie")
	}
	if got := entryIDs(watchlist(t, c)); len(got) != 3 {
		t.Fatalf("signed out, the list is %v", got)
	}

	// Removal: 204, no cookie, the entry gone; removing it again is the same.
	c.csrf() // signing out ended the CSRF token with the session
	for range 2 {
		r := c.do(http.MethodDelete, "/v1/watchlist/"+a.ID, nil)
		want(t, r, http.StatusNoContent)
		if len(r.Header.Values("Set-Cookie")) != 0 {
			t.Fatal("a removal set a cookie")
		}
	}
	if got := entryIDs(watchlist(t, c)); len(got) != 2 || got[a.ID] {
		t.Fatalf("after removal %v", got)
	}
}

// Promise: HGK-11 — the watch list is anonymous: a forged cookie or another browser never reaches it.
// A cookie of a bad format, one with a changed character (a token no list has) and
// no cookie all read an empty list; an addition with one starts a fresh list under
// a new id, a removal does nothing; a cross-site attempt without the CSRF proof is
// refused and changes nothing.
func TestWatchlistForgedCookieReadsNothing(t *testing.T) {
	adv, _ := signUp(t, "watch-forge")
	a := publish(t, adv, nil)
	owner := newClient(t)
	ck := watch(t, owner, a.ID)

	forged := ck.Value[:42] + map[bool]string{true: "B", false: "A"}[ck.Value[42] == 'A']
	for _, v := range []string{forged, "../../etc", strings.Repeat("x", 43), ck.Value + "x", ids.Digest(ck.Value)} {
		other := newClient(t)
		other.cookies[classifiedsapi.WatchlistCookie] = v
		if d := watchlist(t, other); len(d.Entries) != 0 {
			t.Fatalf("cookie %q read %+v", v, d)
		}
		other.csrf()
		want(t, other.do(http.MethodDelete, "/v1/watchlist/"+a.ID, nil), http.StatusNoContent)
		if fresh := watch(t, other, a.ID); fresh.Value == ck.Value || fresh.Value == v {
			t.Fatalf("a forged cookie %q kept or reached a list", v)
		}
	}
	if got := entryIDs(watchlist(t, owner)); len(got) != 1 || !got[a.ID] {
		t.Fatalf("the owner's list changed: %v", got)
	}

	// Cross-site: another site's form or script cannot send the CSRF header (and
	// the browser withholds the SameSite=Strict cookie): 403, nothing changed.
	owner.noCSRF = true
	want(t, owner.raw(http.MethodDelete, "/v1/watchlist/"+a.ID, "", nil, map[string]string{"Origin": "https://evil.example"}), http.StatusForbidden, "csrf_token_invalid")
	want(t, owner.raw(http.MethodPut, "/v1/watchlist/"+a.ID, "", nil, map[string]string{"Origin": "https://evil.example", httpapi.CSRFHeader: "forged-token"}), http.StatusForbidden, "csrf_token_invalid")
	owner.noCSRF = false
	if got := entryIDs(watchlist(t, owner)); len(got) != 1 {
		t.Fatalf("a cross-site request changed the list: %v", got)
	}
	// Bad bytes in the path: 404, never a 500; a body (none is read) over its cap: 413.
	for _, p := range []string{"%00", "%E2%80%AE" + a.ID, strings.Repeat("9", 300)} {
		want(t, owner.do(http.MethodPut, "/v1/watchlist/"+p, nil), http.StatusNotFound, "not_found")
	}
	want(t, owner.do(http.MethodPut, "/v1/watchlist/"+a.ID, map[string]string{"pad": strings.Repeat("x", 1024)}), http.StatusRequestEntityTooLarge, "body_too_large")
	// A replayed addition changes nothing: the same list, the entry once, its
	// first addition kept.
	before := watchlist(t, owner).Entries[0].AddedAt
	for range 3 {
		if again := watch(t, owner, a.ID); again.Value != ck.Value {
			t.Fatal("a replayed addition changed the list's id")
		}
	}
	if d := watchlist(t, owner); len(d.Entries) != 1 || !d.Entries[0].AddedAt.Equal(before) {
		t.Fatalf("after replays %+v", d.Entries)
	}
}

// Promise: HGK-11 — the server-side list goes 60 days after its last use, with its cookie.
// A list past its 60 days reads as none at once (reads treat the ttl as final), an
// addition then starts a fresh list, and the retention sweep deletes the old one;
// an addition moves a list's end 60 days on, as the cookie's Max-Age.
func TestWatchlistForgetsAfter60Days(t *testing.T) {
	adv, _ := signUp(t, "watch-ttl")
	a := publish(t, adv, nil)
	c := newClient(t)
	old := watch(t, c, a.ID)
	// Sixty days pass without use.
	setTTL(t, "ClassifiedsTable", watchKey(old.Value), time.Now().Add(-time.Minute))
	if d := watchlist(t, c); len(d.Entries) != 0 {
		t.Fatalf("a list past its 60 days still reads %+v", d)
	}
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	if exists(t, "ClassifiedsTable", watchKey(old.Value)) {
		t.Fatal("the sweep left a list past its 60 days")
	}
	fresh := watch(t, c, a.ID)
	if fresh.Value == old.Value {
		t.Fatal("a forgotten list came back under its old id")
	}

	// Sliding: a list about to end is used again and lives 60 more days.
	setTTL(t, "ClassifiedsTable", watchKey(fresh.Value), time.Now().Add(time.Hour))
	b := publish(t, adv, map[string]any{"title": "Second"})
	if again := watch(t, c, b.ID); again.Value != fresh.Value || again.MaxAge != 60*24*3600 {
		t.Fatalf("renewed cookie %+v", again)
	}
	out, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("ClassifiedsTable")), Key: watchKey(fresh.Value), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	n, _ := out.Item["ttl"].(*types.AttributeValueMemberN)
	ttl, _ := strconv.ParseInt(n.Value, 10, 64)
	if left := time.Until(time.Unix(ttl, 0)); left < 59*24*time.Hour || left > 60*24*time.Hour+time.Minute {
		t.Fatalf("the list ends in %v after its use, want 60 days", left)
	}
	for k := range out.Item {
		if !map[string]bool{"pk": true, "sk": true, "ttl": true, "entries": true, "usedAt": true}[k] {
			t.Errorf("the stored list holds %q", k)
		}
	}
}

// Promise: HGK-11 — bounded: entries per list and new lists per client.
// A full list refuses the 101st entry (409 watchlist_full); a client discarding its
// cookie makes at most 10 new lists an hour (429 with Retry-After); a flood of
// changes from one client is cut off at 120 per 15 minutes.
func TestWatchlistBounds(t *testing.T) {
	adv, _ := signUp(t, "watch-bounds")
	a := publish(t, adv, nil)
	b := publish(t, adv, map[string]any{"title": "Other"})
	c := newClient(t)
	ck := watch(t, c, a.ID)
	entries := map[string]types.AttributeValue{}
	for range classifieds.MaxWatchEntries {
		entries[ids.NewV7(time.Now())] = &types.AttributeValueMemberS{Value: time.Now().UTC().Format(time.RFC3339Nano)}
	}
	if _, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(stack.Name("ClassifiedsTable")), Key: watchKey(ck.Value), UpdateExpression: aws.String("SET entries = :e"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": &types.AttributeValueMemberM{Value: entries}},
	}); err != nil {
		t.Fatal(err)
	}
	want(t, c.do(http.MethodPut, "/v1/watchlist/"+b.ID, nil), http.StatusConflict, "watchlist_full")
	if d := watchlist(t, c); len(d.Entries) != classifieds.MaxWatchEntries {
		t.Fatalf("a full list holds %d", len(d.Entries))
	}

	// New lists per client.
	script := newClient(t)
	for i := range 11 {
		delete(script.cookies, classifiedsapi.WatchlistCookie)
		if _, ok := script.cookies[httpapi.CSRFCookie]; !ok {
			script.csrf()
		}
		r := script.do(http.MethodPut, "/v1/watchlist/"+a.ID, nil)
		if i < 10 {
			want(t, r, http.StatusNoContent)
			continue
		}
		want(t, r, http.StatusTooManyRequests, "too_many_attempts")
		if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
	}

	// A flood of changes from one client.
	flood := newClient(t)
	flood.csrf()
	var last response
	for i := range 121 {
		last = flood.do(http.MethodDelete, "/v1/watchlist/"+a.ID, nil)
		if i < 120 && last.Status != http.StatusNoContent {
			t.Fatalf("removal %d: %d %s", i, last.Status, last.Body)
		}
	}
	want(t, last, http.StatusTooManyRequests, "too_many_attempts")
}
