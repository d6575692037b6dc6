package insurancewire_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"kontor/shared/insurance/claimswire"
	"kontor/shared/insurance/insurancewire"
	"kontor/shared/insurance/registrationwire"
)

// function is one of the module's Lambda functions: its resource in template.yaml,
// its builder, and the environment variables the builder needs.
type function struct {
	resource string
	build    func(context.Context) error
	vars     []string
}

// fakeSecret stands in for SSM: any named parameter holds a long enough secret.
func fakeSecret(_ context.Context, name string) ([]byte, error) {
	if name == "" {
		return nil, errors.New("no parameter name")
	}
	return []byte(strings.Repeat("s", registrationwire.MinSecretBytes)), nil
}

func functions() []function {
	log := slog.New(slog.DiscardHandler)
	bucket := []string{"INSURANCE_TABLE", "INVOICE_BUCKET", "INVOICE_KEY_ARN"}
	return []function{
		{"ContractImportFunction", func(ctx context.Context) error { _, err := insurancewire.Import(ctx); return err }, []string{"INSURANCE_TABLE"}},
		{"ContractsFunction", func(ctx context.Context) error { _, err := insurancewire.Contracts(ctx); return err }, []string{"INSURANCE_TABLE"}},
		{"RegistrationFunction", func(ctx context.Context) error { _, err := registrationwire.Build(ctx, log, fakeSecret); return err },
			[]string{"INSURANCE_TABLE", "IDENTITY_PRIVACY_FUNCTION", "APP_BASE_URL", "TERMS_VERSION", "PRIVACY_VERSION", "EID_PROVIDER_URL", "EID_CALLBACK_SECRET_PARAMETER"}},
		{"ClaimsFunction", func(ctx context.Context) error { _, err := claimswire.Claims(ctx, log); return err }, bucket},
		{"ClaimReviewFunction", func(ctx context.Context) error { _, err := claimswire.Review(ctx, log); return err }, append(bucket, "PRIVACY_TABLE")},
		{"InsurancePrivacyFunction", func(ctx context.Context) error { _, err := claimswire.Privacy(ctx, log); return err }, bucket},
	}
}

// Each function starts with exactly its own environment, and refuses to start,
// naming the variable, when one is missing.
func TestEachFunctionStartsWithItsOwnEnvironment(t *testing.T) {
	all := map[string]bool{}
	for _, f := range functions() {
		for _, v := range f.vars {
			all[v] = true
		}
	}
	for _, f := range functions() {
		t.Run(f.resource, func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", "test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
			for v := range all {
				t.Setenv(v, "")
			}
			for _, v := range f.vars {
				t.Setenv(v, strings.Repeat("x", registrationwire.MinSecretBytes))
			}
			if err := f.build(context.Background()); err != nil {
				t.Fatalf("with its environment: %v", err)
			}
			for _, v := range f.vars {
				t.Setenv(v, "")
				if err := f.build(context.Background()); err == nil || !strings.Contains(err.Error(), v) {
					t.Errorf("without %s: %v", v, err)
				}
				t.Setenv(v, strings.Repeat("x", registrationwire.MinSecretBytes))
			}
		})
	}
}

// The template gives each function what its builder needs.
func TestTheTemplateGivesEachFunctionItsEnvironment(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl := string(raw)
	globals := tpl[strings.Index(tpl, "\nGlobals:"):strings.Index(tpl, "\nResources:")]
	next := regexp.MustCompile(`\n  [A-Za-z]+:\n`)
	for _, f := range functions() {
		start := strings.Index(tpl, "\n  "+f.resource+":\n")
		if start < 0 {
			t.Errorf("no %s in template.yaml", f.resource)
			continue
		}
		res := tpl[start+1:]
		if end := next.FindStringIndex(res); end != nil {
			res = res[:end[0]]
		}
		for _, v := range f.vars {
			if !strings.Contains(res, "\n          "+v+": ") && !strings.Contains(globals, "\n        "+v+": ") {
				t.Errorf("%s does not get %s", f.resource, v)
			}
		}
	}
}
