package network

import (
	"slices"
	"testing"
)

// HKC-9: German and English words meet their inflected forms, and the three
// spellings of an umlaut meet each other.
func TestTermsMeetTheirForms(t *testing.T) {
	same := [][]string{
		{"Ausschüsse", "Ausschuss", "AUSSCHUSS", "Ausschusse"},
		{"Müller", "Mueller", "Muller", "MÜLLER"},
		{"Straße", "Strasse", "STRASSE"},
		{"Gruppen", "Gruppe"},
		{"Mitglieder", "Mitgliedern", "Mitglied"},
		{"Unternehmens", "Unternehmen"},
		{"Ergebnisse", "Ergebnis"},
		{"Verbände", "Verband"},
		{"Prozesse", "Prozess"},
		{"companies", "company", "Company"},
		{"meetings", "meeting", "meet"},
		{"exports", "export", "exported", "exporting"},
		{"planned", "planning", "plan"},
		{"services", "service"},
		{"businesses", "business"},
		{"Café", "cafe", "CAFÉ"},
	}
	for _, forms := range same {
		want := Term(Fold(forms[0]))
		if want == "" {
			t.Fatalf("%q has no term", forms[0])
		}
		for _, f := range forms[1:] {
			if got := Terms(f); len(got) != 1 || got[0] != want {
				t.Errorf("Terms(%q) = %q, want [%q] (as %q)", f, got, want, forms[0])
			}
		}
	}
}

// Words that differ stay apart: stemming must not collapse short words or
// different stems.
func TestTermsKeepDifferentWordsApart(t *testing.T) {
	apart := [][2]string{{"Haus", "Hase"}, {"sing", "son"}, {"Bank", "Band"}, {"Export", "Import"}, {"Berlin", "Bern"}}
	for _, p := range apart {
		if Terms(p[0])[0] == Terms(p[1])[0] {
			t.Errorf("%q and %q share the term %q", p[0], p[1], Terms(p[0])[0])
		}
	}
}

// A stem is a prefix of its folded word (y → i aside), so the word being typed
// finds what its whole would find.
func TestStemIsAPrefixOfItsWord(t *testing.T) {
	for _, w := range []string{"ausschusse", "mitgliedern", "unternehmens", "meetings", "planned", "gruppen", "strasse", "berlin", "exporting"} {
		if s := Stem(w); len(s) > len(w) || w[:len(s)] != s {
			t.Errorf("Stem(%q) = %q, not a prefix", w, s)
		}
	}
}

func TestTermsSplitAtEverythingButLettersAndDigits(t *testing.T) {
	got := Terms(`.*(Müller|Schmidt)+ [a-z]{2,} \d ^Köln$ 2026 ${x} %_ 'OR 1=1 --`)
	want := []string{"mull", "schmidt", "koln", "2026"}
	if !slices.Equal(got, want) {
		t.Errorf("Terms = %q, want %q", got, want)
	}
	if len(Terms("der die das the and of")) != 0 {
		t.Error("stop words are indexed")
	}
}

func TestTermsAreBounded(t *testing.T) {
	long := make([]rune, 100)
	for i := range long {
		long[i] = 'x'
	}
	if got := Terms(string(long)); len([]rune(got[0])) != MaxTermRunes {
		t.Errorf("a 100-letter word gives %d letters", len([]rune(got[0])))
	}
	text := ""
	for i := range 2 * MaxDocTerms {
		text += " w" + string(rune('a'+i%26)) + string(rune('a'+i/26%26)) + string(rune('a'+i/676))
	}
	if n := len(Terms(text)); n != MaxDocTerms {
		t.Errorf("%d terms, want %d", n, MaxDocTerms)
	}
}

func TestParseQuery(t *testing.T) {
	for q, want := range map[string]Query{
		"Ausschüsse":         {Prefix: "ausschuss", Folded: "ausschusse"},
		"der Ausschuss Vors": {Terms: []string{"ausschuss"}, Prefix: "vor", Folded: "der ausschuss vors"},
		"Müller x":           {Prefix: "mull", Folded: "muller x"},
		"Mueller":            {Prefix: "mull", Folded: "muller"},
		"  Anna   Schmi ":    {Terms: []string{"anna"}, Prefix: "schmi", Folded: "anna schmi"},
		"(a|b)* .* C++":      {},
		"":                   {},
		"\u00a0\t":           {},
	} {
		got, ok := ParseQuery(q)
		if ok != (want.Prefix != "") || got.Prefix != want.Prefix || !slices.Equal(got.Terms, want.Terms) || (ok && got.Folded != want.Folded) {
			t.Errorf("ParseQuery(%q) = %+v, %v; want %+v", q, got, ok, want)
		}
	}
}

func TestQueryMatches(t *testing.T) {
	q, _ := ParseQuery("Ausschüsse Vors")
	if !q.Matches(Terms("Der Ausschuss und sein Vorsitz")) {
		t.Error("no match")
	}
	if q.Matches(Terms("Der Ausschuss")) || q.Matches(Terms("Vorsitz")) {
		t.Error("a match missing a word")
	}
}
