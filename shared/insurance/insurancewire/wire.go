// Package insurancewire builds the insurance functions that reach neither the
// invoice bucket (claimswire) nor the eID provider (registrationwire) from their
// environment, so each function's main.go stays wiring only. There
// is one builder per function; it returns exactly what that function's routes use,
// reads the environment variables of those parts, and fails at start-up when one is
// missing: a route added without its part does not compile, and one whose variable
// is missing never starts.
package insurancewire

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/env"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/insurancedb"
)

func now() time.Time { return time.Now().UTC() }

// Table is the module's table, INSURANCE_TABLE, on db.
func Table(db dynamo.DB, r *env.Reader) *insurancedb.Store {
	return &insurancedb.Store{DB: db, Table: r.String("INSURANCE_TABLE")}
}

// Store is the module's table on a client of its own.
func Store(ctx context.Context) (*insurancedb.Store, error) {
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
	st, err := Store(ctx)
	if err != nil {
		return insuranceapi.Import{}, err
	}
	return insuranceapi.Import{Store: st, Now: now}, nil
}

// Contracts builds the contracts function's handlers: INSURANCE_TABLE.
func Contracts(ctx context.Context) (insuranceapi.Contracts, error) {
	st, err := Store(ctx)
	if err != nil {
		return insuranceapi.Contracts{}, err
	}
	return insuranceapi.Contracts{Store: st, Now: now}, nil
}
