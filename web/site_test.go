package web

import (
	"strings"
	"testing"
)

func TestEveryPageIsBuiltInEveryLanguage(t *testing.T) {
	site, err := Build(Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range Pages(Options{}) {
		for _, lang := range Languages {
			f, ok := site.Files[Key(lang, p.Path)]
			if !ok {
				t.Errorf("%s: not built", URL(lang, p.Path))
				continue
			}
			html := string(f.Body)
			if !strings.Contains(html, `<html lang="`+lang+`">`) {
				t.Errorf("%s: not in %s", URL(lang, p.Path), lang)
			}
			if strings.Contains(html, "<style") || strings.Contains(html, " style=") || strings.Contains(html, "<script>") {
				t.Errorf("%s: inline style or script, which the CSP refuses", URL(lang, p.Path))
			}
		}
	}
	t.Logf("files: %s", strings.Join(site.Keys(), " "))
}

func TestResolveMapsPathsAsTheDistributionDoes(t *testing.T) {
	for _, c := range []struct{ path, accept, key, redirect string }{
		{"/", "", "", "/de/"},
		{"/", "en-GB,en;q=0.9,de;q=0.8", "", "/en/"},
		{"/", "fr, de;q=0.5, en;q=0.7", "", "/en/"},
		{"/confirm", "de-DE", "", "/de/confirm"},
		{"/en", "", "", "/en/"},
		{"/de/", "", "de/index.html", ""},
		{"/en/password/reset", "", "en/password/reset.html", ""},
		{"/assets/site-0123456789.css", "", "assets/site-0123456789.css", ""},
	} {
		key, redirect := Resolve(c.path, c.accept)
		if key != c.key || redirect != c.redirect {
			t.Errorf("Resolve(%q, %q) = %q, %q; want %q, %q", c.path, c.accept, key, redirect, c.key, c.redirect)
		}
	}
}
