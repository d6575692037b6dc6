// Package eid is the local stack's stand-in for the external eID provider (H4U-5):
// it accepts a session for a pseudonym and, once "the person identified
// themselves", calls the portal back, signed with the shared secret, as the real
// provider would: with the result and the identity read from the card (given names,
// family names, date of birth). Whoever holds the card decides that identity, so
// the stand-in can identify as anyone — the portal must check it is the contract's
// holder.
//
// Served under /_local/eid/ (local.StandIn):
//
//	POST /_local/eid/sessions            the portal starts an identification
//	GET  /_local/eid/sessions            what the provider received (for tests)
//	GET  /_local/eid/identify/{id}       a page standing in for reading the card
//	POST /_local/eid/identify/{id}       finish it: signed callback to the portal;
//	     ?result=verified|failed&givenNames=…&familyNames=…&dateOfBirth=YYYY-MM-DD
//	     (query or form fields)
//
// It points EidProviderUrl at its sessions and signs callbacks with the run's eID
// callback secret, the SecureString that EidCallbackSecretName names.
package eid

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"kontor/infra/local"
	"kontor/shared/insurance"
)

// The template parameters the stand-in sets and reads.
const (
	ProviderURLParameter    = "EidProviderUrl"
	CallbackSecretParameter = "EidCallbackSecretName" // #nosec G101 -- the name of a template parameter, not its value
)

// session is one identification the stand-in provider was asked for.
type session struct {
	ID          string          `json:"id"`
	Request     json.RawMessage `json:"request"` // exactly what the portal sent
	Pseudonym   string          `json:"pseudonym"`
	CallbackURL string          `json:"callbackUrl"`
	ReturnURL   string          `json:"returnUrl,omitempty"`
	Result      string          `json:"result,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
}

// Provider is the stand-in eID provider; New makes one, and each stack it is
// plugged into starts it afresh.
type Provider struct {
	secret   []byte
	base     string // where it is served, e.g. http://127.0.0.1:3000/_local/eid
	path     string // its path, /_local/eid
	mu       sync.Mutex
	sessions map[string]session
	order    []string
}

// New returns the stand-in eID provider.
func New() *Provider { return &Provider{} }

// Name implements local.StandIn.
func (*Provider) Name() string { return "eid" }

// Plug implements local.StandIn: the portal's EidProviderUrl becomes the stand-in's
// sessions, and callbacks are signed with the run's eID callback secret (the
// SecureString EidCallbackSecretName names).
func (e *Provider) Plug(s local.Socket) (local.Plugged, error) {
	secret, err := s.Secret(CallbackSecretParameter)
	if err != nil {
		return local.Plugged{}, err
	}
	e.mu.Lock()
	e.secret, e.base, e.path = []byte(secret), s.BaseURL, s.BasePath
	e.sessions, e.order = map[string]session{}, nil
	e.mu.Unlock()
	return local.Plugged{
		Handler:    e,
		Parameters: map[string]string{ProviderURLParameter: s.BaseURL + "/sessions"},
		Banner:     fmt.Sprintf("%s/sessions   (eID provider, %s; GET lists what it received; identify/{id} calls back, signed)", s.BaseURL, ProviderURLParameter),
	}, nil
}

func (e *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sessionsPath, identifyPath := e.path+"/sessions", e.path+"/identify/"
	switch {
	case r.URL.Path == sessionsPath && r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		var req struct {
			Pseudonym   string `json:"pseudonym"`
			CallbackURL string `json:"callbackUrl"`
			ReturnURL   string `json:"returnUrl"`
		}
		if err != nil || json.Unmarshal(body, &req) != nil || req.Pseudonym == "" || !strings.HasPrefix(req.CallbackURL, "http") ||
			(req.ReturnURL != "" && !strings.HasPrefix(req.ReturnURL, "http")) {
			writeError(w, http.StatusBadRequest, "Bad Request")
			return
		}
		id := make([]byte, 8)
		_, _ = rand.Read(id)
		sess := session{ID: hex.EncodeToString(id), Request: body, Pseudonym: req.Pseudonym, CallbackURL: req.CallbackURL, ReturnURL: req.ReturnURL, CreatedAt: time.Now().UTC()}
		e.mu.Lock()
		e.sessions[sess.ID] = sess
		e.order = append(e.order, sess.ID)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"redirectUrl": e.base + "/identify/" + sess.ID})
	case r.URL.Path == sessionsPath && r.Method == http.MethodGet:
		e.mu.Lock()
		out := make([]session, 0, len(e.order))
		for i := len(e.order) - 1; i >= 0; i-- {
			out = append(out, e.sessions[e.order[i]])
		}
		e.mu.Unlock()
		writeJSON(w, out)
	case strings.HasPrefix(r.URL.Path, identifyPath) && r.Method == http.MethodGet:
		id := strings.TrimPrefix(r.URL.Path, identifyPath)
		e.mu.Lock()
		_, ok := e.sessions[id]
		e.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
		_, _ = io.WriteString(w, identifyPage(identifyPath+id)) // #nosec G705 -- id is one of the stand-in's own session ids (looked up above) and HTML-escaped in the page
	case strings.HasPrefix(r.URL.Path, identifyPath) && r.Method == http.MethodPost:
		id := strings.TrimPrefix(r.URL.Path, identifyPath)
		if err := r.ParseForm(); err != nil {
			writeError(w, http.StatusBadRequest, "Bad Request")
			return
		}
		result := r.Form.Get("result")
		if result == "" {
			result = insurance.EIDVerified
		}
		var identity *insurance.EIDIdentity
		if result == insurance.EIDVerified && r.Form.Get("familyNames") != "" {
			identity = &insurance.EIDIdentity{GivenNames: r.Form.Get("givenNames"), FamilyNames: r.Form.Get("familyNames"), DateOfBirth: r.Form.Get("dateOfBirth")}
		}
		e.mu.Lock()
		sess, ok := e.sessions[id]
		if ok {
			sess.Result = result
			e.sessions[id] = sess
		}
		secret := e.secret
		e.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "Not Found")
			return
		}
		body, _ := json.Marshal(insurance.Callback{Pseudonym: sess.Pseudonym, Result: result, Identity: identity})
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, sess.CallbackURL, bytes.NewReader(body))
		if err != nil {
			writeError(w, http.StatusBadGateway, err.Error())
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(insurance.SignatureHeader, insurance.Sign(secret, body, time.Now()))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			writeError(w, http.StatusBadGateway, err.Error())
			return
		}
		defer resp.Body.Close()
		// A browser (the identify page's form) goes back to the portal's page, as a
		// provider sends it back after the identification; a script gets the outcome.
		if sess.ReturnURL != "" && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, sess.ReturnURL, http.StatusSeeOther)
			return
		}
		writeJSON(w, map[string]any{"callbackStatus": resp.StatusCode})
	default:
		writeError(w, http.StatusNotFound, "Not Found")
	}
}

// identifyPage is the stand-in for the provider's identification: whoever holds
// the card enters what the chip would report. action is where the form posts.
func identifyPage(action string) string {
	return `<!doctype html><html lang="en"><meta charset="utf-8"><title>eID stand-in</title>
<h1>eID stand-in: identify</h1>
<p>The real provider reads these from the ID card. Enter the holder's data to activate,
or anyone else's to see the portal refuse it.</p>
<form method="post" action="` + html.EscapeString(action) + `">
<p><label>Given names <input name="givenNames" required></label></p>
<p><label>Family names <input name="familyNames" required></label></p>
<p><label>Date of birth <input name="dateOfBirth" type="date" required></label></p>
<p><label>Result <select name="result"><option>verified</option><option>failed</option></select></label></p>
<p><button>Send the signed callback</button></p>
</form></html>`
}

// writeError answers as the local gateway does: {"message": "…"}.
func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
