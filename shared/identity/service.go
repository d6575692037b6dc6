package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Service carries out the identity use cases. A function's builder (identitywire)
// fills exactly the fields its routes need.
type Service struct {
	Store    Store
	Sessions SessionStore
	Mail     Mailer
	Now      func() time.Time
	Log      *slog.Logger
	// BaseURL is the portal's public URL; mailed links point there.
	BaseURL  string
	Timeouts Timeouts
	// Current versions of the documents a registration must accept (HKC-1).
	TermsVersion, PrivacyVersion string
	// Evidence records the client address and time of each sign-in (HGK-12).
	Evidence Evidence
	// Audit records admin actions (ids only).
	Audit Auditor
	// DeviceStore keeps device sign-in credentials (H4U-6).
	DeviceStore DeviceStore
	// Network erases a person's network data when the network role is taken away.
	Network NetworkData
}

// Auditor appends an admin action to the audit log: ids and reasons, no other
// personal data.
type Auditor interface {
	Record(ctx context.Context, action, actor, subject, reason string) error
}

// Evidence keeps who signed in from where and when, only as evidence in fraud or
// abuse cases.
type Evidence interface {
	Add(ctx context.Context, accountID, event, ip string, at time.Time) error
}

// Portal paths that mailed links open.
const (
	PathConfirm = "/confirm"
	PathReset   = "/password/reset"
	PathForgot  = "/password/forgot"
	PathEmail   = "/email/confirm"
	PathLogin   = "/login"
)

// RegisterInput is a self-service request for access (AHK-1).
type RegisterInput struct {
	Email          string
	Language       string
	TermsVersion   string
	PrivacyVersion string
	// EmailConfirmed says the caller has proven the address itself (a classifieds
	// listing confirmed through its mailed link, HGK-2): Provision then creates an
	// active account with a generated password and mails nothing (provision.go).
	EmailConfirmed bool
}

// Register creates a pending account and mails a link to set the password. The
// answer is the same whether or not the address is registered: an existing owner
// gets a notice instead, so nobody can probe for accounts.
func (s *Service) Register(ctx context.Context, in RegisterInput) error {
	_, err := s.Provision(ctx, in)
	return err
}

// Provision is Register for a caller that has already proven who the person is (the
// insurance portal's activation): it returns the id of the new or existing account
// so the caller can link its data to it. A new account gets the link to set a
// password; an existing one a notice. The id of a concurrently created account is
// looked up again.
func (s *Service) Provision(ctx context.Context, in RegisterInput) (string, error) {
	var f fields
	email, code := NormalizeEmail(in.Email)
	f.check("email", code)
	f.check("language", CheckLanguage(in.Language))
	switch {
	case in.TermsVersion == "":
		f.check("acceptedTermsVersion", problem.FieldRequired)
	case in.TermsVersion != s.TermsVersion:
		f.check("acceptedTermsVersion", problem.FieldOutdated)
	}
	switch {
	case in.PrivacyVersion == "":
		f.check("acceptedPrivacyVersion", problem.FieldRequired)
	case in.PrivacyVersion != s.PrivacyVersion:
		f.check("acceptedPrivacyVersion", problem.FieldOutdated)
	}
	if err := f.err(); err != nil {
		return "", err
	}
	now := s.Now()
	if in.EmailConfirmed {
		return s.provisionConfirmed(ctx, email, in, now)
	}
	existing, err := s.Store.AccountIDByEmail(ctx, email, now)
	switch {
	case err == nil:
		acc, err := s.Store.Account(ctx, existing, now)
		if err != nil {
			return "", fmt.Errorf("register: load existing account: %w", err)
		}
		if acc.Status == StatusPending {
			return acc.ID, s.mailToken(ctx, acc, TokenConfirm, ConfirmTokenTTL, mailConfirm, PathConfirm, in.Language)
		}
		return acc.ID, s.send(ctx, acc.Email, in.Language, mailAlreadyExists, mailData{Link: link(s.BaseURL, PathForgot, "")})
	case !errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("register: look up email: %w", err)
	}
	expires := now.Add(PendingAccountTTL)
	acc := Account{
		ID: ids.NewV7(now), Email: email, Language: in.Language, Roles: []string{access.RoleMember},
		Status: StatusPending, RegisteredAt: now, ExpiresAt: &expires,
		TermsVersion: in.TermsVersion, TermsAcceptedAt: &now,
		PrivacyVersion: in.PrivacyVersion, PrivacyAcceptedAt: &now,
	}
	raw := ids.NewToken()
	tok := Token{Digest: ids.Digest(raw), Kind: TokenConfirm, AccountID: acc.ID, IssuedAt: now, ExpiresAt: now.Add(ConfirmTokenTTL)}
	if err := s.Store.CreateAccount(ctx, acc, &tok, now); err != nil {
		if errors.Is(err, ErrEmailTaken) {
			// Registered concurrently: answer as for any existing address.
			id, err := s.Store.AccountIDByEmail(ctx, email, now)
			if err != nil {
				return "", fmt.Errorf("register: look up concurrent account: %w", err)
			}
			return id, nil
		}
		return "", fmt.Errorf("register: %w", err)
	}
	s.Log.InfoContext(ctx, "account registered", slog.String("accountId", acc.ID))
	return acc.ID, s.send(ctx, email, in.Language, mailConfirm, mailData{Link: link(s.BaseURL, PathConfirm, raw)})
}

// mailToken issues a fresh single-use token of kind for acc and mails its link.
func (s *Service) mailToken(ctx context.Context, acc Account, kind string, ttl time.Duration, mailKind, path, lang string) error {
	now := s.Now()
	raw := ids.NewToken()
	if err := s.Store.PutToken(ctx, Token{Digest: ids.Digest(raw), Kind: kind, AccountID: acc.ID, IssuedAt: now, ExpiresAt: now.Add(ttl)}); err != nil {
		return fmt.Errorf("issue %s token: %w", kind, err)
	}
	return s.send(ctx, acc.Email, lang, mailKind, mailData{Link: link(s.BaseURL, path, raw)})
}

func (s *Service) send(ctx context.Context, to, lang, kind string, d mailData) error {
	m, err := composeMail(s.Now(), to, lang, kind, d)
	if err != nil {
		return err
	}
	if err := s.Mail.Deliver(ctx, m); err != nil {
		return fmt.Errorf("deliver %s mail: %w", kind, err)
	}
	return nil
}

// useToken validates a raw token from a link and returns the live token of kind.
func (s *Service) useToken(ctx context.Context, raw, kind string) (Token, error) {
	if !ids.PlausibleToken(raw) {
		return Token{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
	}
	t, err := s.Store.Token(ctx, ids.Digest(raw), s.Now())
	if errors.Is(err, ErrNotFound) || (err == nil && t.Kind != kind) {
		return Token{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
	}
	if err != nil {
		return Token{}, fmt.Errorf("load token: %w", err)
	}
	if t.UsedAt != nil {
		return t, errTokenUsed
	}
	return t, nil
}

// errTokenUsed is useToken's answer for a link used before: the caller answers a
// repeat of the request that used it as that request was answered, and anything
// else as an invalid link.
var errTokenUsed = problem.New(http.StatusBadRequest, CodeTokenInvalid)

// repeatedPassword answers a password set through a link that is already used. It
// is the same request again (its answer was lost: a cut connection, a 503 after
// the write) exactly when the password it carries is the one that use set, at
// that very moment: then it is answered as done, and nothing changes. A link
// replayed with any other password, or after the password changed again, stays
// refused as invalid.
//
// A lost answer is repeated at once, not hours later, and not many times: a repeat
// is taken only within RepeatedLinkWindow of the use and at most RepeatedLinkMax
// times per link, so a used link is no way to try passwords; and every refused
// repeat spends one password check, so the answer's time does not tell whether
// the password changed since.
func (s *Service) repeatedPassword(ctx context.Context, t Token, password string) (Account, error) {
	now := s.Now()
	acc, err := s.Store.Account(ctx, t.AccountID, now)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Account{}, fmt.Errorf("load account: %w", err)
	}
	same := err == nil && acc.PasswordChangedAt != nil && acc.PasswordChangedAt.Equal(*t.UsedAt)
	if !same || now.Sub(*t.UsedAt) > RepeatedLinkWindow {
		burnPasswordCheck(password)
		return Account{}, errTokenUsed
	}
	ok, err := s.Store.CountRepeat(ctx, t.Digest, RepeatedLinkMax)
	if err != nil {
		return Account{}, fmt.Errorf("count repeat: %w", err)
	}
	if !ok {
		burnPasswordCheck(password)
		return Account{}, errTokenUsed
	}
	if !VerifyPassword(password, acc.PasswordHash) {
		return Account{}, errTokenUsed
	}
	return acc, nil
}

// RepeatedLinkWindow and RepeatedLinkMax bound the repeats of a used link that are
// answered as done (repeatedPassword).
const (
	RepeatedLinkWindow = 15 * time.Minute
	RepeatedLinkMax    = 3
)

// setPasswordWithToken is the common core of confirming an account and resetting a
// forgotten password: check the token and the password, run before (if any), then
// set the password and use up the token atomically.
func (s *Service) setPasswordWithToken(ctx context.Context, raw, kind, password string, before func(Account) error) (Account, error) {
	t, err := s.useToken(ctx, raw, kind)
	if errors.Is(err, errTokenUsed) {
		return s.repeatedPassword(ctx, t, password)
	}
	if err != nil {
		return Account{}, err
	}
	now := s.Now()
	acc, err := s.tokenAccount(ctx, t, now)
	if err != nil {
		return Account{}, err
	}
	var f fields
	f.check("password", CheckPassword(password, acc.Email))
	if err := f.err(); err != nil {
		return Account{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return Account{}, err
	}
	if before != nil {
		if err := before(acc); err != nil {
			return Account{}, err
		}
	}
	if err := s.Store.SetPasswordWithToken(ctx, t, hash, now); err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
			return Account{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
		}
		return Account{}, fmt.Errorf("set password: %w", err)
	}
	return acc, nil
}

// tokenAccount loads the account of a live link; a link whose account is gone or
// that no longer fits it (stale) is invalid.
func (s *Service) tokenAccount(ctx context.Context, t Token, now time.Time) (Account, error) {
	acc, err := s.Store.Account(ctx, t.AccountID, now)
	if errors.Is(err, ErrNotFound) {
		return Account{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
	}
	if err != nil {
		return Account{}, fmt.Errorf("load account: %w", err)
	}
	if stale(t, acc) {
		return Account{}, problem.New(http.StatusBadRequest, CodeTokenInvalid)
	}
	return acc, nil
}

// stale reports whether a link no longer fits its account: a sign-up link is for
// an account still waiting for its first password (a second link mailed by a
// repeated sign-up must not set a new password on the active account, which would
// be a reset that ends no session), and no link made before the password last
// changed sets it (an older reset link after a newer one was used).
func stale(t Token, acc Account) bool {
	if t.Kind == TokenConfirm && acc.Status != StatusPending {
		return true
	}
	return acc.PasswordChangedAt != nil && !acc.PasswordChangedAt.Before(t.Issued())
}

// Confirm sets the first password of a self-registered account through the mailed
// link; the account becomes active (AHK-1).
func (s *Service) Confirm(ctx context.Context, raw, password string) error {
	acc, err := s.setPasswordWithToken(ctx, raw, TokenConfirm, password, nil)
	if err != nil {
		return err
	}
	s.Log.InfoContext(ctx, "account confirmed", slog.String("accountId", acc.ID))
	return nil
}

// InviteInput is an admin's invitation of a member (HKC-2).
type InviteInput struct {
	Email     string
	FirstName string
	LastName  string
	Language  string
	Admin     bool
	Staff     bool
	// Network opens the members' network (access.RoleNetwork).
	Network bool
}

// Invite creates an active member with an individual temporary password, mailed to
// them; they must change it at first login before anything else works (HKC-2).
func (s *Service) Invite(ctx context.Context, by access.Principal, in InviteInput) (Account, error) {
	var f fields
	email, code := NormalizeEmail(in.Email)
	f.check("email", code)
	f.check("firstName", CheckName(in.FirstName))
	f.check("lastName", CheckName(in.LastName))
	f.check("language", CheckLanguage(in.Language))
	if err := f.err(); err != nil {
		return Account{}, err
	}
	temp, err := TemporaryPassword()
	if err != nil {
		return Account{}, err
	}
	hash, err := HashPassword(temp)
	if err != nil {
		return Account{}, err
	}
	now := s.Now()
	roles := []string{access.RoleMember}
	if in.Admin {
		roles = append(roles, access.RoleAdmin)
	}
	if in.Staff {
		roles = append(roles, access.RoleStaff)
	}
	if in.Network {
		roles = append(roles, access.RoleNetwork)
	}
	acc := Account{
		ID: ids.NewV7(now), Email: email, FirstName: in.FirstName, LastName: in.LastName, Language: in.Language,
		Roles: roles, Status: StatusActive, PasswordHash: hash, MustChangePassword: true,
		RegisteredAt: now, InvitedBy: by.AccountID,
	}
	if err := s.Store.CreateAccount(ctx, acc, nil, now); err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return Account{}, problem.New(http.StatusConflict, CodeEmailTaken)
		}
		return Account{}, fmt.Errorf("invite: %w", err)
	}
	s.Log.InfoContext(ctx, "member invited", slog.String("accountId", acc.ID), slog.String("by", by.AccountID))
	if s.Audit != nil {
		if err := s.Audit.Record(ctx, "member.invited", by.AccountID, acc.ID, ""); err != nil {
			return Account{}, fmt.Errorf("audit invitation: %w", err)
		}
	}
	if err := s.send(ctx, email, in.Language, mailInvitation, mailData{Link: link(s.BaseURL, PathLogin, ""), Password: temp}); err != nil {
		return Account{}, err
	}
	return acc, nil
}

// LoginInput is a sign-in attempt.
type LoginInput struct {
	Email    string
	Password string
	ClientIP string
	// PreviousSession is the digest of a session the browser still presents; it is
	// ended, so every login gets a fresh session id.
	PreviousSession string
}

// LoginResult is a new session with the secrets for its cookies.
type LoginResult struct {
	Session Session
	Token   string
	CSRF    string
	Account Account
}

// Login checks the credentials, throttled per address and client, per client and
// per address (docs/identity.md, "Sign-in throttling"), and starts a new session
// (AHK-1, AHK-3). The attempt takes its place in the counters before the password is
// checked; every refusal looks the same whether or not the address has access.
func (s *Service) Login(ctx context.Context, in LoginInput) (LoginResult, error) {
	email, code := NormalizeEmail(in.Email)
	var f fields
	f.check("email", code)
	if in.Password == "" {
		f.check("password", problem.FieldRequired)
	} else if len(in.Password) > 4*MaxPasswordLen {
		f.check("password", problem.FieldTooLong)
	}
	if err := f.err(); err != nil {
		return LoginResult{}, err
	}
	now := s.Now()
	k, err := s.throttleKeys(ctx, email, in.ClientIP, now)
	if err != nil {
		return LoginResult{}, err
	}
	acc, err := s.accountByEmail(ctx, email, now)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return LoginResult{}, err
	}
	usable := err == nil && acc.Status == StatusActive && acc.PasswordHash != ""
	known := false
	if usable && k.client != "" {
		if known, err = s.Store.KnownClient(ctx, acc.ID, k.client, now); err != nil {
			return LoginResult{}, fmt.Errorf("look up known client: %w", err)
		}
	}
	th := k.passwordThrottle(known)
	if err := th.reserve(ctx, s, now); err != nil {
		return LoginResult{}, err
	}
	if !usable {
		burnPasswordCheck(in.Password)
		return LoginResult{}, th.fail(ctx, s)
	}
	if !VerifyPassword(in.Password, acc.PasswordHash) {
		return LoginResult{}, th.fail(ctx, s)
	}
	if err := th.succeed(ctx, s, acc.ID, now); err != nil {
		return LoginResult{}, err
	}
	return s.startSession(ctx, acc, in.PreviousSession, in.ClientIP, now, true, evidenceLogin)
}

// startSession records the sign-in times (AHK-3) and the evidence (HGK-12), starts
// a new session and ends one the browser still presents. proof tells whether the
// sign-in proved the person (a password) and so counts for routes that need a
// recent proof; event names the sign-in in the evidence log. The session is written
// after the records, so a sign-in cut off half way leaves no session behind; the
// answer carries the times of this very sign-in.
func (s *Service) startSession(ctx context.Context, acc Account, previous, clientIP string, now time.Time, proof bool, event string) (LoginResult, error) {
	if err := s.Store.RecordLogin(ctx, acc.ID, now); err != nil {
		return LoginResult{}, fmt.Errorf("record login: %w", err)
	}
	if acc.FirstLoginAt == nil {
		acc.FirstLoginAt = &now
	}
	acc.LastLoginAt = &now
	if s.Evidence != nil {
		if err := s.Evidence.Add(ctx, acc.ID, event, clientIP, now); err != nil {
			return LoginResult{}, fmt.Errorf("record login evidence: %w", err)
		}
	}
	sess, token, csrf := NewSession(acc, now, s.Timeouts)
	if !proof {
		sess.ConfirmedAt = time.Time{}
	}
	if err := s.Sessions.PutSession(ctx, sess); err != nil {
		return LoginResult{}, fmt.Errorf("store session: %w", err)
	}
	if previous != "" && previous != sess.ID {
		if err := s.Sessions.DeleteSession(ctx, previous); err != nil {
			return LoginResult{}, fmt.Errorf("end previous session: %w", err)
		}
	}
	s.Log.InfoContext(ctx, "signed in", slog.String("accountId", acc.ID))
	return LoginResult{Session: sess, Token: token, CSRF: csrf, Account: acc}, nil
}

func (s *Service) accountByEmail(ctx context.Context, email string, now time.Time) (Account, error) {
	id, err := s.Store.AccountIDByEmail(ctx, email, now)
	if err != nil {
		return Account{}, err
	}
	return s.Store.Account(ctx, id, now)
}

// Logout ends the session server-side (HGK-11); the handler removes the cookie.
func (s *Service) Logout(ctx context.Context, p access.Principal) error {
	if err := s.Sessions.DeleteSession(ctx, p.SessionID); err != nil {
		return fmt.Errorf("logout: %w", err)
	}
	s.Log.InfoContext(ctx, "signed out", slog.String("accountId", p.AccountID))
	return nil
}

// Forgot mails a reset link to an active account; for any other address it does
// nothing, and the answer is the same.
func (s *Service) Forgot(ctx context.Context, emailIn string) error {
	var f fields
	email, code := NormalizeEmail(emailIn)
	f.check("email", code)
	if err := f.err(); err != nil {
		return err
	}
	acc, err := s.accountByEmail(ctx, email, s.Now())
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("forgot: %w", err)
	}
	if acc.Status != StatusActive {
		return nil
	}
	return s.mailToken(ctx, acc, TokenReset, ResetTokenTTL, mailReset, PathReset, acc.Language)
}

// Reset sets a new password through a reset link and ends every session and device
// credential. They end before the password is set: if the request is cut off after
// setting it (the link is then used up), no old session outlives the new password.
func (s *Service) Reset(ctx context.Context, raw, password string) error {
	acc, err := s.setPasswordWithToken(ctx, raw, TokenReset, password, func(acc Account) error { return s.revokeAll(ctx, acc) })
	if err != nil {
		return err
	}
	s.Log.InfoContext(ctx, "password reset", slog.String("accountId", acc.ID))
	return nil
}

// revokeAll ends every session and device credential of an account and forgets the
// clients it signed in from (they keep no allowance past a new password).
func (s *Service) revokeAll(ctx context.Context, acc Account) error {
	if err := s.Sessions.DeleteSessionsOf(ctx, acc.ID); err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	if err := s.Store.ForgetClients(ctx, acc.ID); err != nil {
		return fmt.Errorf("forget known clients: %w", err)
	}
	if err := s.RevokeAllDevices(ctx, acc.ID); err != nil {
		return fmt.Errorf("revoke devices: %w", err)
	}
	return nil
}

// ChangePassword replaces the password after checking the current one, ends every
// session of the account and starts a new one for this browser (rotation). The
// current password is the change's own proof of the person, so the route needs no
// recent one, and the new session starts with a fresh proof. It also completes the
// forced change of a temporary password (HKC-2).
func (s *Service) ChangePassword(ctx context.Context, p access.Principal, current, next string) (LoginResult, error) {
	now := s.Now()
	acc, err := s.Store.Account(ctx, p.AccountID, now)
	if err != nil {
		return LoginResult{}, fmt.Errorf("change password: load account: %w", err)
	}
	var f fields
	if current == "" {
		f.check("currentPassword", problem.FieldRequired)
	}
	f.check("newPassword", CheckPassword(next, acc.Email))
	if err := f.err(); err != nil {
		return LoginResult{}, err
	}
	if len(current) > 4*MaxPasswordLen || !VerifyPassword(current, acc.PasswordHash) {
		return LoginResult{}, problem.New(http.StatusBadRequest, CodeCurrentPasswordWrong)
	}
	if current == next {
		return LoginResult{}, problem.Invalid(problem.FieldError{Field: "newPassword", Code: problem.FieldInvalidValue})
	}
	hash, err := HashPassword(next)
	if err != nil {
		return LoginResult{}, err
	}
	// Every session and device credential ends before the password changes: a
	// request cut off after the change leaves none of them alive (the caller signs
	// in again), where one cut off before leaves the old password in place.
	if err := s.revokeAll(ctx, acc); err != nil {
		return LoginResult{}, fmt.Errorf("change password: %w", err)
	}
	if err := s.Store.SetPassword(ctx, acc.ID, acc.PasswordHash, hash, now); err != nil {
		if errors.Is(err, ErrConflict) {
			return LoginResult{}, problem.New(http.StatusConflict, problem.CodeConflict)
		}
		return LoginResult{}, fmt.Errorf("change password: %w", err)
	}
	acc.MustChangePassword = false
	sess, token, csrf := NewSession(acc, now, s.Timeouts)
	if err := s.Sessions.PutSession(ctx, sess); err != nil {
		return LoginResult{}, fmt.Errorf("change password: new session: %w", err)
	}
	s.Log.InfoContext(ctx, "password changed", slog.String("accountId", acc.ID))
	if err := s.send(ctx, acc.Email, acc.Language, mailPasswordChange, mailData{Link: link(s.BaseURL, PathForgot, "")}); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Session: sess, Token: token, CSRF: csrf, Account: acc}, nil
}

// Profile returns the signed-in person's own account. A session whose account is
// gone is treated as signed out.
func (s *Service) Profile(ctx context.Context, p access.Principal) (Account, error) {
	acc, err := s.Store.Account(ctx, p.AccountID, s.Now())
	if errors.Is(err, ErrNotFound) {
		return Account{}, problem.New(http.StatusUnauthorized, problem.CodeUnauthenticated)
	}
	if err != nil {
		return Account{}, fmt.Errorf("load profile: %w", err)
	}
	return acc, nil
}

// ProfilePatch is a partial update of the profile; nil fields stay as they are.
type ProfilePatch struct {
	FirstName *string
	LastName  *string
	Email     *string
	Language  *string
}

// UpdateProfile changes names and language at once; a new email address needs a
// recent proof of the person and takes effect only after the link mailed to it is
// followed (AHK-2).
func (s *Service) UpdateProfile(ctx context.Context, p access.Principal, in ProfilePatch) (Account, error) {
	var f fields
	var newEmail string
	if in.FirstName != nil {
		f.check("firstName", CheckName(*in.FirstName))
	}
	if in.LastName != nil {
		f.check("lastName", CheckName(*in.LastName))
	}
	if in.Language != nil {
		f.check("language", CheckLanguage(*in.Language))
	}
	if in.Email != nil {
		var code problem.Code
		newEmail, code = NormalizeEmail(*in.Email)
		f.check("email", code)
	}
	if err := f.err(); err != nil {
		return Account{}, err
	}
	acc, err := s.Profile(ctx, p)
	if err != nil {
		return Account{}, err
	}
	now := s.Now()
	changes := ProfileChanges{FirstName: in.FirstName, LastName: in.LastName, Language: in.Language}
	emailChange := in.Email != nil && newEmail != acc.Email
	if emailChange {
		// Moving the account to another address needs a recent proof of the person;
		// nothing of the patch is applied without it.
		if err := s.needRecentProof(p); err != nil {
			return Account{}, err
		}
		changes.PendingEmail = &newEmail
	}
	updated, err := s.Store.UpdateProfile(ctx, acc.ID, changes, now)
	if err != nil {
		return Account{}, fmt.Errorf("update profile: %w", err)
	}
	if emailChange {
		if err := s.startEmailChange(ctx, updated, newEmail); err != nil {
			return Account{}, err
		}
	}
	s.Log.InfoContext(ctx, "profile updated", slog.String("accountId", acc.ID), slog.Bool("emailChange", emailChange))
	return updated, nil
}

func (s *Service) startEmailChange(ctx context.Context, acc Account, newEmail string) error {
	now := s.Now()
	_, err := s.Store.AccountIDByEmail(ctx, newEmail, now)
	if err == nil {
		// Taken: tell the address's owner, reveal nothing to the requester.
		return s.send(ctx, newEmail, acc.Language, mailEmailInUse, mailData{})
	}
	if !errors.Is(err, ErrNotFound) {
		return fmt.Errorf("email change: look up address: %w", err)
	}
	raw := ids.NewToken()
	t := Token{Digest: ids.Digest(raw), Kind: TokenEmailChange, AccountID: acc.ID, NewEmail: newEmail, IssuedAt: now, ExpiresAt: now.Add(EmailChangeTokenTTL)}
	if err := s.Store.PutToken(ctx, t); err != nil {
		return fmt.Errorf("email change: store token: %w", err)
	}
	return s.send(ctx, newEmail, acc.Language, mailEmailChange, mailData{Link: link(s.BaseURL, PathEmail, raw)})
}

// ConfirmEmail makes a new email address take effect through the mailed link and
// tells the previous address.
//
// A link used before answers as done while the address it confirmed is still the
// account's (the same request repeated after its answer was lost; nothing changes
// and nothing is mailed again), and as invalid once the address changed since.
func (s *Service) ConfirmEmail(ctx context.Context, raw string) error {
	t, err := s.useToken(ctx, raw, TokenEmailChange)
	used := errors.Is(err, errTokenUsed)
	if err != nil && !used {
		return err
	}
	now := s.Now()
	acc, err := s.Store.Account(ctx, t.AccountID, now)
	if errors.Is(err, ErrNotFound) {
		return problem.New(http.StatusBadRequest, CodeTokenInvalid)
	}
	if err != nil {
		return fmt.Errorf("confirm email: load account: %w", err)
	}
	if used {
		if acc.Email == t.NewEmail {
			return nil
		}
		return errTokenUsed
	}
	if err := s.Store.ChangeEmailWithToken(ctx, t, acc.Email, now); err != nil {
		switch {
		case errors.Is(err, ErrEmailTaken):
			return problem.New(http.StatusConflict, CodeEmailTaken)
		case errors.Is(err, ErrNotFound), errors.Is(err, ErrConflict):
			return problem.New(http.StatusBadRequest, CodeTokenInvalid)
		}
		return fmt.Errorf("confirm email: %w", err)
	}
	s.Log.InfoContext(ctx, "email changed", slog.String("accountId", acc.ID))
	return s.send(ctx, acc.Email, acc.Language, mailEmailChanged, mailData{})
}
