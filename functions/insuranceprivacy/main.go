// Command insuranceprivacy carries out export, erasure, consent withdrawal and the
// retention sweep on the insurance data for the privacy core, which invokes it: no
// other function reaches the insurance table, bucket or key.
package main

import (
	"context"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/env"
	"kontor/shared/insurance"
	"kontor/shared/insurance/claimswire"
	"kontor/shared/logging"
)

type parts struct {
	m     insurance.Module
	holds insurance.Holds
}

func main() {
	log := logging.New("insuranceprivacy")
	p := env.Must(log, func(ctx context.Context) (parts, error) {
		m, h, err := claimswire.Privacy(ctx)
		return parts{m, h}, err
	})
	lambda.Start(func(ctx context.Context, req insurance.PrivacyRequest) (insurance.PrivacyResponse, error) {
		resp, err := p.m.Serve(ctx, req, p.holds)
		if err != nil {
			log.ErrorContext(ctx, "privacy operation failed", slog.String("op", req.Op), slog.String("error", err.Error()))
		} else {
			log.InfoContext(ctx, "privacy operation done", slog.String("op", req.Op), slog.Any("counts", resp.Counts), slog.Int("deleted", resp.Deleted))
		}
		return resp, err
	})
}
