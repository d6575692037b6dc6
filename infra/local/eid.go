package local

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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
// for a pseudonym, and on POST /_local/eid/identify/{id}?result=verified|failed it
// calls the portal back, signed with the shared secret, as the real provider would
// after the person identified themselves.
//
//	POST /_local/eid/sessions            the portal starts an identification
//	GET  /_local/eid/sessions            what the provider received (for tests)
//	POST /_local/eid/identify/{id}       finish it: signed callback to the portal
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
	case strings.HasPrefix(r.URL.Path, "/_local/eid/identify/") && r.Method == http.MethodPost:
		id := strings.TrimPrefix(r.URL.Path, "/_local/eid/identify/")
		result := r.URL.Query().Get("result")
		if result == "" {
			result = insurance.EIDVerified
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
		body, _ := json.Marshal(insurance.Callback{Pseudonym: sess.Pseudonym, Result: result})
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
