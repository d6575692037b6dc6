package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// relay sends a request the page made (its JSON body) to the API from a client
// address of its own, with a CSRF token of its own, and returns the answer.
func relay(t *testing.T, path string, body []byte) (int, http.Header, []byte) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Transport: ownClient()}
	res, err := c.Get(base + "/v1/csrf")
	if err != nil {
		t.Error(err)
		return http.StatusBadGateway, http.Header{}, nil
	}
	var csrf struct{ CsrfToken string }
	_ = json.NewDecoder(res.Body).Decode(&csrf)
	_ = res.Body.Close()
	req, _ := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-CSRF-Token", csrf.CsrfToken)
	if res, err = c.Do(req); err != nil {
		t.Error(err)
		return http.StatusBadGateway, http.Header{}, nil
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, answer
}

// Sign-in by mailed link (HGK-3), as a person does it: on the sign-in page an
// empty address (the inline error), then the address (the neutral confirmation);
// the mailed link opens a page that signs in only on the button (opening it does
// nothing: mail scanners open links), then leads to the page the person came for.
// The same link again says it no longer works and leads to asking for a new one;
// a link without its token says so. The administrator's evidence look-up names
// the sign-in by link.
func TestSignInByMailedLink(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			addr := activeAccount(t, l.lang)
			tb := openTab(t, l.accept)
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/login?next=/"+l.lang+"/account"), chromedp.WaitVisible(css("#linkEmail")))
			tb.axe("sign-in page with the link form")
			// The page's requests for a link go to the API from a client address of
			// their own (relayed), not the browser's: every browser test shares one
			// address, whose mail limit per client the suite's other pages use.
			var mu sync.Mutex
			var sent []map[string]any
			_, stop := tb.intercept("POST", "/v1/sessions/link", func(ctx context.Context, ev *fetch.EventRequestPaused) {
				var body []byte
				for _, e := range ev.Request.PostDataEntries {
					body = append(body, e.Bytes...)
				}
				var b map[string]any
				_ = json.Unmarshal(body, &b)
				mu.Lock()
				sent = append(sent, b)
				mu.Unlock()
				status, header, answer := relay(t, "/v1/sessions/link", body)
				headers := []*fetch.HeaderEntry{{Name: "Content-Type", Value: header.Get("Content-Type")}}
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID, ResponseCode: int64(status), Body: answer, ResponseHeaders: headers})
			})
			tb.submit("link-form")
			if s := tb.summary(); !strings.Contains(s, map[string]string{"de": "erforderlich", "en": "required"}[l.lang]) {
				t.Errorf("summary %q does not say the address is missing", s)
			}
			if h := tb.eval(`document.querySelector('#error-summary a').getAttribute('href')`); h != "#linkEmail" {
				t.Errorf("the summary links %q, want the link form's address field", h)
			}
			if !tb.invalid("linkEmail") {
				t.Error("the address field is not marked invalid")
			}
			tb.axe("link form with an error")
			tb.do(chromedp.SendKeys(css("#linkEmail"), addr))
			tb.submit("link-form")
			tb.visible("#link-done")
			if f := tb.focused(); f != "link-done" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			tb.axe("link requested")
			stop()
			mu.Lock()
			defer mu.Unlock()
			if len(sent) != 2 || sent[1]["email"] != addr || sent[1]["language"] != l.lang || sent[1]["next"] != "/"+l.lang+"/account" {
				t.Errorf("the page sent %v", sent)
			}

			link := mailedLink(t, addr, "/login/link")
			if !strings.Contains(link, "next=%2F"+l.lang+"%2Faccount") {
				t.Errorf("link %s does not carry the page to open", link)
			}
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css(`#form button[type="submit"]`)))
			time.Sleep(300 * time.Millisecond)
			if tb.requested("/v1/sessions/link/confirm") || slices.Contains(tb.cookies(), "__Host-kontor-session") {
				t.Fatal("opening the link signed in without the button")
			}
			if strings.Contains(tb.location(), "token=") {
				t.Errorf("the token stays in the address bar: %s", tb.location())
			}
			tb.axe("sign-in link page")
			tb.submit("form")
			tb.waitFor(`location.pathname === '/` + l.lang + `/account'`)
			if !slices.Contains(tb.cookies(), "__Host-kontor-session") {
				t.Fatal("signed in without a session cookie")
			}

			// The same link again: used.
			tb.do(chromedp.Navigate(link), chromedp.WaitVisible(css(`#form button[type="submit"]`)))
			tb.submit("form")
			tb.visible("#invalid")
			if f := tb.focused(); f != "invalid" {
				t.Errorf("focus on %q, want the message", f)
			}
			tb.axe("used sign-in link")
			tb.do(chromedp.Click(css("#ask-new")), chromedp.WaitVisible(css("#linkEmail")))

			// Without its token.
			tb.do(chromedp.Navigate(base+"/"+l.lang+"/login/link"), chromedp.WaitVisible(css("#no-token")))
			tb.axe("incomplete sign-in link")

			// HGK-12: the administrator sees the sign-in by link in the evidence.
			id := accountID(t, addr)
			admin := openTab(t, l.accept)
			admin.signInAdmin(l.lang)
			admin.do(chromedp.Navigate(base+"/"+l.lang+"/admin/security"), chromedp.WaitVisible(css("#evidence-form")))
			admin.fill("evidenceAccountId", id)
			admin.submit("evidence-form")
			admin.visible("#evidence-result table")
			if rows := admin.text("#evidence-result tbody"); !strings.Contains(rows, map[string]string{"de": "Anmeldung per Link", "en": "Sign-in by link"}[l.lang]) {
				t.Errorf("evidence rows %q do not show the sign-in by link", rows)
			}
			admin.axe("evidence with a sign-in by link")
		})
	}
}
