package classifiedswire

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/upload/s3store"
)

// invoiceBucket is the private invoice bucket (CLASSIFIEDS_INVOICE_BUCKET, encrypted with
// CLASSIFIEDS_INVOICE_KEY_ARN).
func invoiceBucket(cfg aws.Config, r *env.Reader) *s3store.Bucket {
	return s3store.New(cfg, r.String("CLASSIFIEDS_INVOICE_BUCKET"), r.String("CLASSIFIEDS_INVOICE_KEY_ARN"))
}

// Invoices builds the invoices function's handlers: the classifieds table and the
// invoice bucket, from which it only presigns downloads.
func Invoices(ctx context.Context) (classifiedsapi.Invoices, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Invoices{}, err
	}
	var r env.Reader
	svc := &classifieds.Invoices{Store: store(cfg, &r), Objects: invoiceBucket(cfg, &r), Now: now}
	return classifiedsapi.Invoices{Svc: svc}, r.Err()
}

// Issuer builds the invoice issuer: the classifieds table, the invoice bucket,
// the number prefix (INVOICE_PREFIX), the VAT rate in basis points
// (INVOICE_VAT_BASIS_POINTS, 1900 is 19 %) and the seller (SELLER_NAME,
// SELLER_ADDRESS with its lines separated by ";", SELLER_VAT_ID and/or
// SELLER_TAX_NUMBER).
func Issuer(ctx context.Context, log *slog.Logger) (*classifieds.InvoiceIssuer, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	seller := classifieds.Seller{Name: r.String("SELLER_NAME"), Address: splitLines(r.String("SELLER_ADDRESS")),
		VATID: os.Getenv("SELLER_VAT_ID"), TaxNumber: os.Getenv("SELLER_TAX_NUMBER")}
	iss := &classifieds.InvoiceIssuer{Store: store(cfg, &r), Objects: invoiceBucket(cfg, &r), Now: now, Log: log,
		Prefix: r.String("INVOICE_PREFIX"), Seller: seller, VATBasisPoints: int64(r.Count("INVOICE_VAT_BASIS_POINTS", 1900))}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if seller.VATID == "" && seller.TaxNumber == "" {
		return nil, errors.New("SELLER_VAT_ID or SELLER_TAX_NUMBER must be set (§ 14(4) Nr. 2 UStG)")
	}
	return iss, nil
}

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ";") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
