package insurance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"kontor/shared/hmacsig"
)

// SignatureHeader carries the eID provider's signature of a callback:
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">".
const SignatureHeader = "Kontor-Eid-Signature"

// SignatureTolerance bounds the age of a signed callback, so a captured one cannot
// be replayed later.
const SignatureTolerance = 5 * time.Minute

// Sign returns the signature header value for body at t (hmacsig).
func Sign(secret []byte, body []byte, t time.Time) string { return hmacsig.Sign(secret, body, t) }

// Verify checks a signature header against body at now (hmacsig).
func Verify(secret []byte, header string, body []byte, now time.Time) bool {
	return hmacsig.Verify(secret, header, body, now, SignatureTolerance)
}

// Callback is the body the eID provider posts back, signed: the pseudonym it was
// given, the result, and — after a successful identification, with the person's
// consent on the provider's side — the identity read from the ID card. The portal
// compares that identity with the contract's holder and keeps only the outcome.
type Callback struct {
	Pseudonym string       `json:"pseudonym"`
	Result    string       `json:"result"`
	Identity  *EIDIdentity `json:"identity,omitempty"`
}

// EIDIdentity is what an eID service reads from the card for the portal: the
// attributes its authorization certificate allows, here names and date of birth
// (as the German eID function's GivenNames, FamilyNames and DateOfBirth).
type EIDIdentity struct {
	GivenNames  string `json:"givenNames"`
	FamilyNames string `json:"familyNames"`
	DateOfBirth string `json:"dateOfBirth"` // YYYY-MM-DD
}

// Matches reports whether the identified person is the contract's holder: the same
// date of birth, the same family name, and the holder's first name among the given
// names (a card lists all of them, a contract often only the first). Names compare
// without regard to case, spacing, hyphens or the spelling of umlauts and accents.
func (id EIDIdentity) Matches(h Holder) bool {
	if id.DateOfBirth == "" || id.DateOfBirth != h.Birthdate {
		return false
	}
	if fold(id.FamilyNames) == "" || fold(id.FamilyNames) != fold(h.LastName) {
		return false
	}
	given := strings.Fields(fold(id.GivenNames))
	want := strings.Fields(fold(h.FirstName))
	if len(want) == 0 {
		return false
	}
	for _, w := range want {
		if !slices.Contains(given, w) {
			return false
		}
	}
	return true
}

// fold spells a name in lower-case ASCII for comparison: umlauts as "ae", "oe",
// "ue", "ß" as "ss", accents dropped, hyphens as spaces, spacing collapsed.
func fold(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch r {
		case 'ä':
			b.WriteString("ae")
		case 'ö':
			b.WriteString("oe")
		case 'ü':
			b.WriteString("ue")
		case 'ß':
			b.WriteString("ss")
		case '-', '\u2010', '\u2011':
			b.WriteByte(' ')
		default:
			if a, ok := plainLetter[r]; ok {
				b.WriteRune(a)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// plainLetter maps accented letters (Latin-1 and Latin Extended-A) to their base.
var plainLetter = func() map[rune]rune {
	m := map[rune]rune{}
	for base, accented := range map[rune]string{
		'a': "àáâãåāăą", 'c': "çćĉċč", 'd': "ďđ", 'e': "èéêëēĕėęě", 'g': "ĝğġģ", 'h': "ĥħ",
		'i': "ìíîïĩīĭįı", 'j': "ĵ", 'k': "ķ", 'l': "ĺļľŀł", 'n': "ñńņňŉ", 'o': "òóôõøōŏő",
		'r': "ŕŗř", 's': "śŝşš", 't': "ţťŧ", 'u': "ùúûũūŭůűų", 'w': "ŵ", 'y': "ýÿŷ", 'z': "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	return m
}()

// HTTPProvider starts identifications with an eID provider over HTTPS: it sends
// the pseudonym, the callback address and the return page, and nothing else.
type HTTPProvider struct {
	URL    string // the provider's session endpoint
	Client *http.Client
}

// Start implements EIDProvider.
func (p HTTPProvider) Start(ctx context.Context, pseudonym, callbackURL, returnURL string) (string, error) {
	body, err := json.Marshal(map[string]string{"pseudonym": pseudonym, "callbackUrl": callbackURL, "returnUrl": returnURL})
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
