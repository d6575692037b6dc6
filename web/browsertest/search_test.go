package browsertest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// indexed waits until the search (as c) finds id for q: the index follows the
// network table within seconds, and the page must not race it.
func indexed(t *testing.T, c *apiClient, typ, q, id string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var a struct{ Results []struct{ ID string } }
		c.call(http.MethodGet, "/v1/search?type="+typ+"&q="+url.QueryEscape(q), nil, http.StatusOK, &a)
		for _, r := range a.Results {
			if r.ID == id {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s %q: %s not indexed", typ, q, id)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Promise: HKC-9 — a member opens the search from the network's navigation, is
// told what a query needs when it has none, finds another member as they type
// (umlauts and capitals aside) and opens the profile, finds a post of their group
// by an inflected word, and is told when nothing is found.
func TestNetworkSearchFindsPeopleAndPosts(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"none": "Nichts gefunden", "one": "1 Ergebnis", "post": "Beitrag in"},
		"en": {"none": "Nothing found", "one": "1 result", "post": "Post in"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			word := "Zollämter" + strings.Map(func(r rune) rune { return 'a' + r%26 }, uuid()[:6])
			_, _, staffAPI := groupMember(t, l.lang, "Stefanie", "staff")
			searcher, searcherID, searcherAPI := groupMember(t, l.lang, "Anton")
			_, foundID, _ := groupMember(t, l.lang, word)
			var g struct{ ID string }
			staffAPI.call(http.MethodPost, "/v1/groups", map[string]any{"kind": "group", "access": "open", "name": "Zoll " + l.lang + " " + uuid()[:8]}, http.StatusCreated, &g)
			searcherAPI.call(http.MethodPut, "/v1/groups/"+g.ID+"/members/"+searcherID, map[string]any{}, http.StatusCreated, nil)
			var p struct{ ID string }
			searcherAPI.call(http.MethodPost, "/v1/groups/"+g.ID+"/posts", map[string]any{"text": "Die Ausschüsse zu " + word + tagOf(l.lang)}, http.StatusCreated, &p)
			indexed(t, searcherAPI, "people", word, foundID)
			indexed(t, searcherAPI, "posts", word, p.ID)

			tb := networkPage(t, l.accept, l.lang, searcher, "groups")
			tb.do(chromedp.WaitVisible(css(`.subnav a[href$="/network/search"]`)), chromedp.Click(css(`.subnav a[href$="/network/search"]`)), chromedp.WaitVisible(css("#search-form")))
			if got := tb.eval(`document.querySelector('.subnav [aria-current="page"]').getAttribute('href')`); !strings.HasSuffix(got, "/network/search") {
				t.Errorf("current page in the navigation: %q", got)
			}
			tb.axe("search, empty")
			tb.submit("search-form")
			if got := tb.summary(); got == "" || !tb.invalid("q") {
				t.Errorf("an empty query: summary %q, q invalid %v", got, tb.invalid("q"))
			}
			tb.axe("search, empty query refused")

			// As one types, without umlauts and in capitals: the member is found.
			tb.fill("q", strings.ToUpper(strings.ReplaceAll(word, "ä", "ae")))
			tb.waitFor(`document.querySelector('#results a[href*="member?id=` + foundID + `"]')`)
			if got := tb.text("#results-status"); !strings.Contains(got, w["one"]) {
				t.Errorf("status %q", got)
			}
			if tb.eval(`String(document.getElementById('error-summary').hidden)`) != "true" {
				t.Error("the summary of the refused query stays after a good one")
			}
			tb.axe("search, a member found")
			tb.do(chromedp.Click(css("#results a")))
			tb.waitFor(`location.pathname.endsWith('/network/member')`)
			tb.visible("#content")

			// Back on the search, posts by an inflected word.
			tb.do(chromedp.NavigateBack(), chromedp.WaitVisible(css("#search-form")))
			tb.do(chromedp.SetValue(css("#type"), "posts"))
			tb.fill("q", "Ausschuss "+word)
			tb.submit("search-form")
			tb.waitFor(`document.querySelector('#results a[href*="group?id=` + g.ID + `"]')`)
			if got := tb.text("#results"); !strings.Contains(got, w["post"]) || !strings.Contains(got, tagOf(l.lang)) {
				t.Errorf("post result %q", got)
			}
			tb.axe("search, a post found")

			tb.fill("q", word+"xyzzy")
			tb.submit("search-form")
			tb.waitFor(`document.getElementById('results-status').textContent.includes(` + jsString(w["none"]) + `)`)
			if n := tb.eval(`String(document.querySelectorAll('#results li').length)`); n != "0" {
				t.Errorf("%s results for nothing", n)
			}
			tb.axe("search, nothing found")
		})
	}
}

// tagOf marks a post as written in the test of a language.
func tagOf(lang string) string { return " (Test " + lang + ")" }

// Without the network role the search page says "No access".
func TestNetworkSearchSaysNoAccessWithoutTheRole(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, activeAccount(t, l.lang), password)
			tb.saysNoAccess(l.lang, "search")
		})
	}
}
