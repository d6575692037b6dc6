package identity

import (
	"context"
	"errors"
	"fmt"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
)

// AdminInput describes a deployment's first administrator.
type AdminInput struct {
	Email    string
	Language string
	// Password, when empty, is generated as a temporary password that must be
	// changed at first sign-in; a given one must pass the password policy.
	Password string
}

// CreateAdmin creates an active account with the admin and member roles, for the
// one-off bootstrap of a deployment. It returns the account and the password to hand
// over (the generated temporary one, or the given one). ErrEmailTaken when the address
// already has access, so running it twice creates nothing twice.
func (s *Service) CreateAdmin(ctx context.Context, in AdminInput) (Account, string, error) {
	var f fields
	email, code := NormalizeEmail(in.Email)
	f.check("email", code)
	if in.Language == "" {
		in.Language = httpapi.DefaultLang
	}
	f.check("language", CheckLanguage(in.Language))
	mustChange := in.Password == ""
	if !mustChange {
		f.check("password", CheckPassword(in.Password, email))
	}
	if err := f.err(); err != nil {
		return Account{}, "", err
	}
	pw := in.Password
	if mustChange {
		var err error
		if pw, err = TemporaryPassword(); err != nil {
			return Account{}, "", err
		}
	}
	hash, err := HashPassword(pw)
	if err != nil {
		return Account{}, "", err
	}
	now := s.Now()
	acc := Account{
		ID: ids.NewV7(now), Email: email, Language: in.Language,
		Roles: []string{access.RoleMember, access.RoleAdmin}, Status: StatusActive,
		PasswordHash: hash, MustChangePassword: mustChange, RegisteredAt: now,
	}
	if err := s.Store.CreateAccount(ctx, acc, nil, now); err != nil {
		if errors.Is(err, ErrEmailTaken) {
			return Account{}, "", ErrEmailTaken
		}
		return Account{}, "", fmt.Errorf("create admin: %w", err)
	}
	return acc, pw, nil
}
