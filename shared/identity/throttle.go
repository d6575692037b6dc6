package identity

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"kontor/shared/problem"
)

// Login throttling: failed sign-ins are counted per account and per client in fixed
// windows; past a limit, sign-in answers 429 with Retry-After until the window ends.
// Counters are keyed by an HMAC of the address or IP with a deployment secret, so
// the table holds neither, and they expire with their window.
const (
	ThrottleWindow    = 15 * time.Minute
	AccountFailureCap = 5
	ClientFailureCap  = 20
)

type throttle struct {
	accountKey, clientKey string
	windowEnd             time.Time
}

func (s *Service) throttle(ctx context.Context, email, clientIP string, now time.Time) (throttle, error) {
	secret, err := s.Store.ClientKey(ctx)
	if err != nil {
		return throttle{}, fmt.Errorf("throttle key: %w", err)
	}
	start := now.Truncate(ThrottleWindow)
	suffix := "#" + strconv.FormatInt(start.Unix(), 10)
	t := throttle{accountKey: "account#" + pseudonym(secret, "email", email) + suffix, windowEnd: start.Add(ThrottleWindow)}
	if clientIP != "" {
		t.clientKey = "client#" + pseudonym(secret, "ip", clientIP) + suffix
	}
	return t, nil
}

func pseudonym(secret []byte, kind, value string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(kind + ":" + value))
	return hex.EncodeToString(m.Sum(nil))[:32]
}

func (t throttle) keys() []string {
	if t.clientKey == "" {
		return []string{t.accountKey}
	}
	return []string{t.accountKey, t.clientKey}
}

// check refuses the attempt when either counter is at its cap.
func (t throttle) check(ctx context.Context, s *Service, now time.Time) error {
	counts, err := s.Store.Failures(ctx, t.keys(), now)
	if err != nil {
		return fmt.Errorf("read login failures: %w", err)
	}
	scope := ""
	switch {
	case counts[t.accountKey] >= AccountFailureCap:
		scope = "account"
	case t.clientKey != "" && counts[t.clientKey] >= ClientFailureCap:
		scope = "client"
	default:
		return nil
	}
	s.Log.WarnContext(ctx, "login throttled", slog.String("scope", scope))
	p := problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
	p.RetryAfterSeconds = int(math.Ceil(t.windowEnd.Sub(now).Seconds()))
	return p
}

// fail counts a failed attempt and returns the answer for it.
func (t throttle) fail(ctx context.Context, s *Service, now time.Time) error {
	for _, k := range t.keys() {
		if err := s.Store.AddFailure(ctx, k, t.windowEnd.Add(time.Minute)); err != nil {
			return fmt.Errorf("count login failure: %w", err)
		}
	}
	s.Log.InfoContext(ctx, "login failed")
	return problem.New(http.StatusUnauthorized, CodeInvalidCredentials)
}

// FailureKeys returns the counter keys that concern an email address at now (the
// current window), for the access right: the counters are stored only under a keyed
// hash, so only the deployment can find them for a person.
func FailureKeys(secret []byte, email string, now time.Time) []string {
	start := now.Truncate(ThrottleWindow)
	return []string{"account#" + pseudonym(secret, "email", email) + "#" + strconv.FormatInt(start.Unix(), 10)}
}
