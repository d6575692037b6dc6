package web

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The CloudFront functions of template.yaml are the files under web/cloudfront/,
// byte for byte: the files are what the tests below run.
func TestTemplateCarriesTheCloudFrontFunctions(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Resources map[string]struct {
			Type       string `yaml:"Type"`
			Properties struct {
				FunctionCode   string `yaml:"FunctionCode"`
				FunctionConfig struct {
					Runtime string `yaml:"Runtime"`
				} `yaml:"FunctionConfig"`
			} `yaml:"Properties"`
		} `yaml:"Resources"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for id, file := range map[string]string{"SiteRouterFunction": "router.js", "SiteStatusFunction": "status.js", "SiteApiViewerFunction": "api.js"} {
		want, err := os.ReadFile(filepath.Join("cloudfront", file))
		if err != nil {
			t.Fatal(err)
		}
		r, ok := doc.Resources[id]
		if !ok || r.Type != "AWS::CloudFront::Function" {
			t.Errorf("template.yaml has no AWS::CloudFront::Function %s", id)
			continue
		}
		if r.Properties.FunctionCode != string(want) {
			t.Errorf("%s's FunctionCode differs from web/cloudfront/%s: copy the file into the template (indented, as a | block)", id, file)
		}
		if r.Properties.FunctionConfig.Runtime != "cloudfront-js-2.0" {
			t.Errorf("%s runs on %q", id, r.Properties.FunctionConfig.Runtime)
		}
	}
}

// The router's list of pages is exactly the pages web.Build makes, and its
// not-found object is NotFoundKey.
func TestRouterFunctionListsEveryPage(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("cloudfront", "router.js"))
	if err != nil {
		t.Fatal(err)
	}
	list := regexp.MustCompile(`(?s)var PAGES = \[(.*?)\];`).FindSubmatch(src)
	if list == nil {
		t.Fatal("router.js has no PAGES list")
	}
	var listed []string
	for _, m := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(list[1], -1) {
		listed = append(listed, string(m[1]))
	}
	slices.Sort(listed)
	var pages []string
	for _, p := range Pages(Options{}) {
		for _, lang := range Languages {
			pages = append(pages, Key(lang, p.Path))
		}
	}
	slices.Sort(pages)
	if !slices.Equal(listed, pages) {
		t.Errorf("router.js lists %v\nweb.Pages builds %v", listed, pages)
	}
	if !bytes.Contains(src, []byte("var NOT_FOUND = '/"+NotFoundKey+"';")) {
		t.Errorf("router.js's NOT_FOUND is not /%s", NotFoundKey)
	}
}

// node runs a CloudFront function's file on each event and returns what it
// returned; the test is skipped without node.
func node(t *testing.T, file string, events []map[string]any) []map[string]any {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: the CloudFront functions are not run")
	}
	const harness = `const fs = require('fs');
const handler = new Function(fs.readFileSync(process.argv[1], 'utf8') + '\nreturn handler;')();
const events = JSON.parse(fs.readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(events.map((e) => handler(e))));`
	in, err := json.Marshal(events)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-e", harness, filepath.Join("cloudfront", file)) // #nosec G204 -- node from PATH running the repository's own file
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", file, err, stderr.String())
	}
	var results []map[string]any
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("node %s: %v\n%s", file, err, out)
	}
	return results
}

// querystring renders a raw query as CloudFront Functions present it: one field
// per name, repeated names in multiValue, values as sent.
func querystring(raw string) map[string]any {
	qs := map[string]any{}
	if raw == "" {
		return qs
	}
	for _, pair := range strings.Split(raw, "&") {
		name, value, _ := strings.Cut(pair, "=")
		v := map[string]any{"value": value}
		if prev, ok := qs[name].(map[string]any); ok {
			multi, _ := prev["multiValue"].([]any)
			if multi == nil {
				multi = []any{map[string]any{"value": prev["value"]}}
			}
			prev["multiValue"] = append(multi, v)
			continue
		}
		qs[name] = v
	}
	return qs
}

// The viewer-request function maps every path as Resolve does (the same
// redirects, the query kept, the same object keys), and sends a page the site
// lacks to the not-found page, as the local handler serves it.
func TestRouterFunctionResolvesAsResolve(t *testing.T) {
	site, err := Build(Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"/", "/de", "/en", "/de/", "/en/", "/en/login", "/de/password/reset", "/de/password/forgot",
		"/de/password/", "/de/nope", "/en/site.css", "/de/index.html", "/de/login.html", "/de/x/y/", "/assets/",
		"/assets/site-0123456789.css", "/confirm", "/password/reset", "/email/confirm", "/favicon.ico", "/DE/login",
		"/deutsch", "/404.html", "/en/imprint", "/en/privacy", "/de/signup/"}
	accepts := []string{"", "de", "en", "EN-gb", "fr, de;q=0.5, en;q=0.7", "en-GB,en;q=0.9,de;q=0.8", "en;q=0.8, de;q=0.8",
		"de;q=0, en;q=0.001", "en;q=1.0", "en;q=0.1234, de;q=0.123", "en;q=abc, de;q=0.1", "en;q=.5", " en ; q=0.5 ", "*", "en;q=2"}
	queries := []string{"", "token=abc_DEF-123", "token=a%2Fb&x=1", "flag", "a=1&a=2"}
	type tc struct{ path, accept, query string }
	var cases []tc
	var events []map[string]any
	for i, p := range paths {
		for j, a := range accepts {
			q := queries[(i+j)%len(queries)]
			cases = append(cases, tc{p, a, q})
			headers := map[string]any{}
			if a != "" {
				headers["accept-language"] = map[string]any{"value": a}
			}
			events = append(events, map[string]any{"request": map[string]any{
				"method": "GET", "uri": p, "querystring": querystring(q), "headers": headers, "cookies": map[string]any{}}})
		}
	}
	results := node(t, "router.js", events)
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d events", len(results), len(cases))
	}
	for i, c := range cases {
		key, redirect := Resolve(c.path, c.accept)
		var want string
		switch _, held := site.Files[key]; {
		case redirect != "" && c.query != "":
			want = "302 " + redirect + "?" + c.query
		case redirect != "":
			want = "302 " + redirect
		case held || strings.HasPrefix(key, "assets/"):
			want = "/" + key
		default:
			want = "/" + NotFoundKey
		}
		var got string
		if code, ok := results[i]["statusCode"].(float64); ok {
			loc, _ := results[i]["headers"].(map[string]any)["location"].(map[string]any)
			got = fmt.Sprintf("%d %s", int(code), str(loc["value"]))
		} else {
			got = str(results[i]["uri"])
		}
		if got != want {
			t.Errorf("%s?%s (Accept-Language %q): the function answers %q, Resolve says %q", c.path, c.query, c.accept, got, want)
		}
	}
	t.Logf("%d requests mapped alike", len(cases))
}

func str(v any) string { s, _ := v.(string); return s }

// The viewer-response function answers the not-found page with its status and
// leaves every other response alone.
func TestStatusFunctionAnswersTheNotFoundPageWith404(t *testing.T) {
	meta := "x-amz-meta-" + StatusMetadata
	results := node(t, "status.js", []map[string]any{
		{"response": map[string]any{"statusCode": 200, "headers": map[string]any{meta: map[string]any{"value": "404"}, "content-type": map[string]any{"value": "text/html"}}}},
		{"response": map[string]any{"statusCode": 200, "headers": map[string]any{"content-type": map[string]any{"value": "text/html"}}}},
	})
	if c := results[0]["statusCode"]; c != float64(404) {
		t.Errorf("not-found page answered with %v", c)
	}
	if _, left := results[0]["headers"].(map[string]any)[meta]; left {
		t.Errorf("%s reaches the viewer", meta)
	}
	if c := results[1]["statusCode"]; c != float64(200) {
		t.Errorf("a page answered with %v", c)
	}
}

// The API's viewer-request function passes the viewer's address and replaces one a
// viewer sent under the same name (shared/httpapi/viewer.go believes it only with
// the distribution's origin value).
func TestApiViewerFunctionPassesTheViewersAddress(t *testing.T) {
	const header = "x-kontor-viewer-address"
	results := node(t, "api.js", []map[string]any{
		{"viewer": map[string]any{"ip": "203.0.113.9"}, "request": map[string]any{"method": "POST", "uri": "/v1/sessions", "headers": map[string]any{}}},
		{"viewer": map[string]any{"ip": "2001:db8::7"}, "request": map[string]any{"method": "GET", "uri": "/v1/me", "headers": map[string]any{header: map[string]any{"value": "198.51.100.1"}}}},
	})
	for i, want := range []string{"203.0.113.9", "2001:db8::7"} {
		h, _ := results[i]["headers"].(map[string]any)[header].(map[string]any)
		if h["value"] != want {
			t.Errorf("request %d: %s = %v, want %s", i, header, h["value"], want)
		}
		if results[i]["uri"] == nil {
			t.Errorf("request %d: the function did not return the request: %v", i, results[i])
		}
	}
}

// Locally, a page the site lacks is the not-found page with 404 and the security
// headers; a missing asset is a plain 404.
func TestHandlerServesTheNotFoundPage(t *testing.T) {
	site, err := Build(Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	nf, ok := site.Files[NotFoundKey]
	if !ok || nf.Status != http.StatusNotFound {
		t.Fatalf("no not-found page (%v, status %d)", ok, nf.Status)
	}
	for _, want := range []string{`<html lang="de">`, `lang="en"`, "Seite nicht gefunden", "Page not found", `href="/de/"`, `href="/en/"`} {
		if !bytes.Contains(nf.Body, []byte(want)) {
			t.Errorf("not-found page lacks %s", want)
		}
	}
	h := site.Handler()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/en/nope", nil))
	if rec.Code != http.StatusNotFound || !bytes.Equal(rec.Body.Bytes(), nf.Body) || rec.Header().Get("Content-Security-Policy") != CSP ||
		rec.Header().Get("Content-Type") != nf.ContentType {
		t.Errorf("/en/nope: %d %q %v", rec.Code, rec.Header().Get("Content-Type"), rec.Header())
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/assets/nope-0123456789.js", nil))
	if rec.Code != http.StatusNotFound || bytes.Equal(rec.Body.Bytes(), nf.Body) {
		t.Errorf("missing asset: %d", rec.Code)
	}
}

// The distribution's response-headers policy sets exactly web.Headers; each
// storage page's policy the same with its bucket's origin where the page needs it.
func TestHeadersPolicyIsWebHeaders(t *testing.T) {
	doc := headersPolicies(t)
	policies := map[string]map[string]string{"SiteHeadersPolicy": Headers()}
	for _, p := range StoragePages {
		h := Headers()
		h["Content-Security-Policy"] = p.CSP("https://${" + p.Bucket + ".RegionalDomainName}")
		policies[p.Policy] = h
	}
	for id, headers := range policies {
		sec := doc.Resources[id].Properties.Config.Security
		hsts := fmt.Sprintf("max-age=%d", sec.HSTS.MaxAge)
		if sec.HSTS.IncludeSubdomains {
			hsts += "; includeSubDomains"
		}
		if sec.HSTS.Preload {
			hsts += "; preload"
		}
		got := map[string]string{
			"Content-Security-Policy":   sec.CSP.Value,
			"Strict-Transport-Security": hsts,
			"Referrer-Policy":           sec.Referrer.Value,
			"X-Frame-Options":           sec.Frame.Value,
		}
		if sec.NoSniff != nil {
			got["X-Content-Type-Options"] = "nosniff"
		}
		for k, want := range headers {
			if got[k] != want {
				t.Errorf("%s sets %s %q, want %q", id, k, got[k], want)
			}
		}
		if !sec.CSP.Override || !sec.HSTS.Override || !sec.Referrer.Override || sec.NoSniff == nil || !sec.NoSniff.Override || !sec.Frame.Override {
			t.Errorf("a header of %s does not override the origin's", id)
		}
	}
}

type override struct {
	Override bool `yaml:"Override"`
}

type policiesDoc struct {
	Resources map[string]struct {
		Properties struct {
			Config struct {
				Security struct {
					CSP struct {
						override `yaml:",inline"`
						Value    string `yaml:"ContentSecurityPolicy"`
					} `yaml:"ContentSecurityPolicy"`
					HSTS struct {
						override          `yaml:",inline"`
						MaxAge            int  `yaml:"AccessControlMaxAgeSec"`
						IncludeSubdomains bool `yaml:"IncludeSubdomains"`
						Preload           bool `yaml:"Preload"`
					} `yaml:"StrictTransportSecurity"`
					Referrer struct {
						override `yaml:",inline"`
						Value    string `yaml:"ReferrerPolicy"`
					} `yaml:"ReferrerPolicy"`
					NoSniff *override `yaml:"ContentTypeOptions"`
					Frame   struct {
						override `yaml:",inline"`
						Value    string `yaml:"FrameOption"`
					} `yaml:"FrameOptions"`
				} `yaml:"SecurityHeadersConfig"`
			} `yaml:"ResponseHeadersPolicyConfig"`
			Distribution struct {
				Default   behaviour   `yaml:"DefaultCacheBehavior"`
				Behaviors []behaviour `yaml:"CacheBehaviors"`
			} `yaml:"DistributionConfig"`
		} `yaml:"Properties"`
	} `yaml:"Resources"`
}

type behaviour struct {
	PathPattern    string   `yaml:"PathPattern"`
	TargetOriginID string   `yaml:"TargetOriginId"`
	Protocol       string   `yaml:"ViewerProtocolPolicy"`
	Compress       bool     `yaml:"Compress"`
	Allowed        []string `yaml:"AllowedMethods"`
	CachePolicy    string   `yaml:"CachePolicyId"`
	HeadersPolicy  string   `yaml:"ResponseHeadersPolicyId"`
	Functions      []struct {
		Event string `yaml:"EventType"`
		ARN   string `yaml:"FunctionARN"`
	} `yaml:"FunctionAssociations"`
}

func headersPolicies(t *testing.T) policiesDoc {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc policiesDoc
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// Each storage page has a cache behaviour of its own: the default one's, with the
// page's headers policy.
func TestStoragePagesHaveTheirOwnBehaviour(t *testing.T) {
	dist := headersPolicies(t).Resources["SiteDistribution"].Properties.Distribution
	for _, sp := range StoragePages {
		p := sp.Path
		i := slices.IndexFunc(dist.Behaviors, func(b behaviour) bool { return b.PathPattern == "/*/"+p })
		if i < 0 {
			t.Errorf("no cache behaviour for /*/%s", p)
			continue
		}
		got, want := dist.Behaviors[i], dist.Default
		if got.HeadersPolicy != sp.Policy {
			t.Errorf("/*/%s: headers policy %q", p, got.HeadersPolicy)
		}
		got.PathPattern, got.HeadersPolicy, want.HeadersPolicy = "", "", ""
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("/*/%s behaves otherwise than the default:\n%+v\n%+v", p, got, want)
		}
	}
}

// Locally, the upload pages, and only they, may connect to Site.Storage; the
// picture pages, and only they, show images from it.
func TestHandlerWidensCSPOnStoragePagesOnly(t *testing.T) {
	site, err := Build(Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	site.Storage = "http://127.0.0.1:4566"
	for path, want := range map[string]string{
		"/de/insurance/claim": CSPWithStorage(site.Storage), "/en/insurance/claim": CSPWithStorage(site.Storage),
		"/en/insurance/claims": CSP, "/en/": CSP, "/en/insurance/claim/x": CSP,
		"/de/network/profile": strings.Replace(CSPWithStorage(site.Storage), "img-src 'self'", "img-src 'self' "+site.Storage, 1),
		"/en/network/member":  strings.Replace(CSP, "img-src 'self'", "img-src 'self' "+site.Storage, 1),
		"/de/network/group":   CSPWithStorage(site.Storage), "/en/network/feed": CSP,
		"/en/listings/listing": strings.Replace(CSP, "img-src 'self'", "img-src 'self' "+site.Storage, 1), "/en/listings": CSP,
	} {
		rec := httptest.NewRecorder()
		site.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if got := rec.Header().Get("Content-Security-Policy"); got != want {
			t.Errorf("%s: CSP %q, want %q", path, got, want)
		}
	}
	if !strings.Contains(CSPWithStorage("https://b.example"), "connect-src 'self' https://b.example;") {
		t.Error("CSPWithStorage does not add the origin to connect-src")
	}
}

// Locally the site is compressed as the distribution compresses it: gzip when the
// browser accepts it, with Vary, the same bytes unpacked; small files and a
// refusing browser get the plain body.
func TestHandlerCompressesLikeTheDistribution(t *testing.T) {
	site, err := Build(Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	h := site.Handler()
	get := func(path, acceptEncoding string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Accept-Encoding", acceptEncoding)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	page := site.Files["en/privacy.html"].Body
	rec := get("/en/privacy", "gzip, deflate, br, zstd")
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("Vary") != "Accept-Encoding" || rec.Body.Len() >= len(page) {
		t.Fatalf("privacy notice: encoding %q, vary %q, %d of %d bytes", rec.Header().Get("Content-Encoding"), rec.Header().Get("Vary"), rec.Body.Len(), len(page))
	}
	z, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	if plain, err := io.ReadAll(z); err != nil || !bytes.Equal(plain, page) {
		t.Errorf("unpacked answer differs from the page (%v)", err)
	}
	for _, ae := range []string{"", "br", "gzip;q=0"} {
		rec = get("/en/privacy", ae)
		if rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), page) || rec.Header().Get("Vary") != "Accept-Encoding" {
			t.Errorf("Accept-Encoding %q: encoding %q, %d bytes", ae, rec.Header().Get("Content-Encoding"), rec.Body.Len())
		}
	}
	site.Files["en/small.html"] = File{Body: []byte("<p>small</p>"), ContentType: "text/html; charset=utf-8"}
	rec = httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/en/small", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	site.Handler().ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "" || rec.Body.String() != "<p>small</p>" {
		t.Errorf("a file under 1,000 bytes: encoding %q", rec.Header().Get("Content-Encoding"))
	}
}
