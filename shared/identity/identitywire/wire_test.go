package identitywire_test

import (
	"context"
	"log/slog"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"kontor/infra/template"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identitywire"
)

// builder is one function's builder, with the variables it cannot start without
// and the routes it serves (none for the authorizer and the privacy function).
type builder struct {
	function string
	build    func(context.Context, *slog.Logger) (map[string]httpapi.Route, error)
	required []string
}

// noRoutes is a builder of something other than routes, as a builder of none.
func noRoutes[T any](build func(context.Context, *slog.Logger) (T, error)) func(context.Context, *slog.Logger) (map[string]httpapi.Route, error) {
	return func(ctx context.Context, log *slog.Logger) (map[string]httpapi.Route, error) {
		_, err := build(ctx, log)
		return nil, err
	}
}

var (
	mailVars = []string{"OUTBOX_TABLE", "LIMIT_TABLE", "APP_BASE_URL"}
	builders = []builder{
		{"AccountsFunction", identitywire.AccountRoutes, append([]string{"IDENTITY_TABLE", "TERMS_VERSION", "PRIVACY_VERSION"}, mailVars...)},
		{"MembersFunction", identitywire.MemberRoutes, append([]string{"IDENTITY_TABLE", "SESSION_TABLE", "PRIVACY_TABLE", "NETWORK_PRIVACY_FUNCTION"}, mailVars...)},
		{"SessionsFunction", identitywire.SessionRoutes, []string{"IDENTITY_TABLE", "SESSION_TABLE", "EVIDENCE_TABLE"}},
		{"PasswordFunction", identitywire.PasswordRoutes, append([]string{"IDENTITY_TABLE", "SESSION_TABLE"}, mailVars...)},
		{"MeFunction", identitywire.MeRoutes, append([]string{"IDENTITY_TABLE"}, mailVars...)},
		{"DevicesFunction", identitywire.DeviceRoutes, []string{"IDENTITY_TABLE"}},
		{"AuthorizerFunction", noRoutes(identitywire.Authorizer), []string{"SESSION_TABLE"}},
		{"IdentityPrivacyFunction", noRoutes(func(ctx context.Context, _ *slog.Logger) (any, error) { return identitywire.Privacy(ctx) }),
			append([]string{"IDENTITY_TABLE", "SESSION_TABLE", "TERMS_VERSION", "PRIVACY_VERSION"}, mailVars...)},
	}
)

// every variable any identity builder reads, cleared before each case so the
// developer's environment does not leak in.
var read = []string{"IDENTITY_TABLE", "SESSION_TABLE", "SESSION_IDLE_MINUTES", "SESSION_ABSOLUTE_HOURS", "OUTBOX_TABLE",
	"LIMIT_TABLE", "APP_BASE_URL", "TERMS_VERSION", "PRIVACY_VERSION", "EVIDENCE_TABLE", "EVIDENCE_RETENTION_DAYS", "PRIVACY_TABLE", "NETWORK_PRIVACY_FUNCTION"}

// Each function starts with the environment template.yaml gives it, serves the
// routes the template sends it, and stops at start-up when a variable its routes
// need is missing.
func TestEveryFunctionStartsWithItsTemplateEnvironmentAndWithNothingLess(t *testing.T) {
	tpl, err := template.Load(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	res := template.Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012"}
	log := slog.New(slog.DiscardHandler)
	for _, b := range builders {
		t.Run(b.function, func(t *testing.T) {
			f, ok := tpl.Function(b.function)
			if !ok {
				t.Fatalf("template.yaml has no %s", b.function)
			}
			vars, err := res.Env(f)
			if err != nil {
				t.Fatal(err)
			}
			setEnv := func(without string) {
				t.Setenv("AWS_ACCESS_KEY_ID", "test")
				t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
				for _, k := range read {
					t.Setenv(k, "")
				}
				for k, v := range vars {
					if k != without {
						t.Setenv(k, v)
					}
				}
			}
			setEnv("")
			routes, err := b.build(context.Background(), log)
			if err != nil {
				t.Fatalf("with the template's environment: %v", err)
			}
			if len(f.Routes) > 0 {
				var want []string
				for _, r := range f.Routes {
					want = append(want, r.Key())
				}
				slices.Sort(want)
				if got := slices.Sorted(maps.Keys(routes)); !slices.Equal(got, want) {
					t.Errorf("serves %v, the template routes %v", got, want)
				}
			}
			for _, k := range b.required {
				setEnv(k)
				if _, err := b.build(context.Background(), log); err == nil || !strings.Contains(err.Error(), k) {
					t.Errorf("without %s: %v", k, err)
				}
			}
		})
	}
}
