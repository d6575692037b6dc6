// Package idp is the local stack's stand-in for the identity provider of the
// classifieds' identity confirmation (HGK-5): the portal sends the advertiser's
// browser to its authorization page with a state and a nonce; once "the person
// proved who they are" it posts the verdict back, signed with the shared secret,
// as a real provider would — with the identity it read (name, document number),
// which the portal must ignore: it keeps only the fact and the date.
//
// Served under /_local/idp/ (local.StandIn):
//
//	GET  /_local/idp/authorize?state=…&nonce=…&callback=…&return=…
//	     a page standing in for the identification
//	POST /_local/idp/authorize   finish it: signed callback to the portal, then
//	     the browser goes back to return (a script gets {"callbackStatus": n});
//	     form fields state, nonce, callback, return, verdict (confirmed|failed)
//	GET  /_local/idp/callbacks   the callbacks it sent (for tests)
//
// It points IdpUrl at its authorization page and signs callbacks with the run's
// secret, the SecureString that IdpCallbackSecretName names.
package idp

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"kontor/infra/local"
	"kontor/shared/classifieds"
	"kontor/shared/hmacsig"
)

// The template parameters the stand-in sets and reads.
const (
	URLParameter            = "IdpUrl"
	CallbackSecretParameter = "IdpCallbackSecretName" // #nosec G101 -- the name of a template parameter, not its value
)

// sent is one callback the stand-in posted.
type sent struct {
	Body   json.RawMessage `json:"body"`
	Status int             `json:"status"`
}

// Provider is the stand-in identity provider.
type Provider struct {
	secret []byte
	api    string // the stack's API; callbacks go only there
	path   string
	mu     sync.Mutex
	sent   []sent
}

// New returns the stand-in identity provider.
func New() *Provider { return &Provider{} }

// Name implements local.StandIn.
func (*Provider) Name() string { return "idp" }

// Plug implements local.StandIn.
func (p *Provider) Plug(s local.Socket) (local.Plugged, error) {
	secret, err := s.Secret(CallbackSecretParameter)
	if err != nil {
		return local.Plugged{}, err
	}
	p.mu.Lock()
	p.secret, p.api, p.path, p.sent = []byte(secret), s.APIURL, s.BasePath, nil
	p.mu.Unlock()
	return local.Plugged{
		Handler:    p,
		Parameters: map[string]string{URLParameter: s.BaseURL + "/authorize"},
		Banner:     fmt.Sprintf("%s/authorize   (identity provider, %s; its form posts the signed verdict)", s.BaseURL, URLParameter),
	}, nil
}

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == p.path+"/authorize" && r.Method == http.MethodGet:
		q := r.URL.Query()
		if q.Get("state") == "" || q.Get("nonce") == "" || !p.ours(q.Get("callback")) {
			http.Error(w, "Bad Request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
		_, _ = io.WriteString(w, page(p.path+"/authorize", q.Get("state"), q.Get("nonce"), q.Get("callback"), q.Get("return"))) // #nosec G705 -- every value HTML-escaped in the page
	case r.URL.Path == p.path+"/authorize" && r.Method == http.MethodPost:
		p.finish(w, r)
	case r.URL.Path == p.path+"/callbacks" && r.Method == http.MethodGet:
		p.mu.Lock()
		out := append([]sent{}, p.sent...)
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	default:
		http.Error(w, "Not Found", http.StatusNotFound)
	}
}

// CallbackPath is the portal's callback route, ReturnPath its return page below
// /{lang}: the only places the stand-in sends a request or a browser.
const (
	CallbackPath = "/v1/identity-confirmation/callback"
	ReturnPath   = "/classifieds/identity/return"
)

// ours reports whether u is on the stack's API, the only place callbacks go.
func (p *Provider) ours(u string) bool { return strings.HasPrefix(u, p.api+"/") }

// finish posts the signed verdict with what a provider reads of the person (the
// portal must drop it), then sends the browser back.
func (p *Provider) finish(w http.ResponseWriter, r *http.Request) {
	// The request goes to the stack's own callback route, built from the stack's
	// address, never to an address a form names.
	callback := p.api + CallbackPath
	if err := r.ParseForm(); err != nil || r.Form.Get("callback") != callback {
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	verdict := r.Form.Get("verdict")
	if verdict == "" {
		verdict = classifieds.VerdictConfirmed
	}
	body, _ := json.Marshal(map[string]string{"state": r.Form.Get("state"), "nonce": r.Form.Get("nonce"), "verdict": verdict,
		"givenName": "Erika", "familyName": "Mustermann", "documentNumber": "T22000129"})
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, callback, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	secret := p.secret
	p.mu.Unlock()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(classifieds.IdentitySignatureHeader, hmacsig.Sign(secret, body, time.Now()))
	resp, err := http.DefaultClient.Do(req) // #nosec G704 -- only the stack's own API (ours)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	_ = resp.Body.Close()
	p.mu.Lock()
	p.sent = append(p.sent, sent{Body: body, Status: resp.StatusCode})
	p.mu.Unlock()
	// The browser goes back to the portal's return page in its language, built
	// from the stack's address (a form's address is only compared, never followed).
	for _, lang := range []string{"de", "en"} {
		if back := p.api + "/" + lang + ReturnPath; r.Form.Get("return") == back && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]int{"callbackStatus": resp.StatusCode})
}

// page is the stand-in for the provider's identification.
func page(action, state, nonce, callback, ret string) string {
	hidden := func(n, v string) string {
		return `<input type="hidden" name="` + n + `" value="` + html.EscapeString(v) + `">`
	}
	return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Identity provider stand-in</title>
<h1>Identity provider stand-in</h1>
<p>A real provider checks an ID document here. Choose the verdict it sends back, signed.</p>
<form method="post" action="` + html.EscapeString(action) + `">` + hidden("state", state) + hidden("nonce", nonce) +
		hidden("callback", callback) + hidden("return", ret) + `
<p><label>Verdict <select name="verdict"><option>confirmed</option><option>failed</option></select></label></p>
<p><button>Send the signed verdict</button></p>
</form></html>`
}
