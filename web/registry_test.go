package web

import (
	"encoding/json"
	"html"
	"reflect"
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
}

// exampleOperator is a fictional operator with every detail the imprint shows.
var exampleOperator = Operator{
	Name: "Beispiel Versicherungsportal GmbH", Address: []string{"Musterweg 1", "06108 Halle (Saale)"},
	Email: "kontakt@example.org", Phone: "+49 345 000000", Representatives: "Erika Mustermann (Geschäftsführerin)",
	Register: "Amtsgericht Stendal, HRB 00000", VATID: "DE000000000",
}

// The privacy notice names the controller and the imprint the provider from the
// same operator details; without them both show the marked gap.
func TestNoticeAndImprintShowTheOperatorOrTheGap(t *testing.T) {
	without, err := Build(Options{})
	if err != nil {
		t.Fatal(err)
	}
	with, err := Build(Options{Operator: exampleOperator})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		for _, page := range []string{"privacy", "imprint"} {
			gap := html.UnescapeString(string(without.Files[Key(lang, page)].Body))
			if !strings.Contains(gap, `id="operator-missing"`) || !strings.Contains(gap, OperatorParameter) || strings.Contains(gap, exampleOperator.Name) {
				t.Errorf("%s without an operator: no marked gap naming %s", URL(lang, page), OperatorParameter)
			}
			body := html.UnescapeString(string(with.Files[Key(lang, page)].Body))
			if strings.Contains(body, `id="operator-missing"`) {
				t.Errorf("%s with an operator still shows the gap", URL(lang, page))
			}
			want := []string{exampleOperator.Name + "<br>", "Musterweg 1<br>", "06108 Halle (Saale)<br>", `href="mailto:kontakt@example.org"`, "+49 345 000000"}
			if page == "imprint" {
				want = append(want, "§ 5 DDG", "Erika Mustermann (Geschäftsführerin)", "Amtsgericht Stendal, HRB 00000", "DE000000000", "§ 27a UStG")
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("%s lacks %q", URL(lang, page), w)
				}
			}
		}
	}
}

// OperatorDetails is empty (not set) or JSON with name, address and email; a
// field the imprint does not know, or a missing required one, fails the build.
func TestParseOperator(t *testing.T) {
	if o, err := ParseOperator("  "); err != nil || o.Set() {
		t.Errorf("empty: %+v, %v", o, err)
	}
	raw, _ := json.Marshal(exampleOperator)
	if o, err := ParseOperator(string(raw)); err != nil || !reflect.DeepEqual(o, exampleOperator) {
		t.Errorf("round trip: %+v, %v", o, err)
	}
	for _, bad := range []string{
		`{"name": "X GmbH", "address": ["Weg 1"]}`,
		`{"name": "", "address": ["Weg 1"], "email": "a@example.org"}`,
		`{"name": "X GmbH", "address": [" "], "email": "a@example.org"}`,
		`{"name": "X GmbH", "address": ["Weg 1"], "email": "a@example.org", "vat": "DE1"}`,
		`Beispiel GmbH`,
	} {
		if _, err := ParseOperator(bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}
