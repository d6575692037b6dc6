// Package claimswire builds the insurance functions that reach the invoice bucket:
// claims, review and the module's privacy function.
package claimswire

import (
	"context"
	"log/slog"
	"time"

	"kontor/shared/env"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insuranceapi"
	"kontor/shared/insurance/insuranceprivacy"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/privacy"
	"kontor/shared/upload/s3store"
)

func now() time.Time { return time.Now().UTC() }

type parts struct {
	insurancewire.Parts
	Objects *s3store.Bucket
}

func build(ctx context.Context) (parts, error) {
	p, err := insurancewire.Build(ctx, insurancewire.Table|insurancewire.Ledger)
	if err != nil {
		return parts{}, err
	}
	cfg, err := env.AWS(ctx)
	if err != nil {
		return parts{}, err
	}
	var r env.Reader
	out := parts{Parts: p, Objects: s3store.New(cfg, r.String("INVOICE_BUCKET"), r.String("INVOICE_KEY_ARN"))}
	return out, r.Err()
}

func claims(ctx context.Context, log *slog.Logger) (*insurance.Claims, parts, error) {
	p, err := build(ctx)
	return &insurance.Claims{Store: p.Store, Objects: p.Objects, Now: now, Log: log}, p, err
}

// Claims builds the claims function's handlers.
func Claims(ctx context.Context, log *slog.Logger) (insuranceapi.Claims, error) {
	c, _, err := claims(ctx, log)
	return insuranceapi.Claims{Claims: c}, err
}

// Review builds the claim review function's handlers.
func Review(ctx context.Context, log *slog.Logger) (insuranceapi.Review, error) {
	c, p, err := claims(ctx, log)
	return insuranceapi.Review{Review: &insurance.Review{Claims: c, Store: p.Store, Audit: p.Privacy, Restrictions: p.Privacy}}, err
}

// Privacy builds the module's privacy function: the insurance data as a
// privacy.Module on the module's table and bucket. The persons whose data a sweep
// keeps (held or restricted) come with each sweep request from the privacy core.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	p, err := insurancewire.Build(ctx, insurancewire.Table)
	if err != nil {
		return nil, err
	}
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	objects := s3store.New(cfg, r.String("INVOICE_BUCKET"), r.String("INVOICE_KEY_ARN"))
	m := insuranceprivacy.Module{Store: p.Store, Claims: &insurance.Claims{Store: p.Store, Objects: objects, Now: now},
		ContractRetentionYears: r.Count("CONTRACT_RETENTION_YEARS", 10),
		ClaimRetention:         r.Days("CLAIM_RETENTION_DAYS", 90*24*time.Hour)}
	return []privacy.Module{m}, r.Err()
}
