package web

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestPageWeightsMatchTheBuiltFiles(t *testing.T) {
	o := Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"}
	site, err := Build(o)
	if err != nil {
		t.Fatal(err)
	}
	weights, err := site.PageWeights(o)
	if err != nil {
		t.Fatal(err)
	}
	byURL := map[string]PageWeight{}
	for _, w := range weights {
		byURL[w.URL] = w
	}
	pages := Pages(o)
	if len(weights) != len(pages)*len(Languages) || len(byURL) != len(weights) {
		t.Fatalf("%d weights for %d pages in %d languages", len(weights), len(pages), len(Languages))
	}
	size := func(keys []string) (n int) {
		for _, k := range keys {
			n += len(site.Files[k].Body)
		}
		return n
	}
	for _, p := range pages {
		for _, lang := range Languages {
			u := URL(lang, p.Path)
			w, ok := byURL[u]
			if !ok {
				t.Errorf("%s: not measured", u)
				continue
			}
			html := string(site.Files[Key(lang, p.Path)].Body)
			if w.HTML != len(html) || w.CSS != size(w.Styles) || w.JS != size(w.Scripts) {
				t.Errorf("%s: %d+%d+%d bytes, the files hold %d+%d+%d", u, w.HTML, w.CSS, w.JS, len(html), size(w.Styles), size(w.Scripts))
			}
			if w.Total() != w.HTML+w.CSS+w.JS || w.Requests != 1+len(w.Styles)+len(w.Scripts) {
				t.Errorf("%s: total %d, requests %d", u, w.Total(), w.Requests)
			}
			// Every page has the one stylesheet; a page with a script has exactly one.
			if len(w.Styles) != 1 || !strings.HasSuffix(w.Styles[0], ".css") || len(w.Scripts) > 1 {
				t.Errorf("%s: styles %v, scripts %v", u, w.Styles, w.Scripts)
			}
			for _, k := range append(append([]string{}, w.Styles...), w.Scripts...) {
				if !strings.Contains(html, `"/`+k+`"`) {
					t.Errorf("%s: counts %s, which its HTML does not reference", u, k)
				}
			}
			if strings.Contains(html, `<script type="module"`) != (len(w.Scripts) == 1) {
				t.Errorf("%s: scripts %v", u, w.Scripts)
			}
			if w.HTMLGzip >= w.HTML || w.CSSGzip >= w.CSS || w.JSGzip > w.JS || (w.JS > 0 && w.JSGzip == 0) {
				t.Errorf("%s: gzipped %d/%d/%d of %d/%d/%d", u, w.HTMLGzip, w.CSSGzip, w.JSGzip, w.HTML, w.CSS, w.JS)
			}
			if !w.OK || len(w.Over) > 0 {
				t.Errorf("%s: over the budget: %v (script %d, CSS %d bytes)", u, w.Over, w.JS, w.CSS)
			}
			if got := w.Check(w.JS-1, w.CSS-1); fmt.Sprint(got) != "[script CSS]" {
				t.Errorf("%s: a budget one byte short flags %v", u, got)
			}
			if got := w.Check(w.JS, w.CSS); len(got) > 0 {
				t.Errorf("%s: a budget of exactly its size flags %v", u, got)
			}
		}
	}
}

func TestPageWeightsFollowTheHTML(t *testing.T) {
	site := &Site{Files: map[string]File{
		"en/index.html":     {Body: []byte(`<link rel="preload stylesheet" href="/a.css"><link rel="alternate" href="/de/"><link rel=stylesheet href='/b.css'><script type="module" src="/m.js"></script><script type="application/json">{}</script>`)},
		"a.css":             {Body: []byte("a{}")},
		"b.css":             {Body: []byte("b{color:red}")},
		"m.js":              {Body: []byte(strings.Repeat("x", 100))},
		"de/missing.html":   {Body: []byte(`<script type="module" src="/gone.js"></script>`)},
		"de/elsewhere.html": {Body: []byte(`<link rel="stylesheet" href="https://cdn.example/a.css">`)},
	}}
	w, err := site.pageWeight("en/index.html")
	if err != nil {
		t.Fatal(err)
	}
	if w.CSS != 15 || w.JS != 100 || w.Requests != 4 || fmt.Sprint(w.Styles, w.Scripts) != "[a.css b.css] [m.js]" {
		t.Fatalf("%+v", w)
	}
	if got := w.Check(99, 15); fmt.Sprint(got) != "[script]" {
		t.Errorf("over a 99-byte script budget: %v", got)
	}
	if got := w.Check(100, 14); fmt.Sprint(got) != "[CSS]" {
		t.Errorf("over a 14-byte CSS budget: %v", got)
	}
	for _, k := range []string{"de/missing.html", "de/elsewhere.html", "fr/index.html"} {
		if _, err := site.pageWeight(k); err == nil {
			t.Errorf("%s: no error", k)
		}
	}
}

// docs/web.md states the budget the report checks against.
func TestTheDocsStateTheBudget(t *testing.T) {
	doc, err := os.ReadFile("../docs/web.md")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("At most %d KB of script and %d KB of CSS per page", ScriptBudget/1024, StyleBudget/1024)
	if !strings.Contains(strings.Join(strings.Fields(string(doc)), " "), want) {
		t.Errorf("docs/web.md does not say %q", want)
	}
}
