package insurancewire

import "context"

// ReadSecretsFrom makes the builders read secrets from fn for a test.
func ReadSecretsFrom(fn func(ctx context.Context, name string) ([]byte, error)) (restore func()) {
	old := readSecret
	readSecret = fn
	return func() { readSecret = old }
}
