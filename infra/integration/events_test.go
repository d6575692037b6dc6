package integration

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every sample event in events/ runs through its function without an invocation
// error, and every function has at least one sample event.
func TestSampleEventsInvokeTheirFunctions(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "events", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no events: %v", err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		fn, _, _ := strings.Cut(filepath.Base(f), "-")
		seen[fn] = true
		payload, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := stack.Invoke(context.Background(), fn, payload)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		if !json.Valid(out) {
			t.Errorf("%s: response is not JSON: %s", filepath.Base(f), out)
		}
	}
	for _, fn := range stack.Template().Functions {
		if !seen[fn.LogicalID] {
			t.Errorf("no sample event for %s", fn.LogicalID)
		}
	}
}
