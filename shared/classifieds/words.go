package classifieds

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Free-text search of the browse page: a listing's distinct words (title and
// text, lower case, at least MinTerm letters) are kept with it in the browse
// indexes as one string " w1 w2 … ", and a query's terms must each occur in it.
const (
	// MinTerm is the shortest word kept and searched for.
	MinTerm = 2
	// MaxTerms bounds the terms of one query.
	MaxTerms = 5
	// MaxQuery bounds a query's text, in bytes.
	MaxQuery = 200
)

// tokens are the lower-case words of s, in composed form (NFC): "ö" typed as
// "o" and a combining diaeresis (as some keyboards and systems send it) is the
// same word as "ö", not split at the mark, in a listing and in a query alike.
func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(norm.NFC.String(s)), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Words is the search string of a listing: its distinct words, sorted, between
// spaces.
func Words(l Listing) string {
	seen := map[string]bool{}
	var ws []string
	for _, w := range tokens(l.Title + " " + l.Text) {
		if len([]rune(w)) >= MinTerm && !seen[w] {
			seen[w] = true
			ws = append(ws, w)
		}
	}
	sort.Strings(ws)
	return " " + strings.Join(ws, " ") + " "
}

// Terms are the words of a query, each to occur in a listing's Words (as a word
// or part of one); false when the query has too many or is too long.
func Terms(q string) ([]string, bool) {
	if len(q) > MaxQuery {
		return nil, false
	}
	var out []string
	for _, w := range tokens(q) {
		if len([]rune(w)) >= MinTerm {
			out = append(out, w)
		}
	}
	return out, len(out) <= MaxTerms
}
