// Command invoiceissue issues the invoices of paid orders, on a schedule: every
// minute it numbers, stores and renders what the payment webhook left due
// (docs/classifieds.md, "Invoices").
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedswire"
	"kontor/shared/env"
	"kontor/shared/logging"
)

func main() {
	log := logging.New("invoiceissue")
	iss := env.Must(log, func(ctx context.Context) (*classifieds.InvoiceIssuer, error) { return classifiedswire.Issuer(ctx, log) })
	lambda.Start(func(ctx context.Context) (classifieds.IssueResult, error) { return iss.Run(ctx) })
}
