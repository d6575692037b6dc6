// Package claimswire builds the insurance functions that reach the invoice bucket
// (claims, review and the module's privacy function) from their environment. As in
// insurancewire, each builder returns exactly what its function uses and fails at
// start-up when one of its environment variables is missing.
package claimswire

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/insurancedb"
	"kontor/shared/insurance/insuranceprivacy"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/privacy"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/upload/s3store"
)

func now() time.Time { return time.Now().UTC() }

// claims is the claim use cases on the module's table (INSURANCE_TABLE) and the
// invoice bucket (INVOICE_BUCKET, encrypted with INVOICE_KEY_ARN), and that table.
func claims(cfg aws.Config, db *dynamodb.Client, r *env.Reader, log *slog.Logger) (*insurance.Claims, *insurancedb.Store) {
	st := insurancewire.Table(db, r)
	return &insurance.Claims{Store: st, Objects: s3store.New(cfg, r.String("INVOICE_BUCKET"), r.String("INVOICE_KEY_ARN")), Now: now, Log: log}, st
}

// Claims builds the claims function's handlers: INSURANCE_TABLE, INVOICE_BUCKET and
// INVOICE_KEY_ARN. The routes' consent gates read the privacy ledger through the
// router.
func Claims(ctx context.Context, log *slog.Logger) (insuranceapi.Claims, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return insuranceapi.Claims{}, err
	}
	var r env.Reader
	c, _ := claims(cfg, dynamodb.NewFromConfig(cfg), &r, log)
	if err := r.Err(); err != nil {
		return insuranceapi.Claims{}, err
	}
	return insuranceapi.Claims{Claims: c}, nil
}

// Review builds the claim review function's handlers: what Claims reads, and
// PRIVACY_TABLE for the audit log and the restrictions of processing.
func Review(ctx context.Context, log *slog.Logger) (insuranceapi.Review, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return insuranceapi.Review{}, err
	}
	db := dynamodb.NewFromConfig(cfg)
	var r env.Reader
	c, st := claims(cfg, db, &r, log)
	ledger := &privacydb.Store{DB: db, Table: r.String("PRIVACY_TABLE")}
	if err := r.Err(); err != nil {
		return insuranceapi.Review{}, err
	}
	return insuranceapi.Review{Review: &insurance.Review{Claims: c, Store: st, Audit: ledger, Restrictions: ledger}}, nil
}

// Privacy builds the module's privacy function: the insurance data as a
// privacy.Module on the module's table and bucket (what Claims reads), with
// CONTRACT_RETENTION_YEARS and CLAIM_RETENTION_DAYS. The persons whose data a sweep
// keeps (held or restricted) come with each sweep request from the privacy core.
func Privacy(ctx context.Context, log *slog.Logger) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	c, st := claims(cfg, dynamodb.NewFromConfig(cfg), &r, log)
	m := insuranceprivacy.Module{Store: st, Claims: c,
		ContractRetentionYears: r.Count("CONTRACT_RETENTION_YEARS", 10),
		ClaimRetention:         r.Days("CLAIM_RETENTION_DAYS", 90*24*time.Hour)}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return []privacy.Module{m}, nil
}
