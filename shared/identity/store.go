package identity

import (
	"context"
	"errors"
	"time"

	"kontor/shared/mail"
)

// Store errors.
var (
	ErrNotFound   = errors.New("identity: not found")
	ErrEmailTaken = errors.New("identity: email taken")
	ErrConflict   = errors.New("identity: changed concurrently")
)

// Token kinds.
const (
	TokenConfirm     = "confirm"      // set the first password of a self-registered account
	TokenReset       = "reset"        // forgotten password
	TokenEmailChange = "email-change" // confirm a new email address
)

// Token lifetimes.
const (
	ConfirmTokenTTL     = 24 * time.Hour
	ResetTokenTTL       = time.Hour
	EmailChangeTokenTTL = 24 * time.Hour
	PendingAccountTTL   = 7 * 24 * time.Hour
)

// Token is a single-use secret sent by mail, stored only as its digest.
type Token struct {
	Digest    string    `dynamodbav:"digest"`
	Kind      string    `dynamodbav:"kind"`
	AccountID string    `dynamodbav:"accountId"`
	NewEmail  string    `dynamodbav:"newEmail,omitempty"`
	ExpiresAt time.Time `dynamodbav:"expiresAt"`
	// UsedAt is when the link was used. A used link is kept, marked, until it
	// expires, so that a request repeated after a lost answer can be recognised
	// as done instead of refused (Service.setPasswordWithToken, ConfirmEmail).
	UsedAt *time.Time `dynamodbav:"usedAt,omitempty"`
	// IssuedAt is when the link was made: a link made before the account's
	// password last changed is refused (Issued).
	IssuedAt time.Time `dynamodbav:"issuedAt,omitempty"`
}

// Issued returns when the link was made; for a link stored without IssuedAt, its
// expiry less its kind's lifetime.
func (t Token) Issued() time.Time {
	if !t.IssuedAt.IsZero() {
		return t.IssuedAt
	}
	switch t.Kind {
	case TokenReset:
		return t.ExpiresAt.Add(-ResetTokenTTL)
	case TokenEmailChange:
		return t.ExpiresAt.Add(-EmailChangeTokenTTL)
	case TokenSignIn:
		return t.ExpiresAt.Add(-SignInTokenTTL)
	}
	return t.ExpiresAt.Add(-ConfirmTokenTTL)
}

// ProfileChanges are the fields a person may change directly; nil leaves a field alone.
type ProfileChanges struct {
	FirstName    *string
	LastName     *string
	Language     *string
	PendingEmail *string
}

// Store persists accounts, tokens, sign-in throttle counters and known clients.
type Store interface {
	// CreateAccount stores a new account and its email claim, plus tok if not nil,
	// atomically. ErrEmailTaken when a live claim on the address exists.
	CreateAccount(ctx context.Context, a Account, tok *Token, now time.Time) error
	// Account returns a live account by id, or ErrNotFound.
	Account(ctx context.Context, id string, now time.Time) (Account, error)
	// AccountIDByEmail resolves a normalized email address, or ErrNotFound.
	AccountIDByEmail(ctx context.Context, email string, now time.Time) (string, error)
	// PutToken stores a token.
	PutToken(ctx context.Context, t Token) error
	// Token returns a live token by digest, or ErrNotFound.
	Token(ctx context.Context, digest string, now time.Time) (Token, error)
	// SetPasswordWithToken consumes t and sets the account's password, activating it
	// and clearing any temporary-password flag, atomically. ErrNotFound when t was
	// already used; ErrConflict when the account's status changed meanwhile (a
	// second sign-up link used at the same moment).
	SetPasswordWithToken(ctx context.Context, t Token, passwordHash string, now time.Time) error
	// ActivatePending makes a pending account active with passwordHash and ends
	// the expiry of the account and its claim, atomically. ErrConflict when the
	// account is no longer pending.
	ActivatePending(ctx context.Context, a Account, passwordHash string, now time.Time) error
	// UseToken marks t used at now if it is live and unused; ErrNotFound otherwise
	// (used already, by a replay or a concurrent use).
	UseToken(ctx context.Context, t Token, now time.Time) error
	// CountRepeat counts one repeat of a used link and reports whether it is within
	// max (RepeatedLinkMax).
	CountRepeat(ctx context.Context, digest string, max int) (bool, error)
	// ChangeEmailWithToken consumes t and moves the account and its claim to
	// t.NewEmail, atomically, if t.NewEmail is still the account's pending address
	// (a later request replaced an earlier link: ErrConflict). ErrEmailTaken when
	// the address was claimed meanwhile.
	ChangeEmailWithToken(ctx context.Context, t Token, oldEmail string, now time.Time) error
	// SetPassword replaces the password hash if it still is oldHash (ErrConflict).
	SetPassword(ctx context.Context, id, oldHash, newHash string, now time.Time) error
	// SetRole adds role to the account's roles (on) or removes it; doing it twice
	// changes nothing. ErrNotFound when there is no such account.
	SetRole(ctx context.Context, id, role string, on bool) error
	// RecordLogin sets lastLoginAt, and firstLoginAt once (AHK-3).
	RecordLogin(ctx context.Context, id string, now time.Time) error
	// UpdateProfile applies changes and returns the updated account.
	UpdateProfile(ctx context.Context, id string, c ProfileChanges, now time.Time) (Account, error)
	// Failures returns the failure counts of live counters by key.
	Failures(ctx context.Context, keys []string, now time.Time) (map[string]int, error)
	// Reserve takes one place in every counter that lives until expires, atomically:
	// all or, when one of them holds its cap already, none (*ErrThrottled).
	Reserve(ctx context.Context, counters []Counter, expires time.Time) error
	// Release gives back one place in each counter.
	Release(ctx context.Context, keys []string) error
	// KnownClient reports whether the client (a pseudonym of its address) signed in
	// to the account within KnownClientTTL.
	KnownClient(ctx context.Context, accountID, client string, now time.Time) (bool, error)
	// RememberClient records a sign-in of the account from the client until expires.
	RememberClient(ctx context.Context, accountID, client string, at, expires time.Time) error
	// ForgetClients deletes every known client of an account.
	ForgetClients(ctx context.Context, accountID string) error
	// ClientKey returns the deployment's secret key for pseudonymising client
	// addresses, creating it once.
	ClientKey(ctx context.Context) ([]byte, error)
}

// SessionStore persists sessions.
type SessionStore interface {
	PutSession(ctx context.Context, s Session) error
	// Session returns a session by id, or ErrNotFound; the caller checks Live.
	Session(ctx context.Context, id string) (Session, error)
	// Touch moves a session's idle deadline.
	Touch(ctx context.Context, id string, lastSeen, idleExpires time.Time) error
	// SetCSRF binds a new CSRF token (its digest) to a session; ErrNotFound when the
	// session is gone.
	SetCSRF(ctx context.Context, id, digest string) error
	// Confirm records a proof of the person in a session; ErrNotFound when the
	// session is gone.
	Confirm(ctx context.Context, id string, at time.Time) error
	DeleteSession(ctx context.Context, id string) error
	// DeleteSessionsOf revokes every session of an account.
	DeleteSessionsOf(ctx context.Context, accountID string) error
	// SetRoleOf adds role to (on) or removes it from every session of an account,
	// so the authorizer tells the change with the next request.
	SetRoleOf(ctx context.Context, accountID, role string, on bool) error
}

// Mailer delivers mail; the outbox implements it.
type Mailer interface {
	Deliver(ctx context.Context, m mail.Message) error
}
