package identity

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"kontor/shared/access"
	"kontor/shared/ids"
)

// provisionConfirmed gives an address another module has confirmed (HGK-2) an
// active member account with a generated password nobody knows, and mails
// nothing: the person signs in by a mailed link (signinlink.go) or sets a password
// of their own through the forgotten-password flow. An existing account keeps
// everything as it is, whatever its status, and its id is returned; a pending one
// (a sign-up whose link was never used) is activated the same way, since the
// address is proven now. Of concurrent calls for one address, one creates the
// account (the email claim is conditional) and the others return its id.
func (s *Service) provisionConfirmed(ctx context.Context, email string, in RegisterInput, now time.Time) (string, error) {
	existing, err := s.Store.AccountIDByEmail(ctx, email, now)
	switch {
	case err == nil:
		return s.activateProvisioned(ctx, existing, now)
	case !errors.Is(err, ErrNotFound):
		return "", fmt.Errorf("provision: look up email: %w", err)
	}
	hash, err := generatedPasswordHash()
	if err != nil {
		return "", err
	}
	acc := Account{
		ID: ids.NewV7(now), Email: email, Language: in.Language, Roles: []string{access.RoleMember},
		Status: StatusActive, PasswordHash: hash, RegisteredAt: now,
		TermsVersion: in.TermsVersion, TermsAcceptedAt: &now,
		PrivacyVersion: in.PrivacyVersion, PrivacyAcceptedAt: &now,
	}
	if err := s.Store.CreateAccount(ctx, acc, nil, now); err != nil {
		if !errors.Is(err, ErrEmailTaken) {
			return "", fmt.Errorf("provision: %w", err)
		}
		// Created concurrently: the other call's account is the one.
		id, err := s.Store.AccountIDByEmail(ctx, email, now)
		if err != nil {
			return "", fmt.Errorf("provision: look up concurrent account: %w", err)
		}
		return s.activateProvisioned(ctx, id, now)
	}
	s.Log.InfoContext(ctx, "account provisioned", slog.String("accountId", acc.ID))
	return acc.ID, nil
}

// activateProvisioned returns the id of an existing account; a pending one becomes
// active with a generated password first. Its sign-up link stops working (it is
// only for an account still pending); the roles, versions and language stay.
func (s *Service) activateProvisioned(ctx context.Context, id string, now time.Time) (string, error) {
	acc, err := s.Store.Account(ctx, id, now)
	if err != nil {
		return "", fmt.Errorf("provision: load existing account: %w", err)
	}
	if acc.Status != StatusPending {
		return acc.ID, nil
	}
	hash, err := generatedPasswordHash()
	if err != nil {
		return "", err
	}
	err = s.Store.ActivatePending(ctx, acc, hash, now)
	if err != nil && !errors.Is(err, ErrConflict) {
		return "", fmt.Errorf("provision: activate pending account: %w", err)
	}
	// ErrConflict: it left the pending state meanwhile (its link was used, or a
	// concurrent call activated it); either way it is active now.
	s.Log.InfoContext(ctx, "pending account activated", slog.String("accountId", acc.ID))
	return acc.ID, nil
}

// generatedPasswordHash hashes 32 random bytes with the accounts' password hashing
// and forgets them: the account has a password, so every path that expects one
// works (a reset replaces it), and nobody, the person included, ever knows it.
func generatedPasswordHash() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generated password: %w", err)
	}
	return HashPassword(base64.RawURLEncoding.EncodeToString(b))
}
