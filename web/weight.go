package web

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// The page weight budget (docs/web.md, "Page weight budget"): at most this much
// script and CSS per page, uncompressed and minified, in bytes (1 KB = 1024 bytes).
const (
	ScriptBudget = 30 * 1024
	StyleBudget  = 15 * 1024
)

// PageWeight is what one page in one language loads before it first renders: its
// HTML and the stylesheets and module scripts the HTML references, in bytes as
// built (minified) and gzipped at the best compression (close to what the
// distribution's compression sends).
type PageWeight struct {
	URL      string `json:"url"`
	Key      string `json:"key"`
	HTML     int    `json:"htmlBytes"`
	HTMLGzip int    `json:"htmlGzipBytes"`
	CSS      int    `json:"cssBytes"`
	CSSGzip  int    `json:"cssGzipBytes"`
	JS       int    `json:"jsBytes"`
	JSGzip   int    `json:"jsGzipBytes"`
	// Styles and Scripts are the object keys of the assets counted.
	Styles  []string `json:"styles"`
	Scripts []string `json:"scripts"`
	// Requests is the number of requests to first render: the HTML, its
	// stylesheets and its scripts.
	Requests int `json:"requests"`
	// Over names what exceeds the budget ("script", "CSS"); OK when nothing does.
	Over []string `json:"over,omitempty"`
	OK   bool     `json:"withinBudget"`
}

// Total is the bytes of HTML, CSS and JS together, as built.
func (w PageWeight) Total() int { return w.HTML + w.CSS + w.JS }

// TotalGzip is the gzipped bytes of HTML, CSS and JS together.
func (w PageWeight) TotalGzip() int { return w.HTMLGzip + w.CSSGzip + w.JSGzip }

// Check returns what of the page is over the given budgets (bytes, uncompressed).
func (w PageWeight) Check(scriptBudget, styleBudget int) []string {
	var over []string
	if w.JS > scriptBudget {
		over = append(over, "script")
	}
	if w.CSS > styleBudget {
		over = append(over, "CSS")
	}
	return over
}

// PageWeights builds the site and measures every page of Pages in every language,
// in the order of Pages then Languages, against ScriptBudget and StyleBudget.
func PageWeights(o Options) ([]PageWeight, error) {
	site, err := Build(o)
	if err != nil {
		return nil, err
	}
	return site.PageWeights(o)
}

// PageWeights measures every page of Pages(o) in every language of the built
// site. Each page's script is one esbuild bundle with no split chunks (bundle
// wants exactly one output file), so the module the HTML references is all of
// the page's JS.
func (s *Site) PageWeights(o Options) ([]PageWeight, error) {
	var out []PageWeight
	for _, p := range Pages(o) {
		for _, lang := range Languages {
			w, err := s.pageWeight(Key(lang, p.Path))
			if err != nil {
				return nil, fmt.Errorf("page %s: %w", URL(lang, p.Path), err)
			}
			w.URL = URL(lang, p.Path)
			out = append(out, w)
		}
	}
	return out, nil
}

var (
	tagRE  = regexp.MustCompile(`(?is)<(link|script)\b([^>]*)>`)
	attrRE = regexp.MustCompile(`(?s)([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?`)
)

func (s *Site) pageWeight(key string) (PageWeight, error) {
	page, ok := s.Files[key]
	if !ok {
		return PageWeight{}, fmt.Errorf("%s not built", key)
	}
	w := PageWeight{Key: key, HTML: len(page.Body), HTMLGzip: gzipSize(page.Body), Styles: []string{}, Scripts: []string{}, Requests: 1}
	for _, m := range tagRE.FindAllStringSubmatch(string(page.Body), -1) {
		a := attrs(m[2])
		var ref string
		switch strings.ToLower(m[1]) {
		case "link":
			if !hasToken(a["rel"], "stylesheet") {
				continue
			}
			ref = a["href"]
		case "script":
			if !strings.EqualFold(a["type"], "module") || a["src"] == "" {
				continue
			}
			ref = a["src"]
		}
		asset, ok := s.Files[strings.TrimPrefix(ref, "/")]
		if !strings.HasPrefix(ref, "/") || !ok {
			return PageWeight{}, fmt.Errorf("%s references %q, which is not in the site", key, ref)
		}
		name := strings.TrimPrefix(ref, "/")
		n, z := len(asset.Body), gzipSize(asset.Body)
		if m[1] == "link" {
			w.Styles = append(w.Styles, name)
			w.CSS, w.CSSGzip = w.CSS+n, w.CSSGzip+z
		} else {
			w.Scripts = append(w.Scripts, name)
			w.JS, w.JSGzip = w.JS+n, w.JSGzip+z
		}
		w.Requests++
	}
	w.Over = w.Check(ScriptBudget, StyleBudget)
	w.OK = len(w.Over) == 0
	return w, nil
}

// attrs reads a tag's attributes, lower-cased names to unescaped values.
func attrs(s string) map[string]string {
	a := map[string]string{}
	for _, m := range attrRE.FindAllStringSubmatch(s, -1) {
		a[strings.ToLower(m[1])] = html.UnescapeString(m[2] + m[3] + m[4])
	}
	return a
}

func hasToken(list, token string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, token) {
			return true
		}
	}
	return false
}

// gzipSize is the length of b gzipped at the best compression.
func gzipSize(b []byte) int { return len(gzipBytes(b)) }
