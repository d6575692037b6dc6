// Package lambdainvoke calls another function synchronously through the Lambda
// Invoke API, signed with SigV4. It is a few lines instead of the Lambda SDK client,
// which would add its whole API model to every binary that only needs Invoke.
package lambdainvoke

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"kontor/shared/fault"
)

// MaxResponse bounds a function's answer (Lambda's own limit is 6 MB).
const MaxResponse = 6 << 20

// Client invokes functions.
type Client struct {
	Config aws.Config
	// Endpoint is the Lambda API; empty means AWS_ENDPOINT_URL_LAMBDA, the
	// configuration's base endpoint, or the regional endpoint, in that order.
	Endpoint string
	HTTP     *http.Client
}

// FunctionError is a function's own failure (X-Amz-Function-Error).
type FunctionError struct {
	Function string
	Payload  string
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("function %s failed: %.200s", e.Function, e.Payload)
}

// UnavailableType is the errorType with which a function reports that a dependency
// of its own was unavailable (fault.Unavailable): an outage, not a defect.
const UnavailableType = "DependencyUnavailable"

// Unwrap is fault.ErrUnavailable when the function reported an outage
// (UnavailableType), so its caller answers 503 with Retry-After as for an outage of
// its own, not 500: the invocation must not turn an outage into a defect.
func (e *FunctionError) Unwrap() error {
	var p struct {
		ErrorType string `json:"errorType"`
	}
	if json.Unmarshal([]byte(e.Payload), &p) == nil && p.ErrorType == UnavailableType {
		return fault.ErrUnavailable
	}
	return nil
}

func (c Client) endpoint() string {
	if c.Endpoint != "" {
		return strings.TrimRight(c.Endpoint, "/")
	}
	if ep := os.Getenv("AWS_ENDPOINT_URL_LAMBDA"); ep != "" {
		return strings.TrimRight(ep, "/")
	}
	if c.Config.BaseEndpoint != nil {
		return strings.TrimRight(*c.Config.BaseEndpoint, "/")
	}
	return "https://lambda." + c.Config.Region + ".amazonaws.com"
}

// Invoke runs function (name or ARN) with payload and returns its answer.
func (c Client) Invoke(ctx context.Context, function string, payload []byte) ([]byte, error) {
	u := c.endpoint() + "/2015-03-31/functions/" + url.PathEscape(function) + "/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
	sum := sha256.Sum256(payload)
	creds, err := c.Config.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: credentials: %w", function, err)
	}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "lambda", c.Config.Region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("invoke %s: sign: %w", function, err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", function, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponse+1))
	if err != nil {
		return nil, fmt.Errorf("invoke %s: read: %w", function, err)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		// Throttled or the service failing: an outage, answered 503 upstream.
		return nil, fmt.Errorf("invoke %s: status %d: %w", function, resp.StatusCode, fault.ErrUnavailable)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("invoke %s: status %d: %.200s", function, resp.StatusCode, body)
	}
	if resp.Header.Get("X-Amz-Function-Error") != "" {
		return nil, &FunctionError{Function: function, Payload: string(body)}
	}
	return body, nil
}
