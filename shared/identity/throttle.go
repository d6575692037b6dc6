package identity

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"kontor/shared/problem"
	"kontor/shared/ratelimit"
)

// Sign-in throttling (docs/identity.md, "Sign-in throttling"). Every sign-in attempt
// reserves a place in its counters before the password is checked; a counter at its
// cap refuses the attempt with 429 and Retry-After until its window ends, so no more
// passwords are checked than the caps allow, however many requests run at once. A
// successful sign-in gives its places back. Counters are kept per address and client
// (the pair), per client and per address in fixed windows; a client that signed in
// to the account before (a known client) is held only by its pair counter, so
// strangers guessing from elsewhere cannot lock the owner out. Counters are keyed by
// an HMAC of the address or IP with a deployment secret, so the table holds neither,
// and they expire with their window.
const (
	ThrottleWindow = 15 * time.Minute
	// PairFailureCap bounds the attempts at one address from one client.
	PairFailureCap = 5
	// ClientFailureCap bounds the attempts from one client at any addresses.
	ClientFailureCap = 20
	// AccountFailureCap bounds the attempts at one address from all clients that
	// have not signed in to it before (guessing spread over many clients).
	AccountFailureCap = 30
	// KnownClientTTL is how long a client stays known after a sign-in.
	KnownClientTTL = 30 * 24 * time.Hour
)

// Counter is one throttle counter an attempt reserves a place in: it refuses the
// attempt when it holds Cap places already; a zero Cap counts without refusing.
type Counter struct {
	Key string
	Cap int
	// Scope names the counter in logs ("pair", "client", "address", "device").
	Scope string
}

// ErrThrottled is a reservation a counter refused; Scope says which.
type ErrThrottled struct{ Scope string }

func (e *ErrThrottled) Error() string { return "identity: throttled by the " + e.Scope + " counter" }

type throttle struct {
	counters  []Counter
	client    string // pseudonym of the client address; "" without one
	windowEnd time.Time
}

// keys derives the throttle's keys for an address (or device) and a client.
type keys struct {
	account, client, suffix string
	windowEnd               time.Time
}

func (s *Service) throttleKeys(ctx context.Context, subject, clientIP string, now time.Time) (keys, error) {
	secret, err := s.Store.ClientKey(ctx)
	if err != nil {
		return keys{}, fmt.Errorf("throttle key: %w", err)
	}
	start := now.Truncate(ThrottleWindow)
	k := keys{
		account:   pseudonym(secret, "email", subject),
		suffix:    "#" + strconv.FormatInt(start.Unix(), 10),
		windowEnd: start.Add(ThrottleWindow),
	}
	if clientIP != "" {
		// An IPv6 client counts by its /64 (ratelimit.ClientKey).
		k.client = pseudonym(secret, "ip", ratelimit.ClientKey(clientIP))
	}
	return k, nil
}

// passwordThrottle is the throttle of a password sign-in: the pair, the client and
// the account counter; a known client is held by its pair counter alone (the others
// still count its attempts).
func (k keys) passwordThrottle(known bool) throttle {
	client := k.client
	if client == "" {
		client = "none"
	}
	t := throttle{client: k.client, windowEnd: k.windowEnd, counters: []Counter{
		{Key: "pair#" + k.account + "#" + client + k.suffix, Cap: PairFailureCap, Scope: "pair"},
		{Key: "account#" + k.account + k.suffix, Cap: AccountFailureCap, Scope: "address"},
	}}
	if k.client != "" {
		t.counters = append(t.counters, Counter{Key: "client#" + k.client + k.suffix, Cap: ClientFailureCap, Scope: "client"})
	}
	if known {
		for i := range t.counters[1:] {
			t.counters[i+1].Cap = 0
		}
	}
	return t
}

// deviceThrottle is the throttle of a device sign-in: the device credential and the
// client.
func (k keys) deviceThrottle() throttle {
	t := throttle{client: k.client, windowEnd: k.windowEnd, counters: []Counter{
		{Key: "account#" + k.account + k.suffix, Cap: PairFailureCap, Scope: "device"},
	}}
	if k.client != "" {
		t.counters = append(t.counters, Counter{Key: "client#" + k.client + k.suffix, Cap: ClientFailureCap, Scope: "client"})
	}
	return t
}

func pseudonym(secret []byte, kind, value string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func (t throttle) keys() []string {
	out := make([]string, 0, len(t.counters))
	for _, c := range t.counters {
		out = append(out, c.Key)
	}
	return out
}

// reserve takes a place in every counter at once, or in none when one of them is at
// its cap: then the attempt is refused before any password is checked.
func (t throttle) reserve(ctx context.Context, s *Service, now time.Time) error {
	err := s.Store.Reserve(ctx, t.counters, t.windowEnd.Add(time.Minute))
	var th *ErrThrottled
	if errors.As(err, &th) {
		s.Log.WarnContext(ctx, "login throttled", slog.String("scope", th.Scope))
		p := problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
		p.RetryAfterSeconds = int(math.Ceil(t.windowEnd.Sub(now).Seconds()))
		return p
	}
	if err != nil {
		return fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	return nil
}

// fail answers a failed attempt; its places stay taken.
func (t throttle) fail(ctx context.Context, s *Service) error {
	s.Log.InfoContext(ctx, "login failed")
	return problem.New(http.StatusUnauthorized, CodeInvalidCredentials)
}

// succeed gives the places of a successful attempt back and remembers the client as
// known to the account.
func (t throttle) succeed(ctx context.Context, s *Service, accountID string, now time.Time) error {
	if err := s.Store.Release(ctx, t.keys()); err != nil {
		return fmt.Errorf("release sign-in attempt: %w", err)
	}
	if t.client == "" {
		return nil
	}
	if err := s.Store.RememberClient(ctx, accountID, t.client, now, now.Add(KnownClientTTL)); err != nil {
		return fmt.Errorf("remember client: %w", err)
	}
	return nil
}

// FailureKeys returns the counter keys that concern an email address at now (the
// current window), for the access right: the counters are stored only under a keyed
// hash, so only the deployment can find them for a person. The account counter
// counts every attempt at the address, from any client.
func FailureKeys(secret []byte, email string, now time.Time) []string {
	start := now.Truncate(ThrottleWindow)
	return []string{"account#" + pseudonym(secret, "email", email) + "#" + strconv.FormatInt(start.Unix(), 10)}
}
