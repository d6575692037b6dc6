// Command stats serves the admin's statistics, raw request records (security mode)
// and sign-in evidence.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/logging"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogapi"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("stats")
	h := env.Must(log, func(ctx context.Context) (requestlogapi.Handlers, error) {
		cfg, err := env.AWS(ctx)
		if err != nil {
			return requestlogapi.Handlers{}, err
		}
		db := dynamodb.NewFromConfig(cfg)
		var r env.Reader
		h := requestlogapi.Handlers{
			Agg:      requestlog.MustAggregator(log),
			Evidence: &evidence.Log{DB: db, Table: r.String("EVIDENCE_TABLE")},
			Audit:    &privacydb.Store{DB: db, Table: r.String("PRIVACY_TABLE")},
			Now:      func() time.Time { return time.Now().UTC() },
		}
		return h, r.Err()
	})
	serve.HTTP(log, "stats", h.Routes())
}
