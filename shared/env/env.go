// Package env reads a function's configuration from its environment and builds the
// AWS configuration every function shares. Missing configuration fails at start-up,
// never in the middle of a request.
package env

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Deadlines of every AWS call a function makes. A dependency that hangs (a paused
// emulator, a network partition) fails an attempt within the attempt timeout, and a
// call gives up after MaxAttempts: inside a request function's 10 s, so the function
// answers 503 instead of being stopped by Lambda (the router's handler deadline,
// httpapi.HandlerReserve, bounds the whole request on top). Functions that work in
// batches with minutes of time (sweeps, aggregation, the outbox) set a longer attempt
// timeout in KONTOR_CALL_TIMEOUT_SECONDS: a page of a large query may take seconds.
const (
	DialTimeout           = time.Second
	DefaultAttemptTimeout = 4 * time.Second
	MaxAttempts           = 3
	MaxBackoff            = 400 * time.Millisecond
)

// attemptTimeout is DefaultAttemptTimeout or KONTOR_CALL_TIMEOUT_SECONDS.
func attemptTimeout() time.Duration {
	if n, err := strconv.Atoi(os.Getenv("KONTOR_CALL_TIMEOUT_SECONDS")); err == nil && n > 0 {
		return time.Duration(n) * time.Second
	}
	return DefaultAttemptTimeout
}

// DefaultRegion is where Kontor keeps data (AHK-6) when AWS_REGION is not set.
const DefaultRegion = "eu-central-1"

// Reader collects configuration values and remembers the first problem, so wiring
// code reads every value and checks once.
type Reader struct{ err error }

// String returns the variable's value; an empty or missing one is an error.
func (r *Reader) String(name string) string {
	v := os.Getenv(name)
	if v == "" && r.err == nil {
		r.err = fmt.Errorf("environment variable %s is not set", name)
	}
	return v
}

// Minutes returns a positive whole number of minutes read from name, or def when unset.
func (r *Reader) Minutes(name string, def time.Duration) time.Duration {
	return r.duration(name, time.Minute, def)
}

// Days returns a positive whole number of days read from name, or def when unset.
func (r *Reader) Days(name string, def time.Duration) time.Duration {
	return r.duration(name, 24*time.Hour, def)
}

// Hours returns a positive whole number of hours read from name, or def when unset.
func (r *Reader) Hours(name string, def time.Duration) time.Duration {
	return r.duration(name, time.Hour, def)
}

// Count returns a positive whole number read from name, or def when unset.
func (r *Reader) Count(name string, def int) int {
	return int(r.duration(name, 1, time.Duration(def)))
}

func (r *Reader) duration(name string, unit, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		if r.err == nil {
			r.err = fmt.Errorf("environment variable %s=%q is not a positive number", name, v)
		}
		return def
	}
	return time.Duration(n) * unit
}

// Err returns the first problem met while reading.
func (r *Reader) Err() error { return r.err }

// AWS builds the AWS configuration from the environment Lambda provides: region
// (AWS_REGION, else eu-central-1), the execution role's credentials
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN) and, for a local
// emulator, AWS_ENDPOINT_URL. It deliberately does not use config.LoadDefaultConfig:
// the shared-config, SSO and STS providers it links in add megabytes to every binary
// and time to every cold start, and a Lambda function never uses them.
func AWS(_ context.Context) (aws.Config, error) {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	if region == "" {
		region = DefaultRegion
	}
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if key == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("load AWS config: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
	}
	attempt := attemptTimeout()
	cfg := aws.Config{
		Region:      region,
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN"))),
		HTTPClient: awshttp.NewBuildableClient().
			WithTimeout(attempt).
			WithDialerOptions(func(d *net.Dialer) { d.Timeout = DialTimeout }).
			WithTransportOptions(func(t *http.Transport) { t.ResponseHeaderTimeout = attempt }),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts, o.MaxBackoff = MaxAttempts, MaxBackoff
			})
		},
	}
	// AWS_ENDPOINT_URL is the SDK's own variable (the docker-free stack sets it);
	// KONTOR_ENDPOINT_URL comes from the template, so sam local can override it.
	for _, name := range []string{"AWS_ENDPOINT_URL", "KONTOR_ENDPOINT_URL"} {
		if ep := os.Getenv(name); ep != "" {
			cfg.BaseEndpoint = aws.String(ep)
			break
		}
	}
	return cfg, nil
}

// Must builds what a function needs at start-up, or logs the problem and exits,
// which Lambda reports as an init error: missing configuration never surfaces in
// the middle of a request.
func Must[T any](log *slog.Logger, build func(context.Context) (T, error)) T {
	v, err := build(context.Background())
	if err != nil {
		log.Error("init failed", slog.String("error", err.Error()))
		fmt.Fprintln(os.Stderr, "init failed:", err)
		os.Exit(1)
	}
	return v
}
