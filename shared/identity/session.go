package identity

import (
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
)

// Default session timeouts; the template's parameters override them.
const (
	DefaultIdleTimeout     = 30 * time.Minute
	DefaultAbsoluteTimeout = 12 * time.Hour
	// touchEvery limits how often a request extends the idle deadline, so most
	// authorizations are a single read.
	touchEvery = time.Minute
)

// Session is a signed-in browser. Its ID is the digest of the token in the cookie;
// the token itself is never stored.
type Session struct {
	ID                 string    `dynamodbav:"id"`
	AccountID          string    `dynamodbav:"accountId"`
	Roles              []string  `dynamodbav:"roles,stringset"`
	CSRFDigest         string    `dynamodbav:"csrfDigest"`
	MustChangePassword bool      `dynamodbav:"mustChangePassword"`
	CreatedAt          time.Time `dynamodbav:"createdAt"`
	LastSeenAt         time.Time `dynamodbav:"lastSeenAt"`
	IdleExpiresAt      time.Time `dynamodbav:"idleExpiresAt"`
	AbsoluteExpiresAt  time.Time `dynamodbav:"absoluteExpiresAt"`
	// ConfirmedAt is the last proof of the person in this session: the password
	// sign-in, a password change or a confirmation (zero after a device sign-in).
	ConfirmedAt time.Time `dynamodbav:"confirmedAt,omitempty"`
}

// Timeouts are a deployment's session lifetimes.
type Timeouts struct {
	Idle     time.Duration
	Absolute time.Duration
}

// NewSession starts a session for a, returning it with the cookie token and the CSRF
// token bound to it; starting it counts as a proof of the person.
func NewSession(a Account, now time.Time, t Timeouts) (s Session, token, csrf string) {
	token, csrf = ids.NewToken(), ids.NewToken()
	s = Session{
		ID:                 ids.Digest(token),
		AccountID:          a.ID,
		Roles:              a.Roles,
		CSRFDigest:         ids.Digest(csrf),
		MustChangePassword: a.MustChangePassword,
		CreatedAt:          now,
		LastSeenAt:         now,
		AbsoluteExpiresAt:  now.Add(t.Absolute),
		ConfirmedAt:        now,
	}
	s.IdleExpiresAt = minTime(now.Add(t.Idle), s.AbsoluteExpiresAt)
	return s, token, csrf
}

// Live reports whether the session may still be used at now.
func (s Session) Live(now time.Time) bool {
	return now.Before(s.IdleExpiresAt) && now.Before(s.AbsoluteExpiresAt)
}

// NeedsTouch reports whether a request at now should extend the idle deadline.
func (s Session) NeedsTouch(now time.Time) bool { return now.Sub(s.LastSeenAt) >= touchEvery }

// Touched returns the idle deadline after a request at now.
func (s Session) Touched(now time.Time, idle time.Duration) time.Time {
	return minTime(now.Add(idle), s.AbsoluteExpiresAt)
}

// Principal returns what the authorizer tells functions about this session.
func (s Session) Principal() access.Principal {
	return access.Principal{
		AccountID:          s.AccountID,
		Roles:              s.Roles,
		SessionID:          s.ID,
		CSRFDigest:         s.CSRFDigest,
		MustChangePassword: s.MustChangePassword,
		ConfirmedAt:        s.ConfirmedAt,
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
