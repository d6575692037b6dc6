package web

import (
	"html"
	"strings"
	"testing"

	"kontor/shared/logging"
	"kontor/shared/modules"
)

// The record of processing and the privacy notice carry the registry's text in
// the page itself, in both languages, so they read without JavaScript.
func TestRecordAndNoticeCarryTheRegistryInBothLanguages(t *testing.T) {
	site, err := Build(Options{TermsVersion: "2026-01", PrivacyVersion: "2026-01"})
	if err != nil {
		t.Fatal(err)
	}
	kinds := append(modules.Kinds(), logging.Declaration())
	for _, lang := range Languages {
		for _, page := range []string{"processing", "privacy"} {
			body := html.UnescapeString(string(site.Files[Key(lang, page)].Body))
			for _, k := range kinds {
				for _, text := range []string{pick(k.Category, lang), pick(k.Purpose, lang), pick(k.Retention.Rule, lang)} {
					if !strings.Contains(body, text) {
						t.Errorf("%s: lacks %q of %s", URL(lang, page), text, k.ID)
					}
				}
			}
			for _, p := range modules.Purposes() {
				if !strings.Contains(body, pick(p.Description, lang)) {
					t.Errorf("%s: lacks the consent purpose %s", URL(lang, page), p.ID)
				}
			}
		}
		body := string(site.Files[Key(lang, "privacy")].Body)
		if !strings.Contains(body, `id="operator-missing"`) {
			t.Errorf("%s: without Options.Operator the notice does not mark the operator's details as missing", URL(lang, "privacy"))
		}
		if !strings.Contains(string(site.Files[Key(lang, "")].Body), `href="/`+lang+`/processing"`) {
			t.Errorf("%s: the footer does not link the record's page", URL(lang, ""))
		}
	}
	withOperator, err := Build(Options{Operator: "Beispiel GmbH\nMusterweg 1, 12345 Musterstadt\ndatenschutz@example.org"})
	if err != nil {
		t.Fatal(err)
	}
	body := string(withOperator.Files[Key("de", "privacy")].Body)
	if strings.Contains(body, `id="operator-missing"`) || !strings.Contains(body, "Musterweg 1, 12345 Musterstadt<br>") {
		t.Errorf("the operator's details are not in the notice:\n%s", body)
	}
}
