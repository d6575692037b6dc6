// Package registrationwire builds the registration function from its environment.
// It is a package of its own because it alone reads a secret from SSM and provisions
// accounts through the identity module: the other insurance functions link neither.
package registrationwire

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/secrets"
)

// MinSecretBytes is the least length of the eID callback secret.
const MinSecretBytes = 32

// SecretReader reads a secret by its SSM parameter name.
type SecretReader func(ctx context.Context, name string) ([]byte, error)

// FromSSM reads a SecureString at cold start.
func FromSSM(ctx context.Context, name string) ([]byte, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	return secrets.Client{Config: cfg}.Read(ctx, name, MinSecretBytes)
}

// Registration builds the registration function's handlers with the eID callback
// secret from SSM.
func Registration(ctx context.Context, log *slog.Logger) (insuranceapi.Registration, error) {
	return Build(ctx, log, FromSSM)
}

// Build builds the registration function's handlers: INSURANCE_TABLE, the identity
// module's privacy function that provisions accounts (IDENTITY_PRIVACY_FUNCTION),
// APP_BASE_URL, TERMS_VERSION, PRIVACY_VERSION, EID_PROVIDER_URL, and
// EID_CALLBACK_SECRET_PARAMETER, the SSM SecureString that holds the secret the eID
// provider signs its callbacks with, read with read.
func Build(ctx context.Context, log *slog.Logger, read SecretReader) (insuranceapi.Registration, error) {
	st, err := insurancewire.Store(ctx)
	if err != nil {
		return insuranceapi.Registration{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return insuranceapi.Registration{}, err
	}
	var r env.Reader
	base, terms, notice := r.String("APP_BASE_URL"), r.String("TERMS_VERSION"), r.String("PRIVACY_VERSION")
	secretName := r.String("EID_CALLBACK_SECRET_PARAMETER")
	provider := insurance.HTTPProvider{URL: r.String("EID_PROVIDER_URL")}
	if err := r.Err(); err != nil {
		return insuranceapi.Registration{}, err
	}
	secret, err := read(ctx, secretName)
	if err != nil {
		return insuranceapi.Registration{}, fmt.Errorf("EID_CALLBACK_SECRET_PARAMETER: %w", err)
	}
	now := func() time.Time { return time.Now().UTC() }
	g := &insurance.Registrar{Store: st, Accounts: people, EID: provider, Now: now, Log: log,
		CallbackURL: base + "/v1/insurance/eid/callback", SiteURL: base, TermsVersion: terms, PrivacyVersion: notice}
	return insuranceapi.Registration{Registrar: g, Secret: secret, Now: now}, nil
}
