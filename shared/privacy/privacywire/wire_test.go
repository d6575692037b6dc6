package privacywire

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
