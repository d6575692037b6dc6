package httpapi

import (
	"net/http"
	"strings"
)

// Cookie names. Kontor sets exactly these three; none holds personal data (AHK-4,
// HKC-17, HGK-11): the session cookie is an opaque random token, the CSRF cookie a
// random token, the language cookie "de" or "en". All are session cookies (no
// Expires): the server enforces idle and absolute timeouts itself. The one other
// cookie is the classifieds' anonymous watch list (classifiedsapi.WatchlistCookie,
// HGK-11): a random token with a Max-Age of 60 days, set only when a listing is
// kept, sent only to /v1/watchlist.
const (
	SessionCookie = "__Host-kontor-session"
	CSRFCookie    = "__Host-kontor-csrf"
	LangCookie    = "kontor-lang"
)

// CSRFHeader carries the double-submitted CSRF token on state-changing requests.
const CSRFHeader = "X-CSRF-Token"

func cookie(name, value string, httpOnly bool, maxAge int) string {
	// Secure and SameSite=Lax always; HttpOnly is the caller's choice because script
	// must read the CSRF token (double submit) and the language cookie.
	c := &http.Cookie{ // #nosec G124 -- Secure and SameSite always; HttpOnly is off only for the CSRF and language cookies, which script reads
		Name:     name,
		Value:    value,
		Path:     "/",
		Secure:   true,
		HttpOnly: httpOnly,
		SameSite: http.SameSiteLaxMode,
		MaxAge:   maxAge,
	}
	return c.String()
}

// SetSessionCookie returns the Set-Cookie value carrying a session token.
func SetSessionCookie(token string) string { return cookie(SessionCookie, token, true, 0) }

// ClearSessionCookie returns a Set-Cookie value that deletes the session cookie.
func ClearSessionCookie() string { return cookie(SessionCookie, "", true, -1) }

// SetCSRFCookie returns the Set-Cookie value for a CSRF token; script must read it
// to echo it in the header, so it is not HttpOnly.
func SetCSRFCookie(token string) string { return cookie(CSRFCookie, token, false, 0) }

// ClearCSRFCookie returns a Set-Cookie value that deletes the CSRF cookie.
func ClearCSRFCookie() string { return cookie(CSRFCookie, "", false, -1) }

// SetLangCookie returns the Set-Cookie value remembering the language preference.
func SetLangCookie(lang string) string { return cookie(LangCookie, lang, false, 0) }

// cookieValueOK reports whether v could be a cookie value Kontor set: short, printable.
func cookieValueOK(v string) bool {
	return v != "" && len(v) <= 128 && !strings.ContainsAny(v, " \t\r\n;,\"\\")
}
