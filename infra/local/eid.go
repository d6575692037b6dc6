package local

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"kontor/shared/insurance"
)

const eidSessionsPath = "/_local/eid/sessions"

func randomSecret() string {
	b := make([]byte, 36)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// eidSession is one identification the stand-in provider was asked for.
type eidSession struct {
	ID          string          `json:"id"`
	Request     json.RawMessage `json:"request"` // exactly what the portal sent
	Pseudonym   string          `json:"pseudonym"`
	CallbackURL string          `json:"callbackUrl"`
	Result      string          `json:"result,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
}

// eidStandIn plays the external eID provider locally (H4U-5): it accepts a session
// for a pseudonym and, once "the person identified themselves", calls the portal
// back, signed with the shared secret, as the real provider would: with the result
// and the identity read from the card (given names, family names, date of birth).
// Whoever holds the card decides that identity, so the stand-in can identify as
// anyone — the portal must check it is the contract's holder.
//
//	POST /_local/eid/sessions            the portal starts an identification
//	GET  /_local/eid/sessions            what the provider received (for tests)
//	GET  /_local/eid/identify/{id}       a page standing in for reading the card
//	POST /_local/eid/identify/{id}       finish it: signed callback to the portal;
//	     ?result=verified|failed&givenNames=…&familyNames=…&dateOfBirth=YYYY-MM-DD
//	     (query or form fields)
type eidStandIn struct {
	secret   []byte
	base     string
	mu       sync.Mutex
	sessions map[string]eidSession
	order    []string
}

func (e *eidStandIn) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == eidSessionsPath && r.Method == http.MethodPost:
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		var req struct {
			Pseudonym   string `json:"pseudonym"`
			CallbackURL string `json:"callbackUrl"`
		}
		if err != nil || json.Unmarshal(body, &req) != nil || req.Pseudonym == "" || !strings.HasPrefix(req.CallbackURL, "http") {
			gwError(w, http.StatusBadRequest, "Bad Request")
			return
		}
		id := make([]byte, 8)
		_, _ = rand.Read(id)
		sess := eidSession{ID: hex.EncodeToString(id), Request: body, Pseudonym: req.Pseudonym, CallbackURL: req.CallbackURL, CreatedAt: time.Now().UTC()}
		e.mu.Lock()
		e.sessions[sess.ID] = sess
		e.order = append(e.order, sess.ID)
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"redirectUrl": e.base + "/_local/eid/identify/" + sess.ID})
	case r.URL.Path == eidSessionsPath && r.Method == http.MethodGet:
		e.mu.Lock()
		out := make([]eidSession, 0, len(e.order))
		for i := len(e.order) - 1; i >= 0; i-- {
			out = append(out, e.sessions[e.order[i]])
		}
		e.mu.Unlock()
		writeJSON(w, out)
	case strings.HasPrefix(r.URL.Path, "/_local/eid/identify/") && r.Method == http.MethodGet:
		id := strings.TrimPrefix(r.URL.Path, "/_local/eid/identify/")
		e.mu.Lock()
		_, ok := e.sessions[id]
		e.mu.Unlock()
		if !ok {
			gwError(w, http.StatusNotFound, "Not Found")
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'")
		_, _ = io.WriteString(w, identifyPage(id)) // #nosec G705 -- id is one of the stand-in's own session ids (looked up above) and HTML-escaped in the page
	case strings.HasPrefix(r.URL.Path, "/_local/eid/identify/") && r.Method == http.MethodPost:
		id := strings.TrimPrefix(r.URL.Path, "/_local/eid/identify/")
		if err := r.ParseForm(); err != nil {
			gwError(w, http.StatusBadRequest, "Bad Request")
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
		e.mu.Unlock()
		if !ok {
			gwError(w, http.StatusNotFound, "Not Found")
			return
		}
		body, _ := json.Marshal(insurance.Callback{Pseudonym: sess.Pseudonym, Result: result, Identity: identity})
		req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, sess.CallbackURL, bytes.NewReader(body))
		if err != nil {
			gwError(w, http.StatusBadGateway, err.Error())
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(insurance.SignatureHeader, insurance.Sign(e.secret, body, time.Now()))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			gwError(w, http.StatusBadGateway, err.Error())
			return
		}
		defer resp.Body.Close()
		writeJSON(w, map[string]any{"callbackStatus": resp.StatusCode})
	default:
		gwError(w, http.StatusNotFound, "Not Found")
	}
}

// identifyPage is the stand-in for the provider's identification: whoever holds
// the card enters what the chip would report.
func identifyPage(id string) string {
	return `<!doctype html><html lang="en"><meta charset="utf-8"><title>eID stand-in</title>
<h1>eID stand-in: identify</h1>
<p>The real provider reads these from the ID card. Enter the holder's data to activate,
or anyone else's to see the portal refuse it.</p>
<form method="post" action="/_local/eid/identify/` + html.EscapeString(id) + `">
<p><label>Given names <input name="givenNames" required></label></p>
<p><label>Family names <input name="familyNames" required></label></p>
<p><label>Date of birth <input name="dateOfBirth" type="date" required></label></p>
<p><label>Result <select name="result"><option>verified</option><option>failed</option></select></label></p>
<p><button>Send the signed callback</button></p>
</form></html>`
}
