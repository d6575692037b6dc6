package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// ssmStub answers GetParameter from params (type, value), checking what a real SSM
// endpoint checks of the request's shape.
func ssmStub(t *testing.T, params map[string][2]string) Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") ||
			!strings.Contains(r.Header.Get("Authorization"), "/eu-central-1/ssm/aws4_request") {
			http.Error(w, `{"__type":"InvalidSignatureException"}`, http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		var in struct {
			Name           string
			WithDecryption bool
		}
		if json.Unmarshal(b, &in) != nil || !in.WithDecryption {
			http.Error(w, `{"__type":"ValidationException"}`, http.StatusBadRequest)
			return
		}
		p, ok := params[in.Name]
		if !ok {
			http.Error(w, `{"__type":"ParameterNotFound"}`, http.StatusBadRequest)
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{"Name": in.Name, "Type": p[0], "Value": p[1]}})
	}))
	t.Cleanup(srv.Close)
	cfg := aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")}
	return Client{Config: cfg, Endpoint: srv.URL}
}

func TestReadRefusesPlainShortAndMissingSecrets(t *testing.T) {
	long := strings.Repeat("s", 40)
	c := ssmStub(t, map[string][2]string{
		"/k/ok":    {"SecureString", long},
		"/k/plain": {"String", long},
		"/k/short": {"SecureString", "short"},
	})
	ctx := context.Background()
	if b, err := c.Read(ctx, "/k/ok", 32); err != nil || string(b) != long {
		t.Fatalf("ok: %q %v", b, err)
	}
	if _, err := c.Read(ctx, "/k/plain", 32); !errors.Is(err, ErrNotSecure) {
		t.Fatalf("plain: %v", err)
	}
	for _, name := range []string{"/k/short", "/k/missing"} {
		_, err := c.Read(ctx, name, 32)
		if err == nil || strings.Contains(err.Error(), "short\"") || !strings.Contains(err.Error(), name) {
			t.Fatalf("%s: %v", name, err)
		}
	}
}
