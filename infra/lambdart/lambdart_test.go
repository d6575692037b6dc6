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

func buildEcho(t *testing.T) string { return build(t, "./testdata/echo") }

func build(t *testing.T, pkg string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-o", bin, pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build %s: %v\n%s", pkg, err, out)
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

// waitFor waits for a line of the function's output, which arrives through a pipe.
func waitFor(t *testing.T, logs *safeBuf, s string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(logs.String(), s); {
		if time.Now().After(deadline) {
			t.Fatalf("%q not in the output:\n%s", s, logs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// An internal extension registered for INVOKE sees every invocation; the caller gets
// the response as soon as the runtime posts it, while the instance takes its next
// invocation only when the extension is done; init lasts until the extension asks
// for its first event; and Close ends the instance with SIGTERM and Lambda's grace.
func TestInternalExtensionLifecycle(t *testing.T) {
	logs := &safeBuf{}
	rt := New(Function{Name: "Ext", Binary: build(t, "./testdata/ext"), Timeout: 5 * time.Second, Region: "eu-central-1", Logs: logs, MaxInstances: 1,
		Env: []string{"EXT_EVENTS=INVOKE", "EXT_HOLD_MS=1000", "EXT_INIT_MS=200", "EXT_TERM_MS=100"}})
	ctx := context.Background()
	first, err := rt.Invoke(ctx, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	id1 := strings.Trim(string(first), `"`)
	waitFor(t, logs, "extension event INVOKE "+id1)
	if strings.Contains(logs.String(), "extension done "+id1) {
		t.Fatal("the response waited for the extension")
	}
	if d := rt.InitDurations(); len(d) != 1 || d[0] < 200*time.Millisecond {
		t.Fatalf("init %v ended before the extension's first next call", d)
	}
	second, err := rt.Invoke(ctx, []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	id2 := strings.Trim(string(second), `"`)
	waitFor(t, logs, "extension event INVOKE "+id2)
	waitFor(t, logs, "handler "+id2)
	l := logs.String()
	if done, next := strings.Index(l, "extension done "+id1), strings.Index(l, "handler "+id2); done < 0 || next < done {
		t.Fatalf("the next invocation ran before the extension was done:\n%s", l)
	}
	if n := len(rt.InitDurations()); n != 1 {
		t.Fatalf("%d instances for sequential invocations", n)
	}
	// Registration: internal extensions cannot take SHUTDOWN, names are unique, and
	// registering closes with init.
	for _, want := range []string{"register SHUTDOWN: 403", "register: 200", "register again: 403"} {
		if !strings.Contains(l, want) {
			t.Fatalf("%q missing:\n%s", want, l)
		}
	}
	if out, err := rt.Invoke(ctx, []byte(`{"register":true}`)); err != nil || string(out) != `"late register: 403"` {
		t.Fatalf("registration after init: %s %v", out, err)
	}
	rt.Close()
	if l := logs.String(); !strings.Contains(l, "[Ext] sigterm") || !strings.Contains(l, "[Ext] exit") {
		t.Fatalf("no graceful shutdown:\n%s", l)
	}
}

// SIGTERM is followed by SIGKILL after the grace; an extension registered for no
// event (as aws-lambda-go's WithEnableSIGTERM registers one) still gets the signal.
func TestShutdownGraceIsBounded(t *testing.T) {
	logs := &safeBuf{}
	rt := New(Function{Name: "Ext", Binary: build(t, "./testdata/ext"), Timeout: 5 * time.Second, Region: "eu-central-1", Logs: logs,
		Env: []string{"EXT_TERM_MS=5000"}})
	if _, err := rt.Invoke(context.Background(), []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rt.Close()
	if took := time.Since(start); took > ShutdownGrace+3*time.Second {
		t.Fatalf("close took %v", took)
	}
	if l := logs.String(); !strings.Contains(l, "[Ext] sigterm") || strings.Contains(l, "[Ext] exit") {
		t.Fatalf("want SIGTERM, then SIGKILL before the handler finished:\n%s", l)
	}
}
