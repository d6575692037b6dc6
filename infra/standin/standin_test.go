package standin

import (
	"fmt"
	"path/filepath"
	"testing"

	"kontor/infra/local"
	"kontor/infra/template"
	"kontor/web"
)

// Every stand-in plugs into template.yaml: what it reads and sets is declared there,
// so a renamed parameter fails here, not in the middle of a local run.
func TestEveryStandInFitsTheTemplate(t *testing.T) {
	tpl, err := template.Load(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, si := range All() {
		if names[si.Name()] {
			t.Fatalf("two stand-ins named %s", si.Name())
		}
		names[si.Name()] = true
		base := "/_local/" + si.Name()
		pl, err := si.Plug(local.Socket{APIURL: "http://127.0.0.1:3000", BasePath: base, BaseURL: "http://127.0.0.1:3000" + base, Param: func(name string) (string, error) {
			if _, ok := tpl.Parameters[name]; !ok {
				return "", fmt.Errorf("template has no parameter %s", name)
			}
			if name == web.OperatorParameter { // JSON, read at plug time
				return `{"name": "Beispiel GmbH", "address": ["Musterweg 1"], "email": "kontakt@example.org"}`, nil
			}
			return "a value of at least thirty-two characters", nil
		}, Secret: func(name string) (string, error) {
			if p, ok := tpl.Parameters[name]; !ok || p.Type != local.SSMParameterName {
				return "", fmt.Errorf("template has no parameter %s naming a SecureString", name)
			}
			return "a secret of at least thirty-two characters", nil
		}})
		if err != nil {
			t.Fatalf("%s: %v", si.Name(), err)
		}
		for p := range pl.Parameters {
			if _, ok := tpl.Parameters[p]; !ok {
				t.Errorf("%s sets %s, which template.yaml does not declare", si.Name(), p)
			}
		}
		if pl.Handler == nil || pl.Banner == "" {
			t.Errorf("%s: handler %v, banner %q", si.Name(), pl.Handler, pl.Banner)
		}
	}
}
