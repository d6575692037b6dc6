package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"kontor/infra/local"
	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/web"
	"kontor/web/browsertest"
)

// PageLoad is one page in one language as Chromium loaded it from the local stack's
// stand-in site (gzip as the distribution compresses), with a cold cache.
type PageLoad struct {
	URL  string `json:"url"`
	Lang string `json:"lang"`
	// SignedIn: the page leads to sign-in without a session, so it was loaded
	// with one (an administrator's, so the admin pages show their content).
	SignedIn bool `json:"signedIn"`
	// HTML, CSS and JS are the bodies' bytes as they came over the wire (gzipped:
	// resource timing's encodedBodySize); the *Decoded ones unpacked.
	HTML      int `json:"htmlBytes"`
	CSS       int `json:"cssBytes"`
	JS        int `json:"jsBytes"`
	CSSDecode int `json:"cssDecodedBytes"`
	JSDecode  int `json:"jsDecodedBytes"`
	// API is the bytes of the page's calls to /v1/ (bodies, as sent).
	API int `json:"apiBytes"`
	// Wire is every byte the browser received for the page, headers included
	// (CDP Network.loadingFinished encodedDataLength, summed).
	Wire int `json:"wireBytes"`
	// Encoding is the HTML's Content-Encoding ("gzip"; "" for none).
	Encoding string `json:"encoding"`
	// Requests is every request of the page until the network was quiet;
	// ToFirstRender those that ended before the first contentful paint (the
	// navigation included).
	Requests      int `json:"requests"`
	ToFirstRender int `json:"requestsToFirstRender"`
	// FCP is the first contentful paint after navigation start, in ms, on this
	// machine.
	FCP float64 `json:"fcpMs"`
	// Over names what exceeds the budget (web.ScriptBudget, web.StyleBudget on
	// the unpacked bytes).
	Over []string `json:"over,omitempty"`
	// SizeRatio and FCPRatio are against the same language's home page, signed out.
	SizeRatio float64 `json:"sizeRatio"`
	FCPRatio  float64 `json:"fcpRatio"`
}

// Gzip is the page's HTML, CSS and JS bytes on the wire.
func (p PageLoad) Gzip() int { return p.HTML + p.CSS + p.JS }

// RunPageLoads opens every page of web.Pages in every language in the headless
// Chromium exe, each in a fresh browser context with the cache off, from the
// stack's site. Nothing is asserted; the figures are the browser's.
func RunPageLoads(ctx context.Context, s *local.Stack, exe string, pages []web.Page) ([]PageLoad, error) {
	profile, err := os.MkdirTemp("", "kontor-bench-chromium-")
	if err != nil {
		return nil, err
	}
	defer func() { _ = os.RemoveAll(profile) }()
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, browsertest.AllocatorOptions(exe, profile)...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		return nil, fmt.Errorf("start Chromium: %w", err)
	}
	// One load before the figures: the browser's first start-up work is not a page's.
	if _, err := loadPage(browser, s.APIURL, "/en/", ""); err != nil {
		return nil, err
	}
	var session string
	var out []PageLoad
	for _, p := range pages {
		for _, lang := range web.Languages {
			path := web.URL(lang, p.Path)
			pl, err := loadPage(browser, s.APIURL, path, "")
			if err != nil {
				return nil, err
			}
			if pl.landedOnSignIn {
				if session == "" {
					if session, err = benchSession(ctx, s); err != nil {
						return nil, err
					}
				}
				if pl, err = loadPage(browser, s.APIURL, path, session); err != nil {
					return nil, err
				}
				pl.SignedIn = true
			}
			pl.Lang = lang
			out = append(out, pl.PageLoad)
		}
	}
	home := map[string]PageLoad{}
	for _, p := range out {
		if p.URL == web.URL(p.Lang, "") && !p.SignedIn {
			home[p.Lang] = p
		}
	}
	for i, p := range out {
		if h, ok := home[p.Lang]; ok && h.Gzip() > 0 && h.FCP > 0 {
			out[i].SizeRatio = float64(p.Gzip()) / float64(h.Gzip())
			out[i].FCPRatio = p.FCP / h.FCP
		}
	}
	return out, nil
}

// benchSession makes an administrator and signs in as them through the API.
func benchSession(ctx context.Context, s *local.Stack) (string, error) {
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return "", err
	}
	ident := &identity.Service{Store: &identitydb.Store{DB: dynamodb.NewFromConfig(cfg), Table: s.Name("IdentityTable")}, Now: func() time.Time { return time.Now().UTC() }}
	email, password := "bench.pages@example.org", "bench-Seiten-Passwort-lange-genug" // #nosec G101 -- a throwaway account on the bench's own local emulator
	if _, _, err := ident.CreateAdmin(ctx, identity.AdminInput{Email: email, Language: "en", Password: password}); err != nil {
		return "", fmt.Errorf("create the signed-in pages' person: %w", err)
	}
	c, err := signInAs(ctx, s, email, password)
	if err != nil {
		return "", err
	}
	return c.session, nil
}

type loaded struct {
	PageLoad
	landedOnSignIn bool
}

// pageEvents collects one tab's network events.
type pageEvents struct {
	mu       sync.Mutex
	wire     float64
	inFlight map[network.RequestID]bool
	requests int
	lastSeen time.Time
	encoding string
}

func (e *pageEvents) record(ev any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		e.inFlight[ev.RequestID] = true
		e.requests++
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument && e.encoding == "" {
			e.encoding = header(ev.Response.Headers, "Content-Encoding")
		}
	case *network.EventLoadingFinished:
		delete(e.inFlight, ev.RequestID)
		e.wire += ev.EncodedDataLength
	case *network.EventLoadingFailed:
		delete(e.inFlight, ev.RequestID)
	}
	e.lastSeen = time.Now()
}

// quiet says whether no request has been open for the last half second.
func (e *pageEvents) quiet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.inFlight) == 0 && time.Since(e.lastSeen) > 500*time.Millisecond
}

func header(h network.Headers, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			s, _ := v.(string)
			return s
		}
	}
	return ""
}

// timingScript reads the browser's Performance timeline: the first contentful
// paint, the navigation and every resource with its type, sizes and end.
const timingScript = `JSON.stringify({
	fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0,
	nav: performance.getEntriesByType('navigation').map(e => ({ name: e.name, enc: e.encodedBodySize, dec: e.decodedBodySize, end: e.responseEnd }))[0] || null,
	res: performance.getEntriesByType('resource').map(e => ({ name: e.name, type: e.initiatorType, enc: e.encodedBodySize, dec: e.decodedBodySize, end: e.responseEnd })),
	location: location.pathname + location.search,
})`

type timing struct {
	FCP float64 `json:"fcp"`
	Nav *entry  `json:"nav"`
	Res []entry `json:"res"`
	Loc string  `json:"location"`
}

type entry struct {
	Name string  `json:"name"`
	Type string  `json:"type"`
	Enc  int     `json:"enc"`
	Dec  int     `json:"dec"`
	End  float64 `json:"end"`
}

// loadPage opens path in a fresh browser context (cold cache, cache off), with
// the session cookie when session is set, waits until the network is quiet and
// reads the figures.
func loadPage(browser context.Context, base, path, session string) (loaded, error) {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	defer cancelTimeout()
	if err := chromedp.Do(ctx); err != nil {
		return loaded{}, fmt.Errorf("open tab: %w", err)
	}
	ev := &pageEvents{inFlight: map[network.RequestID]bool{}, lastSeen: time.Now()}
	if err := chromedp.Listen(ctx, ev.record); err != nil {
		return loaded{}, err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		return loaded{}, err
	}
	if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		return loaded{}, err
	}
	if session != "" {
		secure, httpOnly := true, true
		if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: httpapi.SessionCookie, Value: session, URL: base + "/", Path: "/", Secure: &secure, HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteStrict}); err != nil {
			return loaded{}, fmt.Errorf("set the session cookie: %w", err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(base+path)); err != nil {
		return loaded{}, fmt.Errorf("open %s: %w", path, err)
	}
	for deadline := time.Now().Add(15 * time.Second); !ev.quiet() && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](timingScript))
	if err != nil {
		return loaded{}, fmt.Errorf("timing of %s: %w", path, err)
	}
	var tm timing
	if err := json.Unmarshal([]byte(raw), &tm); err != nil {
		return loaded{}, err
	}
	ev.mu.Lock()
	defer ev.mu.Unlock()
	pl := PageLoad{URL: path, Wire: int(ev.wire), Encoding: ev.encoding, Requests: ev.requests, FCP: tm.FCP}
	if tm.Nav != nil {
		pl.HTML = tm.Nav.Enc
		if tm.FCP > 0 && tm.Nav.End <= tm.FCP {
			pl.ToFirstRender = 1
		}
	}
	for _, e := range tm.Res {
		switch {
		case strings.Contains(e.Name, "/v1/"):
			pl.API += e.Enc
		case strings.HasSuffix(e.Name, ".css"):
			pl.CSS, pl.CSSDecode = pl.CSS+e.Enc, pl.CSSDecode+e.Dec
		case strings.HasSuffix(e.Name, ".js"):
			pl.JS, pl.JSDecode = pl.JS+e.Enc, pl.JSDecode+e.Dec
		}
		if tm.FCP > 0 && e.End <= tm.FCP {
			pl.ToFirstRender++
		}
	}
	pl.Over = web.PageWeight{CSS: pl.CSSDecode, JS: pl.JSDecode}.Check(web.ScriptBudget, web.StyleBudget)
	return loaded{PageLoad: pl, landedOnSignIn: strings.Contains(tm.Loc, "/login?next=")}, nil
}
