package classifieds

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// A username is shown on every listing of its advertiser, so one that looks like
// another's lets someone pose as them: "Anna" written with a Cyrillic "А",
// "ａｎｎａ" in full-width letters, "AnnI" with a capital I for the l. Two rules
// keep that out. A username must be one script (mixed scripts are refused, the
// usual make of a look-alike) and already in its compatibility form (NFKC:
// full-width, ligatures and styled letters are refused, not folded, so the name
// shown is the name checked). And usernames are unique by their skeleton, not
// only by case: the Greek and Cyrillic letters that look like Latin ones, and
// 0/o, 1/i/l, count as the same letter, so "Асе" (all Cyrillic) is taken when
// "Ace" is. The skeleton folds both cases of a letter alike, so it stays
// case-insensitive.

// confusables maps Greek and Cyrillic letters (both cases) that look like a
// Latin letter to that letter.
var confusables = map[rune]rune{
	'А': 'a', 'а': 'a', 'В': 'b', 'в': 'b', 'Е': 'e', 'е': 'e', 'К': 'k', 'к': 'k', 'М': 'm', 'м': 'm',
	'Н': 'h', 'н': 'h', 'һ': 'h', 'О': 'o', 'о': 'o', 'Р': 'p', 'р': 'p', 'С': 'c', 'с': 'c', 'Т': 't', 'т': 't',
	'Х': 'x', 'х': 'x', 'У': 'y', 'у': 'y', 'І': 'l', 'і': 'l', 'Ӏ': 'l', 'ӏ': 'l', 'Ј': 'j', 'ј': 'j',
	'Ѕ': 's', 'ѕ': 's', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'Ԝ': 'w',
	'Α': 'a', 'α': 'a', 'Β': 'b', 'β': 'b', 'Ε': 'e', 'ε': 'e', 'Ζ': 'z', 'ζ': 'z', 'Η': 'h', 'η': 'h',
	'Ι': 'l', 'ι': 'l', 'Κ': 'k', 'κ': 'k', 'Μ': 'm', 'μ': 'm', 'Ν': 'n', 'ν': 'v', 'Ο': 'o', 'ο': 'o',
	'Ρ': 'p', 'ρ': 'p', 'Τ': 't', 'τ': 't', 'Υ': 'y', 'υ': 'u', 'Χ': 'x', 'χ': 'x',
	// Latin letters and digits that pass for one another once lower case.
	'i': 'l', 'ı': 'l', '1': 'l', '0': 'o',
}

// skeleton is the form in which two usernames that look alike are the same.
func skeleton(u string) string {
	return strings.Map(func(r rune) rune {
		if c, ok := confusables[r]; ok {
			return c
		}
		r = unicode.ToLower(r)
		if c, ok := confusables[r]; ok {
			return c
		}
		return r
	}, u)
}

// oneScript reports whether the letters and digits of u are of one script (Han,
// Hiragana and Katakana count as one, as Japanese writes them together; the
// common digits 0–9 go with any script).
func oneScript(u string) bool {
	seen := ""
	for _, r := range u {
		s := scriptOf(r)
		if s == "" || s == "Common" || s == "Inherited" {
			continue
		}
		if s == "Hiragana" || s == "Katakana" {
			s = "Han"
		}
		if seen != "" && s != seen {
			return false
		}
		seen = s
	}
	return true
}

// scriptOf is the Unicode script of r ("" for none).
func scriptOf(r rune) string {
	for name, table := range unicode.Scripts {
		if unicode.Is(table, r) {
			return name
		}
	}
	return ""
}

// lookalike reports a username that may not be taken as written: of mixed
// scripts, or not in its compatibility form.
func lookalike(u string) bool { return !oneScript(u) || !norm.NFKC.IsNormalString(u) }
