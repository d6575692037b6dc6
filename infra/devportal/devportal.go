// Package devportal serves a minimal portal front end for the local stack, so that
// a link in a locally sent mail can be clicked: set a password, reset it, confirm a
// new email address, sign in and look at the profile. It calls the same API as any
// client; it is never deployed.
package devportal

import (
	_ "embed"
	"net/http"
)

//go:embed portal.html
var page []byte

// Paths are the portal paths that mailed links open.
var Paths = []string{"/", "/login", "/confirm", "/password/reset", "/password/forgot", "/email/confirm"}

// Handler serves the portal page on every path in Paths.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
		_, _ = w.Write(page)
	})
}
