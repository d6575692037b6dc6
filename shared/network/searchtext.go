package network

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The analysis of texts for search (HKC-9), the same for what is indexed and
// for what is asked: words are cut at everything that is not a letter or a digit
// (so regular-expression and wildcard characters are separators, never
// operators), folded (lower case, diacritics removed, ß → ss), stemmed by a light
// German and English suffix stripper, and finally the German transcriptions
// ae, oe, ue are read as a, o, u — so "Müller", "Mueller" and "Muller" are one
// term ("mull"), and "Ausschüsse" and "Ausschuss" are one ("ausschuss").

// Limits of the analysis.
const (
	// MinTermRunes is the shortest term indexed or looked up.
	MinTermRunes = 2
	// MaxTermRunes cuts longer words (a pasted link, a hash) to this length.
	MaxTermRunes = 40
	// MaxDocTerms bounds the distinct terms one document is indexed under (a post
	// of 64 KiB may have thousands of words; its first MaxDocTerms distinct terms
	// are searchable).
	MaxDocTerms = 400
)

// Fold lowers s and removes its diacritics: "Ärzte" → "arzte", "Straße" →
// "strasse", "Čapek" → "capek".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r = unicode.ToLower(r); r {
		case 'ß':
			b.WriteString("ss")
		case 'æ':
			b.WriteString("ae")
		case 'œ':
			b.WriteString("oe")
		case 'ø':
			b.WriteByte('o')
		case 'ł':
			b.WriteByte('l')
		case 'đ':
			b.WriteByte('d')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// words splits folded text into its words (runs of letters and digits).
func words(s string) []string {
	return strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Term is a word as it is indexed: stemmed, transcriptions unified, cut to
// MaxTermRunes. A folded word of one letter is no term ("").
func Term(word string) string {
	t := transcribe(Stem(word))
	if utf8.RuneCountInString(t) > MaxTermRunes {
		t = string([]rune(t)[:MaxTermRunes])
	}
	if utf8.RuneCountInString(t) < MinTermRunes {
		return ""
	}
	return t
}

// Terms are the distinct terms of texts, in order of first appearance, at most
// MaxDocTerms, without stop words.
func Terms(texts ...string) []string {
	var out []string
	seen := map[string]bool{}
	for _, text := range texts {
		for _, w := range words(text) {
			t := Term(w)
			if t == "" || seen[t] || stopWords[w] {
				continue
			}
			if len(out) == MaxDocTerms {
				return out
			}
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// transcribe reads the German transcriptions of umlauts as the plain vowel
// (ae → a, oe → o, ue → u), after stemming, on both sides of a search.
func transcribe(s string) string {
	if !strings.ContainsRune(s, 'e') {
		return s
	}
	return strings.NewReplacer("ae", "a", "oe", "o", "ue", "u").Replace(s)
}

// stopWords are frequent German and English words (folded) that are not
// indexed: they would fill the hottest partitions of the index and find
// everything. A query's last word (the one being typed) is looked up even so,
// as a prefix.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`der die das den dem des ein eine einer eines einem einen und oder
		ist sind war mit von zu zum zur im in am an auf fur bei aus als auch nicht es sie er wir ich ihr
		the and or of to in on at for with a an is are was be by it this that from as not`) {
		m[w] = true
	}
	return m
}()

func isVowel(r rune) bool { return strings.ContainsRune("aeiouy", r) }

// r1 is where Snowball's region R1 begins: after the first non-vowel that
// follows a vowel, but at least at the third letter.
func r1(w []rune) int {
	for i := 1; i < len(w); i++ {
		if !isVowel(w[i]) && isVowel(w[i-1]) {
			return max(i+1, 3)
		}
	}
	return len(w)
}

// Stem strips the inflection of a folded German or English word, in the manner
// of the Snowball stemmers (suffixes only within the region R1, so short words
// stay whole). Both languages' endings are tried on every word: a member writes
// in either, and the same rules run on the query, so a shared stem is all that
// matters. Stem only ever removes or shortens an ending, so a stem is a prefix
// of its word (up to y → i), which keeps prefix search as one types working.
func Stem(word string) string {
	w := []rune(word)
	if len(w) < 4 {
		return word
	}
	// English plurals and the y of "company"/"companies".
	switch {
	case hasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case hasSuffix(w, "ies"):
		w = append(w[:len(w)-3], 'i')
	case w[len(w)-1] == 'y' && !isVowel(w[len(w)-2]):
		w[len(w)-1] = 'i'
	}
	p1 := r1(w)
	w = germanStep1(w, p1)
	w = germanStep2(w, p1)
	w = englishIngEd(w, p1)
	return string(w)
}

func hasSuffix(w []rune, s string) bool {
	return len(w) >= len(s) && string(w[len(w)-len(s):]) == s
}

// inR1 says whether the suffix s of w lies within R1.
func inR1(w []rune, s string, p1 int) bool {
	return hasSuffix(w, s) && len(w)-len(s) >= p1
}

// germanStep1 removes one inflectional ending (the longest that fits):
// Ausschüsse → ausschuss, Mitgliedern → mitglied, Gruppen → grupp, Ergebnisse →
// ergebnis, meetings → meeting.
func germanStep1(w []rune, p1 int) []rune {
	for _, s := range []string{"erinnen", "erin", "ern", "em", "er", "en", "es", "e"} {
		if inR1(w, s, p1) {
			w = w[:len(w)-len(s)]
			if (s == "en" || s == "es" || s == "e") && hasSuffix(w, "niss") {
				w = w[:len(w)-1]
			}
			return w
		}
	}
	if inR1(w, "s", p1) && strings.ContainsRune("bdfghklmnrt", w[len(w)-2]) {
		return w[:len(w)-1]
	}
	return w
}

// germanStep2 removes a second ending: Unternehmens → unternehmen → unternehm.
func germanStep2(w []rune, p1 int) []rune {
	for _, s := range []string{"est", "en", "er"} {
		if inR1(w, s, p1) {
			return w[:len(w)-len(s)]
		}
	}
	return w
}

// englishIngEd removes -ing and -ed (meeting → meet, planned → plan) where a
// vowel stays before them.
func englishIngEd(w []rune, p1 int) []rune {
	for _, s := range []string{"ing", "ed"} {
		if !inR1(w, s, p1) {
			continue
		}
		stem := w[:len(w)-len(s)]
		if !strings.ContainsFunc(string(stem), isVowel) {
			return w
		}
		if n := len(stem); n > 2 && stem[n-1] == stem[n-2] && strings.ContainsRune("bdfgmnprt", stem[n-1]) {
			stem = stem[:n-1]
		}
		return stem
	}
	return w
}

// Query is a search as asked: the words before the last must each be a term of
// a result, the last (being typed) the beginning of one.
type Query struct {
	Terms  []string
	Prefix string
	// Folded is the whole query folded (nameKey), for ranking exact name
	// matches first.
	Folded string
}

// ParseQuery analyses a query. It has no word at all when q holds no letter or
// digit, or only words of one letter (ok false).
func ParseQuery(q string) (Query, bool) {
	ws := words(q)
	var out Query
	seen := map[string]bool{}
	for i, w := range ws {
		t := Term(w)
		if t == "" {
			continue
		}
		if i == len(ws)-1 {
			out.Prefix = t
			break
		}
		if stopWords[w] || seen[t] {
			continue
		}
		seen[t] = true
		out.Terms = append(out.Terms, t)
	}
	if out.Prefix == "" && len(out.Terms) > 0 {
		out.Prefix, out.Terms = out.Terms[len(out.Terms)-1], out.Terms[:len(out.Terms)-1]
	}
	out.Folded = nameKey(ws)
	return out, out.Prefix != ""
}

// nameKey is folded words as names compare: transcriptions unified, so that
// "Mueller" is exactly "Müller".
func nameKey(ws []string) string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = transcribe(w)
	}
	return strings.Join(out, " ")
}

// Matches says whether a document with these terms answers the query: every
// term of the query is one of them, and one begins with its prefix.
func (q Query) Matches(terms []string) bool {
	set := make(map[string]bool, len(terms))
	prefixed := false
	for _, t := range terms {
		set[t] = true
		prefixed = prefixed || strings.HasPrefix(t, q.Prefix)
	}
	for _, t := range q.Terms {
		if !set[t] {
			return false
		}
	}
	return prefixed
}
