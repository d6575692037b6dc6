package httpapi

import "strings"

// Supported languages; the first is the default.
var languages = []string{"de", "en"}

// DefaultLang is used when neither cookie nor Accept-Language names a supported language.
const DefaultLang = "de"

// SupportedLang reports whether l is a language Kontor speaks.
func SupportedLang(l string) bool {
	for _, s := range languages {
		if s == l {
			return true
		}
	}
	return false
}

// PreferredLang is the supported language Accept-Language ranks highest (q-values
// respected, the earlier of equals), else the default: negotiateLang without a
// cookie, for the web portal's redirects.
func PreferredLang(acceptLanguage string) string {
	return negotiateLang("", acceptLanguage)
}

// negotiateLang picks the language: the language cookie first, then the first
// supported entry of Accept-Language (q-values respected), then the default.
func negotiateLang(cookie, acceptLanguage string) string {
	if SupportedLang(cookie) {
		return cookie
	}
	best, bestQ := "", -1.0
	for _, part := range strings.Split(acceptLanguage, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if !SupportedLang(base) {
			continue
		}
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			q = parseQ(v)
		}
		if q > bestQ {
			best, bestQ = base, q
		}
	}
	if best != "" && bestQ > 0 {
		return best
	}
	return DefaultLang
}

func parseQ(v string) float64 {
	// q-values have at most three decimals: "0", "0.8", "1.000".
	if v == "" {
		return 0
	}
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "1" {
		return 1
	}
	if whole != "0" {
		return 0
	}
	q, scale := 0.0, 0.1
	for i := 0; i < len(frac) && i < 3; i++ {
		if frac[i] < '0' || frac[i] > '9' {
			return 0
		}
		q += float64(frac[i]-'0') * scale
		scale /= 10
	}
	return q
}
