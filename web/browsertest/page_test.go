package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// tab is one browser tab in a browser context of its own, with what the page
// did recorded: every request, console errors, exceptions, CSP violations.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu        sync.Mutex
	allowed   []string // URL prefixes on another origin the test lets the page reach
	requests  []string
	problems  []string // console errors, exceptions, CSP violations
	axeStates int
}

// cspProbe reports every CSP violation of a page to the test (runtime binding).
const cspProbe = `document.addEventListener('securitypolicyviolation', (e) => kontorCSP(e.violatedDirective + ' ' + e.blockedURI));`

// openTab opens a tab whose browser asks for acceptLanguage.
func openTab(t *testing.T, acceptLanguage string) *tab {
	t.Helper()
	freshClient(t)
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	tb := &tab{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		t.Fatalf("listen: %v", err)
	}
	tb.call(func(ctx context.Context) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, log.Enable, struct{}{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, runtime.AddBinding, runtime.AddBindingParams{Name: "kontorCSP"}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": acceptLanguage}})
		return err
	})
	t.Cleanup(func() {
		tb.checkClean()
		cancelTimeout()
		cancel()
	})
	return tb
}

// allow lets the page reach URLs starting with prefix on another origin (the
// invoice bucket's uploads and downloads); checkClean fails on any other.
func (tb *tab) allow(prefix string) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.allowed = append(tb.allowed, prefix)
}

// downloadsTo lets the tab's downloads land in dir.
func (tb *tab) downloadsTo(dir string) {
	tb.t.Helper()
	bc := chromedp.FromContext(tb.ctx).BrowserContextID
	if _, err := chromedp.CallBrowser(tb.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, BrowserContextID: bc, DownloadPath: dir,
	}); err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tab) call(f func(ctx context.Context) error) {
	tb.t.Helper()
	if err := f(tb.ctx); err != nil {
		tb.t.Fatal(err)
	}
}

func (tb *tab) record(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, e.Request.URL)
	case *runtime.EventConsoleAPICalled:
		if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
			tb.problems = append(tb.problems, "console."+string(e.Type)+": "+remoteText(e.Args))
		}
	case *runtime.EventExceptionThrown:
		tb.problems = append(tb.problems, "exception: "+e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
	case *runtime.EventBindingCalled:
		if e.Name == "kontorCSP" {
			tb.problems = append(tb.problems, "CSP violation: "+e.Payload)
		}
	case *log.EventEntryAdded:
		// A failed answer the page expects (401 for a wrong password) is logged by
		// the browser with source "network"; everything else at error level is a
		// problem (CSP reports come with source "security" or "other").
		if e.Entry.Level == log.EntryLevelError && e.Entry.Source != log.EntrySourceNetwork {
			tb.problems = append(tb.problems, "log "+string(e.Entry.Source)+": "+e.Entry.Text)
		}
	}
}

func remoteText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Description != "" {
			parts = append(parts, a.Description)
		} else {
			parts = append(parts, string(a.Value))
		}
	}
	return strings.Join(parts, " ")
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// checkClean fails the test when the page asked any other origin for anything,
// logged an error, threw, or broke its CSP.
func (tb *tab) checkClean() {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	for _, r := range tb.requests {
		if slices.ContainsFunc(tb.allowed, func(p string) bool { return strings.HasPrefix(r, p) }) {
			continue
		}
		u, err := url.Parse(strings.TrimPrefix(r, "blob:")) // a blob: URL names the origin that made it
		if err != nil || (u.Scheme+"://"+u.Host != base && u.Scheme != "data" && u.Scheme != "about") {
			tb.t.Errorf("request to another origin: %s", r)
		}
	}
	for _, p := range tb.problems {
		tb.t.Errorf("page problem: %s", p)
	}
	if len(tb.requests) == 0 {
		tb.t.Error("no request recorded: the tab's network events were not seen")
	}
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatalf("%v (at %s)", err, tb.location())
	}
}

func (tb *tab) location() string {
	loc, _ := chromedp.Run(tb.ctx, chromedp.Location())
	return loc
}

func (tb *tab) eval(expr string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		tb.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("text of %s: %v", sel, err)
	}
	return v
}

// visible waits until sel is shown.
func (tb *tab) visible(sel string) {
	tb.t.Helper()
	tb.do(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// focused returns the id of the element that has the focus.
func (tb *tab) focused() string {
	return tb.eval(`document.activeElement ? document.activeElement.id : ''`)
}

// axeTags are the rules axe-core checks: WCAG 2.2 A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// axe runs axe-core on the page as it is now and fails the test on any
// violation.
func (tb *tab) axe(state string) {
	tb.t.Helper()
	tags, _ := json.Marshal(axeTags)
	script := `(async () => {
		if (!window.axe) { (0, eval)(` + jsString(axeSource) + `); }
		const r = await axe.run(document, { runOnly: { type: 'tag', values: ` + string(tags) + ` }, resultTypes: ['violations'] });
		return JSON.stringify(r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })));
	})()`
	out, err := chromedp.Run(tb.ctx, chromedp.Evaluate[string](script, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("axe on %s: %v", state, err)
	}
	var violations []struct {
		ID, Impact, Help string
		Nodes            []string
	}
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		tb.t.Fatalf("axe result: %v", err)
	}
	for _, v := range violations {
		tb.t.Errorf("axe %s (%s): %s [%s] %s at %s", state, tb.location(), v.ID, v.Impact, v.Help, strings.Join(v.Nodes, ", "))
	}
	tb.mu.Lock()
	tb.axeStates++
	tb.mu.Unlock()
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// screenshotHeight is the most of a page a screenshot shows (CSS pixels from its
// top, 1024 wide): enough for a form and its answer, while a long page (the
// privacy notice, the record of processing) stays a picture of its start.
const screenshotHeight = 1400

// screenshot writes the page as it is now, from its top, to docs/web/<name>.png
// when KONTOR_SCREENSHOTS=1 (`make screenshots`); otherwise it does nothing.
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	if os.Getenv("KONTOR_SCREENSHOTS") != "1" {
		return
	}
	m, err := chromedp.Call(tb.ctx, page.GetLayoutMetrics, cdp.Empty{})
	if err != nil || m.CSSContentSize == nil {
		tb.t.Fatalf("screenshot %s: layout metrics: %v", name, err)
	}
	beyond := true
	shot, err := chromedp.Call(tb.ctx, page.CaptureScreenshot, page.CaptureScreenshotParams{
		Format:                page.CaptureScreenshotFormatPng,
		Clip:                  &page.Viewport{Width: m.CSSContentSize.Width, Height: min(m.CSSContentSize.Height, screenshotHeight), Scale: 1},
		CaptureBeyondViewport: &beyond,
	})
	if err != nil {
		tb.t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("..", "..", "docs", "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), shot.Data, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// cookies returns the names of the cookies the browser holds for the site.
func (tb *tab) cookies() []string {
	tb.t.Helper()
	return tb.cookiesFor("/")
}

// cookiesFor returns the names of the cookies the browser sends to path on the
// site (a cookie with a Path sends only there).
func (tb *tab) cookiesFor(path string) []string {
	tb.t.Helper()
	res, err := chromedp.Call(tb.ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base + path}})
	if err != nil {
		tb.t.Fatalf("cookies: %v", err)
	}
	var names []string
	for _, c := range res.Cookies {
		names = append(names, c.Name)
	}
	slices.Sort(names)
	return names
}

var linkInMail = regexp.MustCompile(`https?://\S+token=[A-Za-z0-9_-]+`)

// mailedLink waits for the newest mail to addr with a link to path and returns
// the link.
func mailedLink(t *testing.T, addr, path string) string {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		ms, err := stack.Mail(context.Background())
		if err != nil {
			t.Fatalf("read mail: %v", err)
		}
		for _, m := range ms {
			if slices.ContainsFunc(m.To, func(to string) bool { return strings.EqualFold(to, addr) }) {
				if l := linkInMail.FindString(m.Text); strings.HasPrefix(l, base+path+"?") || strings.HasPrefix(l, base+path+"#") {
					return l
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no mail with a link to %s", addr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

var seq struct {
	sync.Mutex
	n int
}

// newAddress returns an address no other test uses.
func newAddress(what string) string {
	seq.Lock()
	defer seq.Unlock()
	seq.n++
	return fmt.Sprintf("%s-%d-%d@example.org", what, time.Now().UnixNano(), seq.n)
}
