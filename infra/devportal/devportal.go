// Package devportal serves a minimal portal front end for the local stack, so that
// a link in a locally sent mail can be clicked: set a password, reset it, confirm a
// new email address, sign in and look at the profile. It calls the same API as any
// client; it is never deployed. It is plugged into the local stack as a stand-in
// (New).
package devportal

import (
	_ "embed"
	"net/http"

	"kontor/infra/local"
)

//go:embed portal.html
var page []byte

// Paths are the portal paths that mailed links open.
var Paths = []string{"/", "/login", "/confirm", "/password/reset", "/password/forgot", "/email/confirm"}

// BaseURLParameter is the template parameter that says where the portal is; mailed
// links and the eID provider's callback address are built from it.
const BaseURLParameter = "AppBaseUrl"

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

// New returns the portal as a stand-in for the local stack: its pages on Paths,
// and AppBaseUrl the stack's own address, since the portal and the API share it
// there.
func New() local.StandIn { return portal{} }

type portal struct{}

func (portal) Name() string { return "portal" }

func (portal) Plug(s local.Socket) (local.Plugged, error) {
	return local.Plugged{
		Handler:    Handler(),
		Pages:      Paths,
		Parameters: map[string]string{BaseURLParameter: s.APIURL},
		Banner:     s.APIURL + "/login   (portal pages, where mailed links lead; " + BaseURLParameter + ")",
	}, nil
}
