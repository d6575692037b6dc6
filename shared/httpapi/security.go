package httpapi

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// The site's security headers, on every response (OWASP Secure Headers): nothing
// may frame a page of the site, no response is sniffed into another type, and a
// response that is not a page may load nothing at all.
const (
	apiCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
	// pageCSP is a page's policy before its inline styles are allowed by hash: its
	// own images, no scripts, no plugins, no framing, forms only to the site.
	pageCSP = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)

func securityHeaders(h map[string]string) {
	h["X-Content-Type-Options"] = "nosniff"
	h["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
	h["Referrer-Policy"] = "no-referrer"
	h["X-Frame-Options"] = "DENY"
	h["Cross-Origin-Opener-Policy"] = "same-origin"
	h["Cross-Origin-Resource-Policy"] = "same-origin"
	h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
	h["Content-Security-Policy"] = apiCSP
}

// PageCSP returns the Content-Security-Policy of an HTML page: pageCSP, with each
// of the page's inline <style> blocks allowed by its SHA-256 hash (no
// 'unsafe-inline'); inline scripts are never allowed.
func PageCSP(page string) string {
	var hashes []string
	rest := page
	for {
		i := strings.Index(rest, "<style>")
		if i < 0 {
			break
		}
		rest = rest[i+len("<style>"):]
		j := strings.Index(rest, "</style>")
		if j < 0 {
			break
		}
		sum := sha256.Sum256([]byte(rest[:j]))
		hashes = append(hashes, "'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'")
		rest = rest[j:]
	}
	if len(hashes) == 0 {
		return pageCSP
	}
	return pageCSP + "; style-src " + strings.Join(hashes, " ")
}
