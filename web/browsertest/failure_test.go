package browsertest

// Failures the API alone cannot produce on demand, made in the browser's network
// layer (the DevTools Fetch domain): a connection that fails, an answer that is
// held back, a 429 from a limit another test would have to exhaust first (every
// browser tab shares 127.0.0.1, and with it the per-client limits). The API's own
// answers to these cases are proved by the integration suite; here it is what the
// page does with them.

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// intercepted is what the page sent to one route while it was intercepted.
type intercepted struct {
	mu     sync.Mutex
	paused []*fetch.EventRequestPaused
	seen   chan struct{}
}

func (in *intercepted) count() int {
	in.mu.Lock()
	defer in.mu.Unlock()
	return len(in.paused)
}

// intercept pauses every request the page sends to base+path with method and
// hands it to answer, which must continue, fulfil or fail it; requests with other
// methods pass. Interception ends with the returned stop.
func (tb *tab) intercept(method, path string, answer func(ctx context.Context, ev *fetch.EventRequestPaused)) (*intercepted, func()) {
	tb.t.Helper()
	in := &intercepted{seen: make(chan struct{}, 16)}
	lctx, cancel := context.WithCancel(tb.ctx)
	if err := chromedp.Listen(lctx, func(ev any) {
		e, ok := ev.(*fetch.EventRequestPaused)
		if !ok {
			return
		}
		go func() {
			if e.Request.Method != method {
				_, _ = chromedp.Call(tb.ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: e.RequestID})
				return
			}
			in.mu.Lock()
			in.paused = append(in.paused, e)
			in.mu.Unlock()
			in.seen <- struct{}{}
			answer(tb.ctx, e)
		}()
	}); err != nil {
		tb.t.Fatalf("listen: %v", err)
	}
	tb.call(func(ctx context.Context) error {
		_, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: base + path, RequestStage: fetch.RequestStageRequest}}})
		return err
	})
	return in, func() {
		tb.call(func(ctx context.Context) error {
			_, err := chromedp.Call(ctx, fetch.Disable, cdp.Empty{})
			return err
		})
		cancel()
	}
}

// waitSeen waits until the interceptor has paused n requests.
func (in *intercepted) waitSeen(t *testing.T, n int) {
	t.Helper()
	for in.count() < n {
		select {
		case <-in.seen:
		case <-time.After(15 * time.Second):
			t.Fatalf("%d requests intercepted, waited for %d", in.count(), n)
		}
	}
}

// accountPage signs a fresh account in and opens my account.
func accountPage(t *testing.T, lang, accept string) *tab {
	t.Helper()
	addr := activeAccount(t, lang)
	tb := openTab(t, accept)
	tb.do(chromedp.Navigate(base + "/" + lang + "/account"))
	tb.waitFor(`location.pathname.endsWith('/login')`)
	tb.signIn(lang, addr, password)
	tb.visible("#profile-form")
	// Signed in, the header offers my account instead of sign-in and request access.
	tb.visible(`.nav [data-signed="in"] a[href="/` + lang + `/account"]`)
	if n := tb.eval(`String(document.querySelectorAll('.nav [data-signed="out"]:not([hidden])').length)`); n != "0" {
		t.Errorf("signed in, the header still shows %s signed-out links", n)
	}
	return tb
}

// A connection that fails while saving: the page says the server cannot be
// reached, in the summary with the focus, and everything typed stays; once the
// connection is back the same form saves.
func TestNetworkFailureKeepsWhatWasTyped(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := accountPage(t, l.lang, l.accept)
			in, stop := tb.intercept("PATCH", "/v1/me", func(ctx context.Context, ev *fetch.EventRequestPaused) {
				_, _ = chromedp.Call(ctx, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonConnectionFailed})
			})
			tb.fill("firstName", "Netzwerk")
			tb.fill("lastName", "Ausfall")
			tb.submit("profile-form")
			in.waitSeen(t, 1)
			s := tb.summary()
			want := map[string]string{"de": "nicht erreichbar", "en": "cannot be reached"}[l.lang]
			if !strings.Contains(s, want) {
				t.Errorf("summary %q does not say the server cannot be reached", s)
			}
			if f, n := tb.value("firstName"), tb.value("lastName"); f != "Netzwerk" || n != "Ausfall" {
				t.Errorf("after the failure the fields hold %q %q, want what was typed", f, n)
			}
			if d := tb.eval(`String(document.querySelector('#profile-form button[type="submit"]').disabled)`); d != "false" {
				t.Error("the save button stays disabled after the failure")
			}
			tb.axe("my account, network failure")
			stop()

			tb.submit("profile-form")
			tb.visible("#profile-done")
			tb.do(chromedp.Reload(), chromedp.WaitVisible(css("#profile-form")))
			if f, n := tb.value("firstName"), tb.value("lastName"); f != "Netzwerk" || n != "Ausfall" {
				t.Errorf("saved after the connection came back: %q %q", f, n)
			}
		})
	}
}

// A double click while the first save is still on its way sends one request: the
// first is held back until after the second click, and no second one arrives.
func TestDoubleClickSendsOneRequest(t *testing.T) {
	tb := accountPage(t, languages[1].lang, languages[1].accept)
	release := make(chan struct{})
	in, stop := tb.intercept("PATCH", "/v1/me", func(ctx context.Context, ev *fetch.EventRequestPaused) {
		<-release
		_, _ = chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
	})
	defer stop()
	tb.fill("firstName", "Doppel")
	tb.do(chromedp.DoubleClick(css(`#profile-form button[type="submit"]`)))
	in.waitSeen(t, 1)
	if busy := tb.eval(`document.getElementById('profile-form').getAttribute('aria-busy') || ''`); busy != "true" {
		t.Errorf("while saving the form is not marked busy (aria-busy %q)", busy)
	}
	tb.do(chromedp.Click(css(`#profile-form button[type="submit"]`)))
	time.Sleep(300 * time.Millisecond)
	close(release)
	tb.visible("#profile-done")
	time.Sleep(300 * time.Millisecond)
	if n := in.count(); n != 1 {
		t.Errorf("%d requests for a double click and a third click while saving, want 1", n)
	}
}

// A 429 shows the problem and when to try again, in the person's language, and
// keeps what was typed.
func TestTooManyRequestsSaysWhenToTryAgain(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := accountPage(t, l.lang, l.accept)
			detail := map[string]string{"de": "Zu viele Versuche.", "en": "Too many attempts."}[l.lang]
			body := `{"type":"https://kontor.example/problems/too_many_attempts","title":"` + detail + `","status":429,"detail":"` + detail + `","code":"too_many_attempts"}`
			in, stop := tb.intercept("PATCH", "/v1/me", func(ctx context.Context, ev *fetch.EventRequestPaused) {
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID: ev.RequestID, ResponseCode: 429, Body: []byte(body),
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/problem+json"}, {Name: "Retry-After", Value: "120"}},
				})
			})
			defer stop()
			tb.fill("firstName", "Geduld")
			tb.submit("profile-form")
			in.waitSeen(t, 1)
			s := tb.summary()
			want := map[string]string{"de": "in 2 Minuten erneut", "en": "try again in 2 minutes"}[l.lang]
			if !strings.Contains(s, detail) || !strings.Contains(s, want) {
				t.Errorf("summary %q, want the problem and %q", s, want)
			}
			if f := tb.value("firstName"); f != "Geduld" {
				t.Errorf("after the 429 the first name is %q, want what was typed", f)
			}
			tb.axe("my account, too many requests")
		})
	}
}

// tabTo presses Tab until the element matching sel has the focus (at most 60
// times), as a person without a mouse moves through a page.
func (tb *tab) tabTo(sel string) {
	tb.t.Helper()
	for range 60 {
		if tb.eval(`String(!!document.activeElement && document.activeElement.matches(`+jsString(sel)+`))`) == "true" {
			return
		}
		tb.do(chromedp.KeyEvent("\t"))
	}
	tb.t.Fatalf("Tab never reached %s (focus on %q)", sel, tb.focused())
}

// Signed-in forms by keyboard only: my account's names saved with Enter from a
// field, and a contact request written, its consent ticked with Space and sent
// with Enter on the button; the focus moves to each confirmation.
func TestSignedInFormsByKeyboardOnly(t *testing.T) {
	l := languages[0]
	tb := accountPage(t, l.lang, l.accept)
	tb.tabTo("#firstName")
	tb.do(chromedp.KeyEvent("Tasta"), chromedp.KeyEvent("\t"))
	if f := tb.focused(); f != "lastName" {
		t.Fatalf("Tab from the first name focuses %q, want the last name", f)
	}
	tb.do(chromedp.KeyEvent("Tur"), chromedp.KeyEvent("\r"))
	tb.visible("#profile-done")
	if f := tb.focused(); f != "profile-done" {
		t.Errorf("after saving by Enter the focus is on %q, want the confirmation", f)
	}

	tb.do(chromedp.Navigate(base+"/"+l.lang+"/contact"), chromedp.WaitVisible(css("#signed-in")))
	tb.tabTo("#message")
	tb.do(chromedp.KeyEvent("Bitte um Rückruf."))
	tb.tabTo("#consentVersion")
	tb.do(chromedp.KeyEvent(" "))
	if tb.eval(`String(document.getElementById('consentVersion').checked)`) != "true" {
		t.Fatal("Space did not tick the consent")
	}
	tb.tabTo(`#form button[type="submit"]`)
	tb.do(chromedp.KeyEvent("\r"))
	tb.visible("#done")
	if f := tb.focused(); f != "done" {
		t.Errorf("after sending by keyboard the focus is on %q, want the confirmation", f)
	}
	tb.axe("contact request sent by keyboard")
}
