package classifieds

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"time"

	"kontor/shared/hmacsig"
	"kontor/shared/problem"
)

// Identity confirmation (HGK-5): an advertiser who has published a listing may
// prove their identity at an identity provider; the portal keeps only that they
// did and when (identityConfirmedAt on the advertiser item), nothing the provider
// reads or sends beyond its verdict, and their public listings then show
// "identity confirmed".

// IdentitySignatureHeader carries the provider's signature of a callback
// (hmacsig: "t=<unix seconds>,v1=<hex HMAC-SHA256>").
const IdentitySignatureHeader = "Kontor-Idp-Signature"

// Limits of the identity confirmation.
const (
	// IdentityFlowTTL is how long a started confirmation may be finished: the
	// state and its nonce are used once within it, or never.
	IdentityFlowTTL = 15 * time.Minute
	// IdentitySignatureTolerance bounds the age of a signed callback.
	IdentitySignatureTolerance = 5 * time.Minute
	// MaxIdentityCallback bounds a callback's body.
	MaxIdentityCallback = 2 << 10
)

// Verdicts of the identity provider.
const (
	VerdictConfirmed = "confirmed"
	VerdictFailed    = "failed"
)

// IdentityFlow is a confirmation under way: the account that started it and the
// single-use nonce the provider must return with the state.
type IdentityFlow struct {
	State     string    `dynamodbav:"state" json:"-"`
	AccountID string    `dynamodbav:"accountId" json:"-"`
	Nonce     string    `dynamodbav:"nonce" json:"-"`
	ExpiresAt time.Time `dynamodbav:"expiresAt" json:"-"`
}

// IdentityCallback is what the provider posts back, signed: the state and nonce it
// was given and its verdict. Anything else it sends (a provider may add the
// identity it read) is not even decoded, so it is never stored.
type IdentityCallback struct {
	State   string `json:"state"`
	Nonce   string `json:"nonce"`
	Verdict string `json:"verdict"`
}

// ErrFlowUsed is a confirmation whose state is gone: used, expired or unknown.
var ErrFlowUsed = errors.New("classifieds: identity confirmation used or unknown")

// IdentityStore keeps confirmations under way and the fact of one.
type IdentityStore interface {
	// Advertiser returns the advertiser item of an account; ok is false when the
	// account has never published a listing.
	Advertiser(ctx context.Context, accountID string) (Advertiser, bool, error)
	// StartFlow stores a confirmation under way until its ExpiresAt.
	StartFlow(ctx context.Context, f IdentityFlow) error
	// Flow returns a confirmation under way (ErrFlowUsed when there is none).
	Flow(ctx context.Context, state string, now time.Time) (IdentityFlow, error)
	// FinishFlow deletes the flow if it is still there with its nonce
	// (ErrFlowUsed otherwise) and, when confirmed, sets identityConfirmedAt to at
	// on the advertiser item, in one transaction.
	FinishFlow(ctx context.Context, f IdentityFlow, confirmed bool, at time.Time) error
}

// Identity runs identity confirmations.
type Identity struct {
	Store IdentityStore
	Now   func() time.Time
	// ProviderURL is the provider's authorization page; CallbackURL where it posts
	// its verdict; SiteURL the site, whose return page it sends the browser to.
	ProviderURL, CallbackURL, SiteURL string
	// Secret is shared with the provider; it signs the callbacks.
	Secret []byte
}

// IdentityStatus is an advertiser's standing: whether they may confirm (they have
// published a listing) and when they did.
type IdentityStatus struct {
	Advertiser  bool       `json:"advertiser"`
	ConfirmedAt *time.Time `json:"confirmedAt"`
}

// Status returns the account's standing.
func (s *Identity) Status(ctx context.Context, accountID string) (IdentityStatus, error) {
	a, ok, err := s.Store.Advertiser(ctx, accountID)
	return IdentityStatus{Advertiser: ok, ConfirmedAt: a.IdentityConfirmedAt}, err
}

// token is a random, URL-safe value of 32 bytes.
func token() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Start begins a confirmation for an advertiser who has published a listing (403
// identity_not_advertiser otherwise, as the seed notice says) and returns where
// to send the browser: the provider, with the state bound to this account and a
// single-use nonce. lang is the language of the return page.
func (s *Identity) Start(ctx context.Context, accountID, lang string) (string, error) {
	_, ok, err := s.Store.Advertiser(ctx, accountID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", problem.New(http.StatusForbidden, CodeIdentityNotAdvertiser)
	}
	if lang != "en" {
		lang = "de"
	}
	f := IdentityFlow{State: token(), AccountID: accountID, Nonce: token(), ExpiresAt: s.Now().Add(IdentityFlowTTL)}
	if err := s.Store.StartFlow(ctx, f); err != nil {
		return "", err
	}
	q := url.Values{"state": {f.State}, "nonce": {f.Nonce}, "callback": {s.CallbackURL},
		"return": {s.SiteURL + "/" + lang + "/classifieds/identity/return"}}
	return s.ProviderURL + "?" + q.Encode(), nil
}

// Callback takes the provider's signed verdict: the signature (401), the state
// (one this portal started, not used, not expired), the nonce that goes with it;
// a replay or anything else finds no state and is 409 identity_flow_used, and
// nothing changes. Only the fact and the date of a confirmation are stored.
func (s *Identity) Callback(ctx context.Context, body []byte, signature string) error {
	now := s.Now()
	if !hmacsig.Verify(s.Secret, signature, body, now, IdentitySignatureTolerance) {
		return problem.New(http.StatusUnauthorized, CodeIdentitySignature)
	}
	var cb IdentityCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		return problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	if cb.Verdict != VerdictConfirmed && cb.Verdict != VerdictFailed {
		return problem.Invalid(problem.FieldError{Field: "verdict", Code: problem.FieldInvalidValue})
	}
	used := problem.New(http.StatusConflict, CodeIdentityFlowUsed)
	if cb.State == "" || len(cb.State) > 64 {
		return used
	}
	f, err := s.Store.Flow(ctx, cb.State, now)
	if errors.Is(err, ErrFlowUsed) {
		return used
	}
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(f.Nonce), []byte(cb.Nonce)) != 1 || !f.ExpiresAt.After(now) {
		return used
	}
	if err := s.Store.FinishFlow(ctx, f, cb.Verdict == VerdictConfirmed, now); errors.Is(err, ErrFlowUsed) {
		return used
	} else if err != nil {
		return err
	}
	return nil
}

// Problems of the identity confirmation.
var (
	CodeIdentityNotAdvertiser = problem.Define("identity_not_advertiser",
		"Die Identitätsbestätigung steht Inserenten offen, die ein Inserat veröffentlicht haben.",
		"Identity confirmation is open to advertisers who have published a listing.")
	CodeIdentitySignature = problem.Define("identity_signature_invalid",
		"Die Antwort des Identitätsdienstes ist nicht gültig signiert.",
		"The identity provider's answer is not validly signed.")
	CodeIdentityFlowUsed = problem.Define("identity_flow_used",
		"Diese Identitätsbestätigung ist abgelaufen oder wurde bereits verwendet. Bitte beginnen Sie sie neu.",
		"This identity confirmation has expired or has been used already. Please start it again.")
)

// IdentityProblems lists the problem codes of the identity confirmation.
func IdentityProblems() []problem.Code {
	return []problem.Code{CodeIdentityNotAdvertiser, CodeIdentitySignature, CodeIdentityFlowUsed}
}
