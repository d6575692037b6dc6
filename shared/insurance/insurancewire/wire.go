// Package insurancewire builds the insurance functions that do not reach the invoice
// bucket from their environment, so each function's main.go stays wiring only. There
// is one builder per function; it returns exactly what that function's routes use,
// reads the environment variables of those parts, and fails at start-up when one is
// missing: a route added without its part does not compile, and one whose variable
// is missing never starts.
package insurancewire

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/insurancedb"
	"kontor/shared/secrets"
)

func now() time.Time { return time.Now().UTC() }

// Table is the module's table, INSURANCE_TABLE, on db.
func Table(db dynamo.DB, r *env.Reader) *insurancedb.Store {
	return &insurancedb.Store{DB: db, Table: r.String("INSURANCE_TABLE")}
}

// table is the module's table on a client of its own.
func table(ctx context.Context) (*insurancedb.Store, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	st := Table(dynamodb.NewFromConfig(cfg), &r)
	return st, r.Err()
}

// Import builds the contract import function's handlers: INSURANCE_TABLE.
func Import(ctx context.Context) (insuranceapi.Import, error) {
	st, err := table(ctx)
	if err != nil {
		return insuranceapi.Import{}, err
	}
	return insuranceapi.Import{Store: st, Now: now}, nil
}

// Contracts builds the contracts function's handlers: INSURANCE_TABLE.
func Contracts(ctx context.Context) (insuranceapi.Contracts, error) {
	st, err := table(ctx)
	if err != nil {
		return insuranceapi.Contracts{}, err
	}
	return insuranceapi.Contracts{Store: st, Now: now}, nil
}

// MinSecretBytes is the least length of the eID callback secret.
const MinSecretBytes = 32

// readSecret reads a SecureString at cold start (secrets.FromConfig); tests replace it.
var readSecret = func(ctx context.Context, name string) ([]byte, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	return secrets.FromConfig(ctx, cfg, name, MinSecretBytes)
}

// Registration builds the registration function's handlers: INSURANCE_TABLE, the
// identity module's privacy function that provisions accounts
// (IDENTITY_PRIVACY_FUNCTION), APP_BASE_URL, TERMS_VERSION, PRIVACY_VERSION,
// EID_PROVIDER_URL, and EID_CALLBACK_SECRET_PARAMETER, the SSM SecureString that
// holds the secret the eID provider signs its callbacks with.
func Registration(ctx context.Context, log *slog.Logger) (insuranceapi.Registration, error) {
	st, err := table(ctx)
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
	secret, err := readSecret(ctx, secretName)
	if err != nil {
		return insuranceapi.Registration{}, fmt.Errorf("EID_CALLBACK_SECRET_PARAMETER: %w", err)
	}
	g := &insurance.Registrar{Store: st, Accounts: people, EID: provider, Now: now, Log: log,
		CallbackURL: base + "/v1/insurance/eid/callback", TermsVersion: terms, PrivacyVersion: notice}
	return insuranceapi.Registration{Registrar: g, Secret: secret, Now: now}, nil
}
