package privacywire

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"kontor/shared/modules"
	"kontor/shared/privacy/privacyapi"
	"kontor/shared/privacy/rights"
)

// Every retention period a kind names is a template parameter that the record of
// processing reports: mapped here, and passed to the processing function.
func TestEveryRetentionParameterIsReported(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tpl := string(raw)
	start := strings.Index(tpl, "\n  ProcessingFunction:\n")
	if start < 0 {
		t.Fatal("no ProcessingFunction in template.yaml")
	}
	processing := tpl[start:]
	if end := strings.Index(processing[1:], "\n  ProcessingLogs:"); end > 0 {
		processing = processing[:end]
	}
	globals := tpl[:strings.Index(tpl, "\nResources:")]
	globals = globals[strings.Index(globals, "\nGlobals:"):]
	n := 0
	for _, m := range Declarations() {
		for _, k := range m.Kinds() {
			p := k.Retention.Parameter
			if p == "" {
				continue
			}
			n++
			env, ok := paramEnv[p]
			if !ok {
				t.Errorf("%s: parameter %s is not reported", k.ID, p)
				continue
			}
			if !strings.Contains(tpl, "\n  "+p+":\n") {
				t.Errorf("%s: parameter %s is not in template.yaml", k.ID, p)
			}
			if !strings.Contains(processing, env+": !Ref "+p) && !strings.Contains(globals, env+": !Ref "+p) {
				t.Errorf("%s: ProcessingFunction does not get %s", k.ID, env)
			}
		}
	}
	if n < 3 {
		t.Fatalf("only %d kinds name a retention parameter", n)
	}
}

// variables returns the environment variables template.yaml gives a function: its
// own and the global ones.
func variables(t *testing.T, tpl, logicalID string) map[string]bool {
	t.Helper()
	block := func(start string) string {
		i := strings.Index(tpl, start)
		if i < 0 {
			t.Fatalf("no %q in template.yaml", strings.TrimSpace(start))
		}
		b := tpl[i+len(start):]
		if end := regexp.MustCompile(`\n  [A-Za-z]`).FindStringIndex(b); end != nil {
			b = b[:end[0]]
		}
		return b
	}
	out := map[string]bool{}
	name := regexp.MustCompile(`^\s+([A-Z0-9_]+):`)
	for _, b := range []string{block("\nGlobals:\n"), block("\n  " + logicalID + ":\n")} {
		_, vars, ok := strings.Cut(b, "Variables:\n")
		if !ok {
			continue
		}
		for _, line := range strings.Split(vars, "\n") {
			m := name.FindStringSubmatch(line)
			if m == nil {
				break
			}
			out[m[1]] = true
		}
	}
	return out
}

// builders are the privacy functions, by template logical id, with the parts the
// routes (or the sweep) of each use.
var builders = []struct {
	function string
	build    func(context.Context, *slog.Logger) (*rights.Service, error)
	uses     func(*rights.Service) map[string]bool
}{
	{"ExportFunction", asService(Export), func(s *rights.Service) map[string]bool {
		return map[string]bool{"Flags": s.Flags != nil, "LegalHolds": s.LegalHolds != nil, "People": s.People != nil, "self": self(s)}
	}},
	{"ConsentsFunction", asService(Consents), func(s *rights.Service) map[string]bool {
		return map[string]bool{"Ledger": s.Ledger != nil, "Flags": s.Flags != nil, "People": s.People != nil, "Withdrawers": len(s.Withdrawers) > 0}
	}},
	{"ErasureFunction", asService(Erasure), func(s *rights.Service) map[string]bool {
		return map[string]bool{"Ledger": s.Ledger != nil, "Flags": s.Flags != nil, "LegalHolds": s.LegalHolds != nil, "Jobs": s.Jobs != nil,
			"People": s.People != nil, "Deactivators": len(s.Deactivators) > 0, "Withdrawers": len(s.Withdrawers) > 0, "self": self(s)}
	}},
	{"HoldsFunction", asService(Holds), func(s *rights.Service) map[string]bool {
		return map[string]bool{"LegalHolds": s.LegalHolds != nil, "AuditLog": s.AuditLog != nil, "People": s.People != nil, "Mail": s.Mail != nil}
	}},
	{"ProcessingFunction", asService(Processing), func(s *rights.Service) map[string]bool {
		return map[string]bool{"Purposes": len(s.Purposes) > 0, "Modules": len(s.Modules) > 0}
	}},
	{"RetentionSweepFunction", Retention, func(s *rights.Service) map[string]bool {
		return map[string]bool{"Flags": s.Flags != nil, "LegalHolds": s.LegalHolds != nil, "Jobs": s.Jobs != nil, "Receipts": s.Receipts != nil,
			"Deactivators": len(s.Deactivators) > 0, "self": self(s)}
	}},
}

func asService(build func(context.Context, *slog.Logger) (privacyapi.Handlers, error)) func(context.Context, *slog.Logger) (*rights.Service, error) {
	return func(ctx context.Context, log *slog.Logger) (*rights.Service, error) {
		h, err := build(ctx, log)
		return h.Svc, err
	}
}

// self reports whether the privacy module's own data is the last module, on a store.
func self(s *rights.Service) bool {
	if len(s.Modules) == 0 {
		return false
	}
	m, ok := s.Modules[len(s.Modules)-1].(rights.SelfModule)
	return ok && m.Store != nil
}

// Each privacy function's builder reads what its routes use: given the variables
// template.yaml sets for the function, it builds every part; without them it fails
// at start-up, so no route meets a missing part in a request.
func TestEachBuilderHasWhatItsRoutesUse(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	known := []string{"PRIVACY_TABLE", "OUTBOX_TABLE"}
	for _, m := range modules.List() {
		known = append(known, m.EnvName())
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, b := range builders {
		t.Run(b.function, func(t *testing.T) {
			t.Setenv("AWS_ACCESS_KEY_ID", "test")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
			for _, k := range known {
				t.Setenv(k, "")
			}
			vars := variables(t, string(raw), b.function)
			if _, err := b.build(context.Background(), log); err == nil && slices.ContainsFunc(known, func(k string) bool { return vars[k] }) {
				t.Fatal("built without its configuration")
			}
			for k := range vars {
				t.Setenv(k, "x")
			}
			svc, err := b.build(context.Background(), log)
			if err != nil {
				t.Fatalf("with the template's variables: %v", err)
			}
			for part, ok := range b.uses(svc) {
				if !ok {
					t.Errorf("%s is missing", part)
				}
			}
		})
	}
}
