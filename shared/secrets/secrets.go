// Package secrets reads a function's secrets from SSM Parameter Store: a SecureString
// named by the function's environment, read once at cold start and kept in memory
// for the instance's life. A secret never stands in the environment, the template or
// a log; the function's policy names exactly the parameters it reads
// (ssm:GetParameter), and SSM decrypts with its key for the function's role. A
// rotated secret reaches each instance at its next cold start.
//
// The call is one SigV4-signed GetParameter request (JSON 1.1) rather than the SSM
// SDK client, whose API model would add about 1 MB and its schema's init to the
// binary for one operation (as shared/lambdainvoke does for Invoke).
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"kontor/shared/fault"
)

// ErrNotSecure is a parameter that is not a SecureString: a secret kept in plain
// text is refused rather than used.
var ErrNotSecure = errors.New("secrets: parameter is not a SecureString")

// Client reads SecureStrings with the function's credentials.
type Client struct {
	Config aws.Config
	// Endpoint overrides SSM's endpoint; else AWS_ENDPOINT_URL_SSM, the config's
	// base endpoint (an emulator), or the region's.
	Endpoint string
	HTTP     *http.Client
}

func (c Client) endpoint() string {
	switch {
	case c.Endpoint != "":
		return strings.TrimRight(c.Endpoint, "/")
	case os.Getenv("AWS_ENDPOINT_URL_SSM") != "":
		return strings.TrimRight(os.Getenv("AWS_ENDPOINT_URL_SSM"), "/")
	case c.Config.BaseEndpoint != nil:
		return strings.TrimRight(*c.Config.BaseEndpoint, "/")
	}
	return "https://ssm." + c.Config.Region + ".amazonaws.com"
}

// Read returns the SecureString parameter name, decrypted, and refuses one shorter
// than minLen bytes. Errors name the parameter, never its value.
func (c Client) Read(ctx context.Context, name string, minLen int) ([]byte, error) {
	body, _ := json.Marshal(map[string]any{"Name": name, "WithDecryption": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.endpoint()+"/", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-amz-json-1.1")
	req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
	creds, err := c.Config.Credentials.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("read secret %s: credentials: %w", name, err)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "ssm", c.Config.Region, time.Now().UTC()); err != nil {
		return nil, fmt.Errorf("read secret %s: sign: %w", name, err)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w: %w", name, fault.ErrUnavailable, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return nil, fmt.Errorf("read secret %s: status %d: %w", name, resp.StatusCode, fault.ErrUnavailable)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Type string `json:"__type"`
		}
		_ = json.Unmarshal(raw, &e)
		return nil, fmt.Errorf("read secret %s: status %d %s", name, resp.StatusCode, e.Type)
	}
	var out struct {
		Parameter *struct {
			Type  string
			Value *string
		}
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("read secret %s: answer: %w", name, err)
	}
	p := out.Parameter
	if p == nil || p.Value == nil {
		return nil, fmt.Errorf("read secret %s: no value", name)
	}
	if p.Type != "SecureString" {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotSecure, name, p.Type)
	}
	if len(*p.Value) < minLen {
		return nil, fmt.Errorf("secret %s must have at least %d characters", name, minLen)
	}
	return []byte(*p.Value), nil
}
