// Package web builds the portal's static site: one HTML page per screen and
// language (/de/…, /en/…) from html/template, with the stylesheet and one small
// ES module per page bundled, minified and fingerprinted by esbuild's Go API, so
// building needs no Node. The pages call the JSON API on the same origin; it stays
// the only way to write data. Serve (serve.go) answers with the site as the
// CloudFront distribution of template.yaml does, compression included. Who runs
// the site (operator.go) fills the privacy notice's controller and the imprint.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/evanw/esbuild/pkg/api"

	"kontor/shared/classifieds"
	"kontor/shared/contact"
	"kontor/shared/insurance"
	"kontor/shared/network"
)

//go:embed layout assets pages
var sources embed.FS

// Languages are the site's languages; the first is the default (as the API's).
var Languages = []string{"de", "en"}

// Page is one screen of the site, built once per language.
type Page struct {
	// Path is the page's path after /<lang>/ ("" for the home page).
	Path string
	// Dir is the folder under pages/ with its template (page.html), its message
	// catalog (messages.json) and its script (page.js, optional).
	Dir string
	// Vars are values the template and script read (.Vars), e.g. the API route a
	// shared template posts to.
	Vars map[string]string
	// Data, when set, gives the template (.Data) what the build computes for the
	// language, e.g. the privacy registry's texts.
	Data func(lang string) (any, error)
}

// Options are what a build takes from the deployment.
type Options struct {
	// TermsVersion and PrivacyVersion are the versions sign-up accepts
	// (template.yaml parameters TermsVersion and PrivacyNoticeVersion).
	TermsVersion, PrivacyVersion string
	// Operator is who runs the site, for the privacy notice's controller and the
	// imprint (template parameter OperatorDetails, ParseOperator). Until the
	// operator sets it, both pages show a clearly marked gap in its place.
	Operator Operator
}

// Pages lists every page of the site. A new screen is one entry here and one
// folder under pages/.
func Pages(o Options) []Page {
	return []Page{
		{Path: "", Dir: "home"},
		{Path: "signup", Dir: "signup", Vars: map[string]string{"terms": o.TermsVersion, "privacy": o.PrivacyVersion}},
		{Path: "confirm", Dir: "password", Vars: map[string]string{"variant": "confirm", "endpoint": "/v1/accounts/confirm"}},
		{Path: "password/reset", Dir: "password", Vars: map[string]string{"variant": "reset", "endpoint": "/v1/password/reset"}},
		{Path: "email/confirm", Dir: "email"},
		{Path: "login", Dir: "login"},
		{Path: "login/link", Dir: "loginlink"},
		{Path: "password/forgot", Dir: "forgot"},
		{Path: "imprint", Dir: "legal", Vars: map[string]string{"variant": "imprint"}, Data: func(string) (any, error) { return o.Operator, nil }},
		{Path: "privacy", Dir: "privacy", Data: registryData(o)},
		{Path: "account", Dir: "me", Vars: map[string]string{"variant": "account"}},
		{Path: "privacy-centre", Dir: "me", Vars: map[string]string{"variant": "privacy"}},
		{Path: "contact", Dir: "contact", Vars: map[string]string{"consent": contact.ConsentVersion}},
		{Path: "processing", Dir: "processing", Data: registryData(o)},
		{Path: "insurance/register", Dir: "insurance", Vars: map[string]string{"variant": "register", "terms": o.TermsVersion, "privacy": o.PrivacyVersion}},
		{Path: "insurance/activate", Dir: "insurance", Vars: map[string]string{"variant": "activate"}},
		{Path: "insurance/contracts", Dir: "insurance", Vars: map[string]string{"variant": "contracts"}},
		{Path: "insurance/claims", Dir: "insurance", Vars: map[string]string{"variant": "claims"}},
		{Path: "insurance/claim", Dir: "insurance", Vars: map[string]string{"variant": "claim", "invoiceTypes": strings.Join(insurance.InvoicePolicy.Types, ","), "invoiceMaxBytes": strconv.FormatInt(insurance.InvoicePolicy.MaxBytes, 10)}},
		{Path: "admin/holds", Dir: "admin", Vars: map[string]string{"variant": "holds"}},
		{Path: "admin/statistics", Dir: "admin", Vars: map[string]string{"variant": "statistics"}},
		{Path: "admin/members", Dir: "admin", Vars: map[string]string{"variant": "members"}},
		{Path: "admin/security", Dir: "admin", Vars: map[string]string{"variant": "security"}},
		{Path: "staff/contract-imports", Dir: "staffdesk", Vars: map[string]string{"variant": "imports"}},
		{Path: "staff/contact-requests", Dir: "staffdesk", Vars: map[string]string{"variant": "requests"}},
		{Path: "staff/letters", Dir: "staffdesk", Vars: map[string]string{"variant": "letters"}},
		{Path: "contact/requests", Dir: "myrequests"},
		{Path: "staff/claims", Dir: "claimreview", Vars: map[string]string{"variant": "queue"}},
		{Path: "staff/claim", Dir: "claimreview", Vars: map[string]string{"variant": "claim"}},
		{Path: "network/profile", Dir: "network", Vars: map[string]string{"variant": "profile", "pictureTypes": strings.Join(network.PicturePolicy.Types, ","), "pictureMaxBytes": strconv.FormatInt(network.PicturePolicy.MaxBytes, 10)}},
		{Path: "network/member", Dir: "network", Vars: map[string]string{"variant": "member"}},
		{Path: "network/groups", Dir: "groups", Vars: map[string]string{"variant": "groups"}},
		{Path: "network/group", Dir: "groups", Vars: map[string]string{"variant": "group", "attachTypes": strings.Join(slices.Concat(network.DocumentTypes, network.ImageTypes), ","), "attachMaxBytes": strconv.Itoa(network.MaxDocumentBytes), "attachImageMaxBytes": strconv.Itoa(network.MaxImageBytes)}},
		{Path: "network/feed", Dir: "groups", Vars: map[string]string{"variant": "feed"}},
		{Path: "network/messages", Dir: "messages", Vars: map[string]string{"variant": "conversations"}},
		{Path: "network/conversation", Dir: "messages", Vars: map[string]string{"variant": "conversation"}},
		{Path: "network/connections", Dir: "connections"},
		{Path: "network/search", Dir: "search"},
		{Path: "classifieds/watchlist", Dir: "watchlist"},
		{Path: "classifieds/stats", Dir: "listingstats"},
		{Path: "classifieds/advertiser", Dir: "classifieds", Vars: map[string]string{"variant": "advertiser"}},
		{Path: "classifieds/ratings", Dir: "classifieds", Vars: map[string]string{"variant": "ratings", "terms": o.TermsVersion, "privacy": o.PrivacyVersion}},
		{Path: "classifieds/my-ratings", Dir: "classifieds", Vars: map[string]string{"variant": "mine"}},
		{Path: "classifieds/rating-confirm", Dir: "classifieds", Vars: map[string]string{"variant": "confirm"}},
		{Path: "classifieds/identity", Dir: "classifiedsidentity", Vars: map[string]string{"variant": "start"}},
		{Path: "classifieds/identity/return", Dir: "classifiedsidentity", Vars: map[string]string{"variant": "return"}},
		{Path: "classifieds/replies", Dir: "classifiedsreplies", Vars: map[string]string{"variant": "mine"}},
		{Path: "classifieds/reply", Dir: "classifiedsreplies", Vars: map[string]string{"variant": "reply"}},
		{Path: "classifieds/plan", Dir: "classifiedsplan", Vars: map[string]string{"variant": "plans", "consent": classifieds.PaymentConsentVersion}},
		{Path: "classifieds/plan/return", Dir: "classifiedsplan", Vars: map[string]string{"variant": "return"}},
		{Path: "classifieds/invoices", Dir: "classifiedsinvoices"},
		{Path: "classifieds/photos", Dir: "classifiedsphotos", Vars: map[string]string{"photoTypes": strings.Join(classifieds.PhotoTypes, ","), "photoMaxBytes": strconv.Itoa(classifieds.MaxPhotoBytes)}},
		{Path: "classifieds/replies/withheld-review", Dir: "replyreview", Vars: map[string]string{"variant": "request"}},
		{Path: "classifieds/reply/no-reaction", Dir: "replyreview", Vars: map[string]string{"variant": "noreaction"}},
		{Path: "classifieds/staff/withheld", Dir: "replyreview", Vars: map[string]string{"variant": "staff"}},
		{Path: "listings", Dir: "listings", Vars: listingVars("browse", o)},
		{Path: "listings/listing", Dir: "listings", Vars: listingVars("listing", o)},
		{Path: "listings/new", Dir: "listings", Vars: listingVars("new", o)},
		{Path: "listings/confirm", Dir: "listings", Vars: listingVars("confirm", o)},
		{Path: "listings/mine", Dir: "listings", Vars: listingVars("mine", o)},
		// Alerts for new listings (docs/classifieds.md).
		{Path: "classifieds/alerts", Dir: "alerts", Vars: listingVars("mine", o)},
		{Path: "classifieds/alerts/new", Dir: "alerts", Vars: listingVars("new", o)},
		{Path: "classifieds/alerts/confirm", Dir: "alerts", Vars: listingVars("confirm", o)},
	}
}

// listingVars are what the classifieds' pages read: the variant, the lists a
// listing chooses from, and the texts a listing without an account accepts.
func listingVars(variant string, o Options) map[string]string {
	return map[string]string{"variant": variant, "kinds": classifieds.KindOffer + " " + classifieds.KindSearch,
		"areas": strings.Join(classifieds.Areas, " "), "boatTypes": strings.Join(classifieds.BoatTypes, " "),
		"terms": o.TermsVersion, "privacy": o.PrivacyVersion}
}

// File is one object of the built site.
type File struct {
	Body        []byte
	ContentType string
	// CacheControl: fingerprinted assets are immutable, pages are revalidated.
	CacheControl string
	// Status is the HTTP status the object is served with when it is not 200: the
	// not-found page's 404. The upload stores it as the object's metadata
	// StatusMetadata, which the distribution's viewer-response function turns into
	// the status (S3 answers 200 for an object it holds).
	Status int
}

// NotFoundKey is the object key of the site's one page for paths it does not
// hold, in both languages (a path that does not say which); it is served with 404.
const NotFoundKey = "404.html"

// StatusMetadata is the user metadata key (x-amz-meta-kontor-status) that carries
// File.Status on the bucket's object.
const StatusMetadata = "kontor-status"

// Site is the built site: its files by object key ("de/index.html",
// "assets/signup-1a2b3c4d5e.js"), as they are stored in the site bucket.
type Site struct {
	Files map[string]File
	// Storage is the origin of the buckets the StoragePages reach (presigned PUTs
	// and GETs; locally one emulator holds them all), added to their CSP when
	// Handler serves them; "" adds none. Deployed, each page's headers policy does
	// the same with its bucket.
	Storage string
}

// Keys returns the site's object keys, sorted.
func (s *Site) Keys() []string {
	keys := make([]string, 0, len(s.Files))
	for k := range s.Files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

const (
	cachePage  = "no-cache"
	cacheAsset = "public, max-age=31536000, immutable"
)

// Build builds every page in every language.
func Build(o Options) (*Site, error) {
	site := &Site{Files: map[string]File{}}
	css, err := bundle("assets/site.css")
	if err != nil {
		return nil, err
	}
	cssURL := site.asset("site", ".css", css)
	layoutMsgs, err := catalog("layout/messages.json")
	if err != nil {
		return nil, err
	}
	scripts := map[string]string{} // page dir → asset URL
	for _, p := range Pages(o) {
		if _, done := scripts[p.Dir]; done {
			continue
		}
		entry := "pages/" + p.Dir + "/page.js"
		if _, err := fs.Stat(sources, entry); err != nil {
			scripts[p.Dir] = ""
			continue
		}
		js, err := bundle(entry)
		if err != nil {
			return nil, err
		}
		scripts[p.Dir] = site.asset(p.Dir, ".js", js)
	}
	for _, p := range Pages(o) {
		msgs, err := catalog("pages/" + p.Dir + "/messages.json")
		if err != nil {
			return nil, err
		}
		for k, v := range layoutMsgs {
			if _, dup := msgs[k]; dup {
				return nil, fmt.Errorf("page %s: message %q is also in the layout's catalog", p.Dir, k)
			}
			msgs[k] = v
		}
		tpl, err := template.New("layout.html").Option("missingkey=error").Funcs(template.FuncMap{"t": func(string) string { return "" }, "dict": dict, "fields": strings.Fields}).
			ParseFS(sources, "layout/layout.html", "layout/forms.html", "pages/"+p.Dir+"/page.html")
		if err != nil {
			return nil, fmt.Errorf("page %s: %w", p.Dir, err)
		}
		for _, lang := range Languages {
			body, err := render(tpl, msgs, p, lang, cssURL, scripts[p.Dir])
			if err != nil {
				return nil, fmt.Errorf("page /%s/%s: %w", lang, p.Path, err)
			}
			site.Files[Key(lang, p.Path)] = File{Body: body, ContentType: "text/html; charset=utf-8", CacheControl: cachePage}
		}
	}
	notFound, err := template.ParseFS(sources, "layout/notfound.html")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := notFound.Execute(&buf, struct{ CSS string }{cssURL}); err != nil {
		return nil, fmt.Errorf("not-found page: %w", err)
	}
	site.Files[NotFoundKey] = File{Body: buf.Bytes(), ContentType: "text/html; charset=utf-8", CacheControl: cachePage, Status: 404}
	return site, nil
}

// Key is the object key of the page at /<lang>/<pagePath>.
func Key(lang, pagePath string) string {
	if pagePath == "" {
		return lang + "/index.html"
	}
	return lang + "/" + pagePath + ".html"
}

// URL is the address of the page at pagePath in lang.
func URL(lang, pagePath string) string { return "/" + lang + "/" + pagePath }

// asset stores a fingerprinted asset and returns its URL.
func (s *Site) asset(name, ext string, body []byte) string {
	sum := sha256.Sum256(body)
	key := "assets/" + name + "-" + hex.EncodeToString(sum[:5]) + ext
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
	s.Files[key] = File{Body: body, ContentType: types[ext], CacheControl: cacheAsset}
	return "/" + key
}

// messages is a page's catalog: key → language → text.
type messages map[string]map[string]string

func catalog(file string) (messages, error) {
	raw, err := sources.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	var m messages
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("catalog %s: %w", file, err)
	}
	for k, texts := range m {
		for _, lang := range Languages {
			if texts[lang] == "" {
				return nil, fmt.Errorf("catalog %s: %q has no %s text", file, k, lang)
			}
		}
	}
	return m, nil
}

// pageData is what a page template sees.
type pageData struct {
	Lang, Other       string
	Path              string // the page's path after /<lang>/
	TitleKey          string // "page.title", or "page.title.<variant>" for a page built from a shared folder
	URL, OtherURL     string
	CSS, Script       string
	Vars              map[string]string
	Data              any
	ScriptMessages    template.JS // the page's "js." texts as JSON, for its script
	TermsURL, PrivURL string
}

func render(tpl *template.Template, msgs messages, p Page, lang, css, script string) ([]byte, error) {
	other := Languages[0]
	if lang == other {
		other = Languages[1]
	}
	t, err := tpl.Clone()
	if err != nil {
		return nil, err
	}
	var missing []string
	t.Funcs(template.FuncMap{"t": func(key string) string {
		texts, ok := msgs[key]
		if !ok {
			missing = append(missing, key)
			return ""
		}
		return texts[lang]
	}})
	js := map[string]string{}
	for k, texts := range msgs {
		if strings.HasPrefix(k, "js.") {
			js[k] = texts[lang]
		}
	}
	jsJSON, err := json.Marshal(js)
	if err != nil {
		return nil, err
	}
	vars := p.Vars
	if vars == nil {
		vars = map[string]string{}
	}
	var data any
	if p.Data != nil {
		if data, err = p.Data(lang); err != nil {
			return nil, err
		}
	}
	titleKey := "page.title"
	if v := vars["variant"]; v != "" {
		titleKey += "." + v
	}
	var buf bytes.Buffer
	err = t.Execute(&buf, pageData{
		Lang: lang, Other: other, Path: p.Path, TitleKey: titleKey,
		URL: URL(lang, p.Path), OtherURL: URL(other, p.Path),
		CSS: css, Script: script, Vars: vars, Data: data, ScriptMessages: template.JS(jsJSON), // #nosec G203 -- JSON from our own catalog, in a non-executed application/json block
	})
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("messages missing from the catalog: %s", strings.Join(missing, ", "))
	}
	return buf.Bytes(), nil
}

// bundle bundles and minifies one entry point of the embedded sources.
func bundle(entry string) ([]byte, error) {
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{entry},
		Bundle:            true,
		Write:             false,
		Outdir:            "out",
		Format:            api.FormatESModule,
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		LegalComments:     api.LegalCommentsNone,
		Charset:           api.CharsetUTF8,
		Plugins:           []api.Plugin{embedded},
	})
	if len(res.Errors) > 0 {
		var msgs []string
		for _, m := range res.Errors {
			where := ""
			if m.Location != nil {
				where = fmt.Sprintf("%s:%d: ", m.Location.File, m.Location.Line)
			}
			msgs = append(msgs, where+m.Text)
		}
		return nil, fmt.Errorf("bundle %s: %s", entry, strings.Join(msgs, "; "))
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("bundle %s: %d output files, want 1", entry, len(res.OutputFiles))
	}
	return res.OutputFiles[0].Contents, nil
}

// embedded resolves and loads every import from the embedded sources, so that a
// build reads nothing from disk.
var embedded = api.Plugin{
	Name: "embedded",
	Setup: func(b api.PluginBuild) {
		b.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			p := a.Path
			if a.Kind != api.ResolveEntryPoint {
				if !strings.HasPrefix(p, "./") && !strings.HasPrefix(p, "../") {
					return api.OnResolveResult{}, fmt.Errorf("import %q: only relative imports of the site's own files", p)
				}
				p = path.Join(path.Dir(a.Importer), p)
			}
			return api.OnResolveResult{Path: path.Clean(p), Namespace: "embedded"}, nil
		})
		b.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "embedded"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			body, err := sources.ReadFile(a.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s := string(body)
			loader := api.LoaderJS
			if strings.HasSuffix(a.Path, ".css") {
				loader = api.LoaderCSS
			}
			return api.OnLoadResult{Contents: &s, Loader: loader}, nil
		})
	},
}

// dict builds a template's argument from key, value pairs.
func dict(kv ...string) (map[string]string, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m, nil
}
