package lambdart

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func buildEcho(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, "./testdata/echo")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build echo: %v\n%s", err, out)
	}
	return bin
}

type safeBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *safeBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *safeBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func TestRuntimeRunsTheRealBinary(t *testing.T) {
	logs := &safeBuf{}
	rt := New(Function{Name: "Echo", Binary: buildEcho(t), Env: []string{"GREETING=moin"}, Timeout: time.Second, Region: "eu-central-1", Logs: logs, MaxInstances: 2})
	defer rt.Close()
	ctx := context.Background()

	out, err := rt.Invoke(ctx, []byte(`{"msg":"hallo"}`))
	if err != nil || string(out) != `{"env":"moin","msg":"hallo"}` {
		t.Fatalf("invoke: %s %v", out, err)
	}
	if !strings.Contains(logs.String(), "[Echo] echo starting in eu-central-1") {
		t.Fatalf("logs not prefixed: %q", logs.String())
	}
	if d := rt.InitDurations(); len(d) != 1 || d[0] <= 0 {
		t.Fatalf("init durations %v", d)
	}

	// A function error comes back as such, and the instance stays warm.
	_, err = rt.Invoke(ctx, []byte(`{"fail":true}`))
	var fe *FunctionError
	if !errors.As(err, &fe) || fe.Message != "asked to fail" {
		t.Fatalf("function error: %v", err)
	}
	if len(rt.InitDurations()) != 1 {
		t.Fatal("a function error restarted the instance")
	}

	// Timeout kills the instance; the next invocation starts a new one.
	_, err = rt.Invoke(ctx, []byte(`{"sleep":3000}`))
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	// A crash is an error, and the runtime recovers.
	if _, err := rt.Invoke(ctx, []byte(`{"crash":true}`)); err == nil {
		t.Fatal("crash not reported")
	}
	if out, err := rt.Invoke(ctx, []byte(`{"msg":"again"}`)); err != nil || !strings.Contains(string(out), "again") {
		t.Fatalf("after crash: %s %v", out, err)
	}

	// Concurrent invocations use up to MaxInstances instances.
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := rt.Invoke(ctx, []byte(`{"sleep":100}`)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(rt.InitDurations()); n > 2+2 {
		t.Fatalf("%d instances started, more than the pool allows", n)
	}
}

func TestMeasureInit(t *testing.T) {
	d, err := MeasureInit(Function{Name: "Echo", Binary: buildEcho(t), Region: "eu-central-1"})
	if err != nil || d <= 0 || d > InitTimeout {
		t.Fatalf("init %v %v", d, err)
	}
}
