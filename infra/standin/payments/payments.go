// Package payments is the local stack's stand-in for the payment provider of the
// classifieds' flat rate (HGK-6, CP-4), modelled on hosted checkouts such as
// Stripe Checkout: the portal creates a checkout session server to server with
// its secret key; the browser pays on the provider's hosted page; the provider
// posts a signed webhook to the portal and sends the browser to the success
// address.
//
// Served under /_local/payments/ (local.StandIn):
//
//	POST /_local/payments/v1/checkout/sessions   create a session (Bearer key;
//	     JSON amount, currency, reference, successUrl, cancelUrl, expiresAt)
//	GET  /_local/payments/checkout/{id}          the hosted checkout page
//	POST /_local/payments/checkout/{id}          pay or cancel (form field action):
//	     paying posts the signed webhook, then the browser goes to the success
//	     address (a script gets {"webhookStatus": n, "eventId": …})
//	GET  /_local/payments/received               what it received and sent (tests)
//
// It records every session request's raw body, so a test can prove the provider
// saw no personal data, and every webhook it sent with its signature, so a test
// can replay one. It points PaymentProviderUrl at itself and reads the run's
// secrets, the SecureStrings PaymentProviderKeyName and PaymentWebhookSecretName
// name.
package payments

import (
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"kontor/infra/local"
	"kontor/shared/classifieds"
	"kontor/shared/hmacsig"
)

// The template parameters the stand-in sets and reads.
const (
	URLParameter           = "PaymentProviderUrl"
	KeyParameter           = "PaymentProviderKeyName"   // #nosec G101 -- the name of a template parameter, not its value
	WebhookSecretParameter = "PaymentWebhookSecretName" // #nosec G101 -- the name of a template parameter, not its value
)

// WebhookPath is the portal's webhook route; ReturnPath its return page below
// /{lang}: the only places the stand-in sends a request or a browser.
const (
	WebhookPath = "/v1/payments/webhook"
	ReturnPath  = "/classifieds/plan/return"
)

// Session is a checkout session as the stand-in keeps it.
type Session struct {
	classifieds.CheckoutBody
	ID     string
	Status string
}

// Received is one session request as it arrived: its raw body and its headers
// (the key left out).
type Received struct {
	Body    json.RawMessage   `json:"body"`
	Headers map[string]string `json:"headers"`
}

// Sent is one webhook the stand-in posted, with its signature and the answer.
type Sent struct {
	Body      json.RawMessage `json:"body"`
	Signature string          `json:"signature"`
	Status    int             `json:"status"`
}

// Record is GET /_local/payments/received.
type Record struct {
	Sessions []Received `json:"sessions"`
	Webhooks []Sent     `json:"webhooks"`
}

// Provider is the stand-in payment provider.
type Provider struct {
	mu       sync.Mutex
	key      []byte
	secret   []byte
	api      string
	path     string
	base     string
	sessions map[string]*Session
	rec      Record
}

// New returns the stand-in payment provider.
func New() *Provider { return &Provider{} }

// Name implements local.StandIn.
func (*Provider) Name() string { return "payments" }

// Plug implements local.StandIn.
func (p *Provider) Plug(s local.Socket) (local.Plugged, error) {
	key, err := s.Secret(KeyParameter)
	if err != nil {
		return local.Plugged{}, err
	}
	secret, err := s.Secret(WebhookSecretParameter)
	if err != nil {
		return local.Plugged{}, err
	}
	p.mu.Lock()
	p.key, p.secret, p.api, p.path, p.base = []byte(key), []byte(secret), s.APIURL, s.BasePath, s.BaseURL
	p.sessions, p.rec = map[string]*Session{}, Record{Sessions: []Received{}, Webhooks: []Sent{}}
	p.mu.Unlock()
	return local.Plugged{
		Handler:    p,
		Parameters: map[string]string{URLParameter: s.BaseURL},
		Banner:     fmt.Sprintf("%s/checkout/…   (payment provider, %s; its page pays and posts the signed webhook)", s.BaseURL, URLParameter),
	}, nil
}

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, p.path)
	switch {
	case rest == "/v1/checkout/sessions" && r.Method == http.MethodPost:
		p.create(w, r)
	case strings.HasPrefix(rest, "/checkout/") && r.Method == http.MethodGet:
		p.page(w, strings.TrimPrefix(rest, "/checkout/"))
	case strings.HasPrefix(rest, "/checkout/") && r.Method == http.MethodPost:
		p.finish(w, r, strings.TrimPrefix(rest, "/checkout/"))
	case rest == "/received" && r.Method == http.MethodGet:
		p.mu.Lock()
		b, _ := json.Marshal(p.rec)
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(b)
	default:
		http.Error(w, "Not Found", http.StatusNotFound)
	}
}

func randomID(prefix string) string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// ours reports whether u is one of the portal's return pages for a reference.
func (p *Provider) ours(u string) bool {
	return strings.HasPrefix(u, p.api+"/de"+ReturnPath+"?") || strings.HasPrefix(u, p.api+"/en"+ReturnPath+"?")
}

// returnPage is the portal's return page for reference that equals want, built
// from the stack's address (a session's address is only compared, never
// followed); "" when none does.
func (p *Provider) returnPage(want, reference string) string {
	for _, lang := range []string{"de", "en"} {
		page := p.api + "/" + lang + ReturnPath + "?order=" + url.QueryEscape(reference)
		for _, u := range []string{page, page + "&cancelled=1"} {
			if u == want {
				return u
			}
		}
	}
	return ""
}

// create is the server-to-server session creation: the key, then exactly the
// fields a payment needs; anything else in the body is refused, as a strict API
// would, so the record shows what the portal sent.
func (p *Provider) create(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 8<<10))
	p.mu.Lock()
	key := p.key
	p.mu.Unlock()
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err != nil || subtle.ConstantTimeCompare([]byte(auth), key) != 1 {
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	headers := map[string]string{}
	for k := range r.Header {
		if k != "Authorization" {
			headers[k] = r.Header.Get(k)
		}
	}
	p.mu.Lock()
	p.rec.Sessions = append(p.rec.Sessions, Received{Body: body, Headers: headers})
	p.mu.Unlock()
	var s Session
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil || s.Amount <= 0 || s.Currency == "" || s.Reference == "" || !p.ours(s.SuccessURL) || !p.ours(s.CancelURL) {
		http.Error(w, "Bad Request", http.StatusBadRequest)
		return
	}
	s.ID, s.Status = randomID("cs_"), "open"
	p.mu.Lock()
	p.sessions[s.ID] = &s
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]string{"id": s.ID, "url": p.base + "/checkout/" + s.ID})
}

// session returns an open session that has not expired.
func (p *Provider) session(id string) (Session, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.sessions[id]
	if !ok || s.Status != "open" || time.Now().Unix() >= s.ExpiresAt {
		return Session{}, false
	}
	return *s, true
}

// page is the hosted checkout page: plain, it is a stand-in.
func (p *Provider) page(w http.ResponseWriter, id string) {
	s, ok := p.session(id)
	if !ok {
		http.Error(w, "This checkout is not open.", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; form-action 'self' "+p.api+"; frame-ancestors 'none'")
	amount := fmt.Sprintf("%d.%02d %s", s.Amount/100, s.Amount%100, s.Currency)
	action := html.EscapeString(p.path + "/checkout/" + s.ID)
	_, _ = io.WriteString(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Payment provider stand-in</title></head>
<body><main><h1>Payment provider stand-in</h1>
<p>A real provider takes the card or account details here. Amount: <strong>`+html.EscapeString(amount)+`</strong>, reference `+html.EscapeString(s.Reference)+`.</p>
<form method="post" action="`+action+`"><input type="hidden" name="action" value="pay"><button>Pay</button></form>
<form method="post" action="`+action+`"><input type="hidden" name="action" value="cancel"><button>Cancel</button></form>
</main></body></html>`) // #nosec G705 -- every value HTML-escaped
}

// finish pays or cancels a session. Paying posts the signed webhook to the
// stack's own webhook route; the browser then goes to the session's success (or
// cancel) address, which creation checked to be the portal's own return page.
func (p *Provider) finish(w http.ResponseWriter, r *http.Request, id string) {
	s, ok := p.session(id)
	if err := r.ParseForm(); err != nil || !ok {
		http.Error(w, "This checkout is not open.", http.StatusNotFound)
		return
	}
	back, status, event := s.CancelURL, 0, ""
	p.mu.Lock()
	p.sessions[id].Status = "cancelled"
	p.mu.Unlock()
	if r.Form.Get("action") == "pay" {
		p.mu.Lock()
		p.sessions[id].Status = "complete"
		p.mu.Unlock()
		var err error
		if event, status, err = p.webhook(r, s); err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		back = s.SuccessURL
	}
	if to := p.returnPage(back, s.Reference); to != "" && strings.Contains(r.Header.Get("Accept"), "text/html") {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"webhookStatus": status, "eventId": event})
}

// webhook posts the signed checkout.session.completed event for s, with what a
// provider adds of the payer (the portal must not decode it).
func (p *Provider) webhook(r *http.Request, s Session) (string, int, error) {
	ev := map[string]any{"id": randomID("evt_"), "type": classifieds.EventCheckoutCompleted, "created": time.Now().Unix(),
		"data": map[string]any{"session": s.ID, "reference": s.Reference, "payment": randomID("pay_"), "amount": s.Amount,
			"currency": s.Currency, "payer": map[string]string{"cardLast4": "4242", "country": "DE"}}}
	body, _ := json.Marshal(ev)
	p.mu.Lock()
	secret := p.secret
	p.mu.Unlock()
	sig := hmacsig.Sign(secret, body, time.Now())
	// The request goes to the stack's own webhook route, built from the stack's
	// address, never to an address a request names.
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, p.api+WebhookPath, bytes.NewReader(body))
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(classifieds.PaymentSignatureHeader, sig)
	resp, err := http.DefaultClient.Do(req) // #nosec G704 -- only the stack's own API
	if err != nil {
		return "", 0, err
	}
	_ = resp.Body.Close()
	p.mu.Lock()
	p.rec.Webhooks = append(p.rec.Webhooks, Sent{Body: body, Signature: sig, Status: resp.StatusCode})
	p.mu.Unlock()
	return ev["id"].(string), resp.StatusCode, nil
}
