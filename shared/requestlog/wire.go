package requestlog

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
)

// MustCapture builds the request capture of a function from REQUEST_LOG_TABLE and
// REQUEST_LOG_MODE, or exits at start-up.
func MustCapture(log *slog.Logger, feature string) httpapi.Capture {
	return env.Must(log, func(ctx context.Context) (httpapi.Capture, error) {
		cfg, err := env.AWS(ctx)
		if err != nil {
			return nil, err
		}
		var r env.Reader
		table := r.String("REQUEST_LOG_TABLE")
		if err := r.Err(); err != nil {
			return nil, err
		}
		keep, err := Retention(os.Getenv("REQUEST_LOG_MODE"))
		if err != nil {
			return nil, err
		}
		c := Capturer{Recorder: &Recorder{DB: dynamodb.NewFromConfig(cfg), Table: table, Retention: keep}, Feature: feature}
		return c.Capture, nil
	})
}
