package requestlog

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
)

// MustAggregator builds the aggregator from REQUEST_LOG_TABLE and REQUEST_LOG_MODE,
// or exits at start-up.
func MustAggregator(log *slog.Logger) *Aggregator {
	return env.Must(log, func(ctx context.Context) (*Aggregator, error) {
		cfg, err := env.AWS(ctx)
		if err != nil {
			return nil, err
		}
		var r env.Reader
		a := &Aggregator{DB: dynamodb.NewFromConfig(cfg), Table: r.String("REQUEST_LOG_TABLE"), Mode: os.Getenv("REQUEST_LOG_MODE"),
			Now: func() time.Time { return time.Now().UTC() }, Log: log}
		if err := r.Err(); err != nil {
			return nil, err
		}
		if _, err := Retention(a.Mode); err != nil {
			return nil, err
		}
		return a, nil
	})
}
