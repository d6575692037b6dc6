package secrets

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

type fakeSSM map[string]types.Parameter

func (f fakeSSM) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	if !aws.ToBool(in.WithDecryption) {
		return nil, errors.New("asked without decryption")
	}
	p, ok := f[aws.ToString(in.Name)]
	if !ok {
		return nil, errors.New("ParameterNotFound")
	}
	return &ssm.GetParameterOutput{Parameter: &p}, nil
}

func TestReadRefusesPlainShortAndMissingSecrets(t *testing.T) {
	long := strings.Repeat("s", 40)
	f := fakeSSM{
		"/k/ok":    {Type: types.ParameterTypeSecureString, Value: aws.String(long)},
		"/k/plain": {Type: types.ParameterTypeString, Value: aws.String(long)},
		"/k/short": {Type: types.ParameterTypeSecureString, Value: aws.String("short")},
	}
	if b, err := Read(context.Background(), f, "/k/ok", 32); err != nil || string(b) != long {
		t.Fatalf("ok: %q %v", b, err)
	}
	if _, err := Read(context.Background(), f, "/k/plain", 32); !errors.Is(err, ErrNotSecure) {
		t.Fatalf("plain: %v", err)
	}
	for _, name := range []string{"/k/short", "/k/missing"} {
		_, err := Read(context.Background(), f, name, 32)
		if err == nil || strings.Contains(err.Error(), "short\"") || !strings.Contains(err.Error(), name) {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
