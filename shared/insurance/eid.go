package insurance

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the eID provider's signature of a callback:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
const SignatureHeader = "Kontor-Eid-Signature"

// SignatureTolerance bounds the age of a signed callback, so a captured one cannot
// be replayed later.
const SignatureTolerance = 5 * time.Minute

// Sign returns the signature header value for body at t.
func Sign(secret []byte, body []byte, t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body at now.
func Verify(secret []byte, header string, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > SignatureTolerance || d < -SignatureTolerance {
		return false
	}
	got, err := hex.DecodeString(sig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Callback is the body the eID provider posts back: the pseudonym and the result,
// nothing about the person.
type Callback struct {
	Pseudonym string `json:"pseudonym"`
	Result    string `json:"result"`
}

// HTTPProvider starts identifications with an eID provider over HTTPS: it sends
// the pseudonym and the callback address, and nothing else.
type HTTPProvider struct {
	URL    string // the provider's session endpoint
	Client *http.Client
}

// Start implements EIDProvider.
func (p HTTPProvider) Start(ctx context.Context, pseudonym, callbackURL string) (string, error) {
	body, err := json.Marshal(map[string]string{"pseudonym": pseudonym, "callbackUrl": callbackURL})
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	c := p.Client
	if c == nil {
		c = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("eid start: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("eid start: status %d", resp.StatusCode)
	}
	var out struct {
		RedirectURL string `json:"redirectUrl"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&out); err != nil || !strings.HasPrefix(out.RedirectURL, "http") {
		return "", fmt.Errorf("eid start: bad answer")
	}
	return out.RedirectURL, nil
}
