package browsertest

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// publishedListing publishes a listing through the API as a new advertiser and
// returns the advertiser's address and the listing's id.
func publishedListing(t *testing.T, lang, title string) (string, string) {
	t.Helper()
	addr := activeAccount(t, lang)
	day := func(d int) string { return time.Now().UTC().AddDate(0, 0, d).Format(time.DateOnly) }
	var l struct{ ID string }
	newAPIClient(t).signIn(addr, password).call(http.MethodPost, "/v1/listings", map[string]any{
		"kind": "offer", "area": "baltic", "boatType": "sailing-yacht", "from": day(10), "to": day(20),
		"title": title, "text": "Zwei Kojen frei.", "expiresOn": day(30)}, http.StatusCreated, &l)
	return addr, l.ID
}

// The watch list without an account (HGK-11, CP-1): opening it sets no cookie and
// shows it empty; a listing offered by ?listing= is added (the cookie appears,
// sent only to /v1/watchlist), shown with its title, and removed again; a link
// naming no listing shows the API's 404 text in the error summary.
func TestClassifiedsWatchlistAddAndRemove(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"empty": "Ihre Merkliste ist leer", "added": "steht auf Ihrer Merkliste", "removed": "entfernt", "missing": "nicht gefunden"},
		"en": {"empty": "Your watch list is empty", "added": "is on your watch list", "removed": "removed", "missing": "not found"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tx := texts[l.lang]
			_, id := publishedListing(t, l.lang, "Koje nach Bornholm "+l.lang)
			tb := openTab(t, l.accept)
			page := base + "/" + l.lang + "/classifieds/watchlist"
			tb.do(chromedp.Navigate(page))
			tb.waitFor(`document.getElementById('watch-count').textContent.includes(` + jsString(tx["empty"]) + `)`)
			if c := append(tb.cookies(), tb.cookiesFor("/v1/watchlist")...); len(c) != 0 {
				t.Fatalf("opening the watch list set cookies %v (CP-1)", c)
			}
			tb.axe("watch list, empty")

			tb.do(chromedp.Navigate(page+"?listing="+id), chromedp.WaitVisible(css("#add")))
			tb.axe("watch list, a listing offered")
			tb.do(chromedp.Click(css("#add")))
			tb.waitFor(`document.querySelector('#watch li[data-listing="` + id + `"]')`)
			if s := tb.text("#watch-count"); !strings.Contains(s, tx["added"]) {
				t.Errorf("status after adding: %q", s)
			}
			if f := tb.focused(); f != "watch-count" {
				t.Errorf("after adding the focus is on %q, want the status", f)
			}
			if got := tb.text(`#watch li[data-listing="` + id + `"] h2`); got != "Koje nach Bornholm "+l.lang {
				t.Errorf("entry title %q", got)
			}
			if c := tb.cookiesFor("/v1/watchlist"); !slices.Contains(c, "__Secure-hgk-watchlist") {
				t.Errorf("no watch-list cookie after adding: %v", c)
			}
			if slices.Contains(tb.cookies(), "__Secure-hgk-watchlist") {
				t.Error("the watch-list cookie is sent beyond /v1/watchlist")
			}
			tb.axe("watch list, one listing")

			tb.do(chromedp.Click(css(`#watch li[data-listing="` + id + `"] button`)))
			tb.waitFor(`!document.querySelector('#watch li')`)
			if s := tb.text("#watch-count"); !strings.Contains(s, tx["removed"]) {
				t.Errorf("status after removing: %q", s)
			}
			tb.axe("watch list, listing removed")

			tb.do(chromedp.Navigate(page+"?listing=not-a-listing"), chromedp.WaitVisible(css("#add")), chromedp.Click(css("#add")))
			if s := tb.summary(); !strings.Contains(strings.ToLower(s), tx["missing"]) {
				t.Errorf("adding an unknown listing shows %q", s)
			}
			tb.axe("watch list, unknown listing")
			tb.checkClean()
		})
	}
}

// The statistics of one's own listing (HGK-13): a table of the last 30 closed
// days; another's or an unknown listing and a missing choice show the error
// summary; without a session the page leads to sign-in and back.
func TestClassifiedsStatsOfOwnListing(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"caption": "Verschiedene Besucher je Tag", "missing": "nicht gefunden", "none": "welches Ihrer Inserate"},
		"en": {"caption": "Distinct visitors per day", "missing": "not found", "none": "which of your listings"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tx := texts[l.lang]
			addr, id := publishedListing(t, l.lang, "Statistik "+l.lang)
			_, other := publishedListing(t, l.lang, "Fremd "+l.lang)
			tb := openTab(t, l.accept)
			page := base + "/" + l.lang + "/classifieds/stats"
			tb.do(chromedp.Navigate(page + "?listing=" + id))
			tb.waitFor(`location.pathname.endsWith('/login')`)
			tb.signIn(l.lang, addr, password)
			tb.waitFor(`!document.getElementById('stats').hidden`)
			if !strings.HasSuffix(tb.location(), "/classifieds/stats?listing="+id) {
				t.Errorf("after sign-in at %s, want back on the statistics", tb.location())
			}
			if n := tb.count("#stats-days tr"); n != "30" {
				t.Errorf("%s rows, want 30", n)
			}
			if c := tb.text("#stats-caption"); !strings.Contains(c, tx["caption"]) || !strings.Contains(c, id) {
				t.Errorf("caption %q", c)
			}
			tb.axe("statistics of one's own listing")

			tb.do(chromedp.Navigate(page + "?listing=" + other))
			if s := tb.summary(); !strings.Contains(strings.ToLower(s), tx["missing"]) {
				t.Errorf("another's listing shows %q", s)
			}
			tb.axe("statistics, another's listing")
			tb.do(chromedp.Navigate(page))
			if s := tb.summary(); !strings.Contains(s, tx["none"]) {
				t.Errorf("no listing chosen shows %q", s)
			}
			tb.axe("statistics, no listing chosen")
			tb.checkClean()
		})
	}
}
