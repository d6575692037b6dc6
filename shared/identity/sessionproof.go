package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"kontor/shared/access"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// SessionCSRF returns the CSRF token of a signed-in caller's session. The token
// presented in the CSRF cookie is handed back unchanged when it is the session's
// (rotated false): asking for a token, from a cross-site link too, never replaces a
// working one. A missing or foreign token is replaced by a new one bound to the
// session (rotated true), so a signed-in client can always recover its token.
// ErrNotFound when the session has ended meanwhile.
func (s *Service) SessionCSRF(ctx context.Context, p access.Principal, presented string) (token string, rotated bool, err error) {
	if ids.PlausibleToken(presented) && equalDigest(ids.Digest(presented), p.CSRFDigest) {
		return presented, false, nil
	}
	token = ids.NewToken()
	if err := s.Sessions.SetCSRF(ctx, p.SessionID, ids.Digest(token)); err != nil {
		if errors.Is(err, ErrNotFound) {
			return "", false, err
		}
		return "", false, fmt.Errorf("rotate csrf token: %w", err)
	}
	s.Log.InfoContext(ctx, "csrf token rotated", slog.String("accountId", p.AccountID))
	return token, true, nil
}

// ConfirmSession records a fresh proof of the person in the session: the password
// again. Routes that need a recent proof (erasure, objection to all processing, an
// email change, new device credentials) then pass for access.ProofWindow.
func (s *Service) ConfirmSession(ctx context.Context, p access.Principal, password string) error {
	var f fields
	if password == "" {
		f.check("password", problem.FieldRequired)
	} else if len(password) > 4*MaxPasswordLen {
		f.check("password", problem.FieldTooLong)
	}
	if err := f.err(); err != nil {
		return err
	}
	now := s.Now()
	acc, err := s.Profile(ctx, p)
	if err != nil {
		return err
	}
	if !VerifyPassword(password, acc.PasswordHash) {
		s.Log.InfoContext(ctx, "session confirmation failed", slog.String("accountId", p.AccountID))
		return problem.New(http.StatusBadRequest, CodeCurrentPasswordWrong)
	}
	if err := s.Sessions.Confirm(ctx, p.SessionID, now); err != nil {
		if errors.Is(err, ErrNotFound) {
			return problem.New(http.StatusUnauthorized, problem.CodeUnauthenticated)
		}
		return fmt.Errorf("confirm session: %w", err)
	}
	s.Log.InfoContext(ctx, "session confirmed", slog.String("accountId", p.AccountID))
	return nil
}

// needRecentProof answers 403 reauthentication_required unless the session's last
// proof of the person is recent.
func (s *Service) needRecentProof(p access.Principal) error {
	if !p.RecentlyConfirmed(s.Now()) {
		return problem.New(http.StatusForbidden, problem.CodeReauthenticationRequired)
	}
	return nil
}
