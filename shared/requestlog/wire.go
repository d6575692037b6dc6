package requestlog

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
)

// BenchCaptureVariable switches capture for `make bench` only (template.yaml never
// sets it): "off" captures nothing, "sync" waits for the record's write before the
// response, as capture did before it moved off the response path (bounded by
// SyncTimeout). Anything else is the normal capture.
const BenchCaptureVariable = "KONTOR_BENCH_CAPTURE"

// SyncTimeout bounds the wait of the "sync" bench variant, as the synchronous
// capture was bounded.
const SyncTimeout = 300 * time.Millisecond

// MustCapture builds the request capture of a function from REQUEST_LOG_TABLE and
// REQUEST_LOG_MODE, or exits at start-up. Under Lambda it also registers the
// capture's internal extension and its SIGTERM flush (Writer.RunInLambda), so it
// must be called during init.
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
		variant := os.Getenv(BenchCaptureVariable)
		if variant == "off" {
			return nil, nil
		}
		w := &Writer{Recorder: &Recorder{DB: dynamodb.NewFromConfig(cfg), Table: table, Retention: keep}, Log: log}
		c := Capturer{Writer: w, Feature: feature}
		if variant == "sync" {
			// As before: the response waits for the write.
			return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest, status int, public bool) error {
				_ = c.Capture(ctx, ev, status, public)
				fctx, cancel := context.WithTimeout(ctx, SyncTimeout)
				defer cancel()
				return w.Flush(fctx)
			}, nil
		}
		w.Delay = WriteDelay
		w.RunInLambda(log)
		return c.Capture, nil
	})
}
