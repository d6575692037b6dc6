// Package requestlogwire builds the request log's parts from a function's
// environment: the capture every HTTP function runs, the hourly aggregator and the
// stats function's handlers.
package requestlogwire

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/evidence"
	"kontor/shared/httpapi"
	"kontor/shared/privacy/privacydb"
	"kontor/shared/requestlog"
	"kontor/shared/requestlog/requestlogapi"
	"kontor/shared/requestlog/requestlogdb"
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
		keep, err := requestlog.Retention(os.Getenv("REQUEST_LOG_MODE"))
		if err != nil {
			return nil, err
		}
		variant := os.Getenv(BenchCaptureVariable)
		if variant == "off" {
			return nil, nil
		}
		w := &requestlog.Writer{Recorder: &requestlogdb.Recorder{DB: dynamodb.NewFromConfig(cfg), Table: table, Retention: keep}, Log: log}
		c := requestlog.Capturer{Writer: w, Feature: feature}
		if variant == "sync" {
			// As before: the response waits for the write.
			return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest, status int, public bool) error {
				_ = c.Capture(ctx, ev, status, public)
				fctx, cancel := context.WithTimeout(ctx, SyncTimeout)
				defer cancel()
				return w.Flush(fctx)
			}, nil
		}
		w.Delay = requestlog.WriteDelay
		w.RunInLambda(log)
		return c.Capture, nil
	})
}

// Aggregator builds the aggregator from REQUEST_LOG_TABLE and REQUEST_LOG_MODE.
func Aggregator(ctx context.Context, log *slog.Logger) (*requestlogdb.Aggregator, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	a := &requestlogdb.Aggregator{DB: dynamodb.NewFromConfig(cfg), Table: r.String("REQUEST_LOG_TABLE"), Mode: os.Getenv("REQUEST_LOG_MODE"),
		Now: func() time.Time { return time.Now().UTC() }, Log: log}
	if err := r.Err(); err != nil {
		return nil, err
	}
	if _, err := requestlog.Retention(a.Mode); err != nil {
		return nil, err
	}
	return a, nil
}

// MustAggregator is Aggregator for main: it exits when configuration is missing.
func MustAggregator(log *slog.Logger) *requestlogdb.Aggregator {
	return env.Must(log, func(ctx context.Context) (*requestlogdb.Aggregator, error) { return Aggregator(ctx, log) })
}

// Handlers builds the stats function's handlers: the aggregator's statistics and
// kept raw records, the evidence log (EVIDENCE_TABLE) and the audit log every read
// is recorded in (PRIVACY_TABLE).
func Handlers(ctx context.Context, log *slog.Logger) (requestlogapi.Handlers, error) {
	agg, err := Aggregator(ctx, log)
	if err != nil {
		return requestlogapi.Handlers{}, err
	}
	cfg, err := env.AWS(ctx)
	if err != nil {
		return requestlogapi.Handlers{}, err
	}
	db := dynamodb.NewFromConfig(cfg)
	var r env.Reader
	h := requestlogapi.Handlers{
		Agg:      agg,
		Evidence: &evidence.Log{DB: db, Table: r.String("EVIDENCE_TABLE")},
		Audit:    &privacydb.Store{DB: db, Table: r.String("PRIVACY_TABLE")},
		Now:      func() time.Time { return time.Now().UTC() },
	}
	return h, r.Err()
}

// MustHandlers is Handlers for main: it exits when configuration is missing.
func MustHandlers(log *slog.Logger) requestlogapi.Handlers {
	return env.Must(log, func(ctx context.Context) (requestlogapi.Handlers, error) { return Handlers(ctx, log) })
}
