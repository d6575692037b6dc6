// Package insurancewire builds the insurance module's parts from a function's
// environment, so each function's main.go stays wiring only.
package insurancewire

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/insurancedb"
	"kontor/shared/privacy/privacydb"
)

func now() time.Time { return time.Now().UTC() }

// Parts are what the module's functions are built from.
type Parts struct {
	Store   *insurancedb.Store
	Privacy *privacydb.Store
}

// Need says which parts a function uses; each reads its own environment variables.
type Need uint8

// Parts of the module.
const (
	Table  Need = 1 << iota // INSURANCE_TABLE
	Bucket                  // INVOICE_BUCKET, INVOICE_KEY_ARN
	Ledger                  // PRIVACY_TABLE: consents (read), audit log, holds
)

// Build returns the parts named by need.
func Build(ctx context.Context, need Need) (Parts, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return Parts{}, err
	}
	db := dynamodb.NewFromConfig(cfg)
	var r env.Reader
	var p Parts
	if need&Table != 0 {
		p.Store = &insurancedb.Store{DB: db, Table: r.String("INSURANCE_TABLE")}
	}
	if need&Ledger != 0 {
		p.Privacy = &privacydb.Store{DB: db, Table: r.String("PRIVACY_TABLE")}
	}
	return p, r.Err()
}

// Import builds the contract import function's handlers.
func Import(ctx context.Context) (insuranceapi.Import, error) {
	p, err := Build(ctx, Table)
	return insuranceapi.Import{Store: p.Store, Now: now}, err
}

// Contracts builds the contracts function's handlers.
func Contracts(ctx context.Context) (insuranceapi.Contracts, error) {
	p, err := Build(ctx, Table)
	return insuranceapi.Contracts{Store: p.Store, Now: now}, err
}

// MinSecretBytes is the least length of the eID callback secret.
const MinSecretBytes = 32

// Registration builds the registration function's handlers.
func Registration(ctx context.Context, log *slog.Logger) (insuranceapi.Registration, error) {
	p, err := Build(ctx, Table)
	if err != nil {
		return insuranceapi.Registration{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return insuranceapi.Registration{}, err
	}
	var r env.Reader
	base, terms, notice := r.String("APP_BASE_URL"), r.String("TERMS_VERSION"), r.String("PRIVACY_VERSION")
	secret := r.String("EID_CALLBACK_SECRET")
	provider := insurance.HTTPProvider{URL: r.String("EID_PROVIDER_URL")}
	if err := r.Err(); err != nil {
		return insuranceapi.Registration{}, err
	}
	if len(secret) < MinSecretBytes {
		return insuranceapi.Registration{}, fmt.Errorf("EID_CALLBACK_SECRET must have at least %d characters", MinSecretBytes)
	}
	g := &insurance.Registrar{Store: p.Store, Accounts: people, EID: provider, Now: now, Log: log,
		CallbackURL: base + "/v1/insurance/eid/callback", TermsVersion: terms, PrivacyVersion: notice}
	return insuranceapi.Registration{Registrar: g, Secret: []byte(secret), Now: now}, nil
}
