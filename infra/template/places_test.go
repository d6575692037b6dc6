package template

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"kontor/shared/modules"
)

// policy is one inline policy of a function, resolved.
type policy struct {
	Statement []struct {
		Action    []string
		Resource  any
		Condition any
	}
}

// policies returns a function's inline policies with every reference resolved.
func policies(t *testing.T, r Resolver, tpl *Template, id string) []policy {
	t.Helper()
	tree, err := r.Tree(get(tpl.Properties(id), "Policies"))
	if err != nil {
		t.Fatal(err)
	}
	var pols []policy
	b, _ := json.Marshal(tree)
	if err := json.Unmarshal(b, &pols); err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	return pols
}

// invokes returns the functions a function's policy lets it invoke.
func invokes(t *testing.T, r Resolver, tpl *Template, id string) []string {
	t.Helper()
	fn := regexp.MustCompile(`function:kontor-([A-Za-z]+Function)`)
	var out []string
	for _, p := range policies(t, r, tpl, id) {
		for _, st := range p.Statement {
			if !slices.Contains(st.Action, "lambda:InvokeFunction") {
				continue
			}
			rb, _ := json.Marshal(st.Resource)
			for _, g := range fn.FindAllStringSubmatch(string(rb), -1) {
				out = append(out, g[1])
			}
		}
	}
	sort.Strings(out)
	return out
}

// A module's privacy function is named to the privacy core in two places of each
// core function, its environment (modules.Module.EnvName) and its invoke permission;
// this holds them together, and holds the functions that visit every module (export,
// erasure, the sweep) and the consent ledger (every module whose data rests on a
// consent) to the module list, so a new module's missing line is named here rather
// than found at start-up.
func TestPrivacyCoreReachesEveryModule(t *testing.T) {
	tpl := loadReal(t)
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012", Parameters: map[string]string{},
		Physical: map[string]string{"InsuranceKey": "k-insurance", "LogsKey": "k-logs"}}
	byEnv := map[string]modules.Module{}
	var all, withdraws []string
	for _, m := range modules.List() {
		if m.Function == "" {
			continue
		}
		byEnv[m.EnvName()] = m
		all = append(all, m.Function)
		if m.Withdraws || m.Resolves {
			withdraws = append(withdraws, m.Function)
		}
	}
	sort.Strings(all)
	sort.Strings(withdraws)
	want := map[string][]string{"ExportFunction": all, "ErasureFunction": all, "RetentionSweepFunction": all, "ConsentsFunction": withdraws}
	for _, f := range tpl.Functions {
		var named []string
		for name, v := range f.Env {
			if !strings.HasSuffix(name, "_PRIVACY_FUNCTION") {
				continue
			}
			m, ok := byEnv[name]
			if !ok {
				t.Errorf("%s: %s names no module's privacy function", f.LogicalID, name)
				continue
			}
			if v.Tag != "!Ref" || v.Value != m.Function {
				t.Errorf("%s: %s is %s %s, want !Ref %s", f.LogicalID, name, v.Tag, v.Value, m.Function)
			}
			named = append(named, m.Function)
		}
		sort.Strings(named)
		if got := invokes(t, r, tpl, f.LogicalID); !slices.Equal(got, named) {
			t.Errorf("%s: may invoke %v but its environment names %v: each privacy function in both or neither", f.LogicalID, got, named)
		}
		if w, ok := want[f.LogicalID]; ok && !slices.Equal(named, w) {
			t.Errorf("%s reaches %v, want every such module of the module list: %v", f.LogicalID, named, w)
		}
	}
	for id := range want {
		if _, ok := tpl.Function(id); !ok {
			t.Errorf("no %s in template.yaml", id)
		}
	}
}

// sam local reads every function's resource names from infra/samlocal/env.json (it
// does not resolve !Ref in environment variables for a stack it did not deploy):
// each table, bucket and privacy function a function's environment names is there,
// under the name the stack gives it.
func TestSamLocalEnvNamesEveryResource(t *testing.T) {
	tpl := loadReal(t)
	b, err := os.ReadFile(filepath.Join("..", "samlocal", "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env struct{ Parameters map[string]string }
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	for _, f := range tpl.Functions {
		for name, v := range f.Env {
			if v.Tag != "!Ref" {
				continue
			}
			var want string
			switch tpl.Type(v.Value) {
			case "AWS::DynamoDB::Table", "AWS::S3::Bucket":
				want = "kontor-" + v.Value
			case "AWS::Serverless::Function":
				want = v.Value
			default:
				continue
			}
			if got, ok := env.Parameters[name]; !ok || got != want {
				t.Errorf("%s: %s (!Ref %s) is %q in infra/samlocal/env.json, want %q", f.LogicalID, name, v.Value, got, want)
			}
		}
	}
}
