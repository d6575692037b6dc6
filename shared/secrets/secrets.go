// Package secrets reads a function's secrets from SSM Parameter Store: a SecureString
// named by the function's environment, read once at cold start and kept in memory
// for the instance's life. A secret never stands in the environment, the template or
// a log; the function's policy names exactly the parameters it reads
// (ssm:GetParameter), and SSM decrypts with its key for the function's role. A
// rotated secret reaches each instance at its next cold start.
package secrets

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// Getter is the SSM call this package makes (*ssm.Client).
type Getter interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ Getter = (*ssm.Client)(nil)

// ErrNotSecure is a parameter that is not a SecureString: a secret kept in plain
// text is refused rather than used.
var ErrNotSecure = errors.New("secrets: parameter is not a SecureString")

// Read returns the SecureString parameter name, decrypted, and refuses one shorter
// than minLen bytes. Errors name the parameter, never its value.
func Read(ctx context.Context, ssmc Getter, name string, minLen int) ([]byte, error) {
	out, err := ssmc.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("read secret %s: %w", name, err)
	}
	p := out.Parameter
	if p == nil || p.Value == nil {
		return nil, fmt.Errorf("read secret %s: no value", name)
	}
	if p.Type != types.ParameterTypeSecureString {
		return nil, fmt.Errorf("%w: %s is %s", ErrNotSecure, name, p.Type)
	}
	if len(*p.Value) < minLen {
		return nil, fmt.Errorf("secret %s must have at least %d characters", name, minLen)
	}
	return []byte(*p.Value), nil
}

// FromConfig reads the SecureString name with an SSM client on cfg.
func FromConfig(ctx context.Context, cfg aws.Config, name string, minLen int) ([]byte, error) {
	return Read(ctx, ssm.NewFromConfig(cfg), name, minLen)
}
