package requestlog

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// gateDB holds every record's write until released, and keeps what it stored.
type gateDB struct {
	mu      sync.Mutex
	release chan struct{}
	items   []Raw
	fail    error
}

func (g *gateDB) Record(ctx context.Context, raw Raw) error {
	select {
	case <-g.release:
	case <-ctx.Done():
		return ctx.Err()
	}
	if g.fail != nil {
		return g.fail
	}
	g.mu.Lock()
	g.items = append(g.items, raw)
	g.mu.Unlock()
	return nil
}

func (g *gateDB) stored() []Raw {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]Raw(nil), g.items...)
}

func newWriter(db *gateDB, log *slog.Logger) *Writer {
	return &Writer{Recorder: db, Log: log}
}

func apiEvent(id string) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{RouteKey: "GET /v1/privacy/processing", RawPath: "/v1/privacy/processing",
		Headers: map[string]string{"referer": "https://search.example/"}}
	ev.RequestContext.RequestID = id
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.SourceIP, ev.RequestContext.HTTP.UserAgent = "GET", "203.0.113.9", "Firefox/140"
	return ev
}

func inLambda(id string) context.Context {
	return lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: id})
}

func TestCaptureReturnsBeforeTheWriteAndFlushWaitsForIt(t *testing.T) {
	db := &gateDB{release: make(chan struct{})}
	w := newWriter(db, nil)
	c := Capturer{Writer: w, Feature: "processing"}
	// The request's context ends with the request; the write must not.
	ctx, cancel := context.WithCancel(context.Background())
	if err := c.Capture(ctx, apiEvent("r1"), 200, true); err != nil {
		t.Fatal(err)
	}
	cancel()
	if w.Pending() != 1 || len(db.stored()) != 0 {
		t.Fatalf("pending %d, stored %d", w.Pending(), len(db.stored()))
	}
	short, stop := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer stop()
	if err := w.Flush(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("flush returned %v while a write was held", err)
	}
	close(db.release)
	if err := w.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := db.stored()
	if len(got) != 1 || w.Pending() != 0 {
		t.Fatalf("stored %+v, pending %d", got, w.Pending())
	}
	r := got[0]
	if r.ID != "r1" || r.IP != "203.0.113.9" || r.Resource != "/v1/privacy/processing" || r.Status != 200 || r.Feature != "processing" ||
		r.Referrer != "https://search.example/" || r.UA != "Firefox/140" || time.Since(r.At) > time.Minute {
		t.Fatalf("record %+v", r)
	}
	// A signed-in route names no resource.
	if err := c.Capture(context.Background(), apiEvent("r2"), 200, false); err != nil {
		t.Fatal(err)
	}
	_ = w.Flush(context.Background())
	if got := db.stored(); len(got) != 2 || got[1].Resource != "" {
		t.Fatalf("signed-in route: %+v", got)
	}
}

// Hold keeps an invocation open until its own record is handed over and written;
// it does not wait for a record that never comes past the invocation's deadline.
func TestHoldWaitsForTheInvocationsRecord(t *testing.T) {
	db := &gateDB{release: make(chan struct{})}
	w := newWriter(db, nil)
	w.StartHolding()
	held := make(chan struct{})
	go func() {
		w.Hold("inv-1", time.Now().Add(time.Minute))
		close(held)
	}()
	select {
	case <-held:
		t.Fatal("hold ended before the record was handed over")
	case <-time.After(50 * time.Millisecond):
	}
	w.Write(inLambda("inv-1"), Raw{At: time.Now(), IP: "203.0.113.9", Method: "GET", Route: "GET /v1/x", Status: 200, ID: "a"})
	select {
	case <-held:
		t.Fatal("hold ended before the record was written")
	case <-time.After(50 * time.Millisecond):
	}
	close(db.release)
	select {
	case <-held:
	case <-time.After(5 * time.Second):
		t.Fatal("hold did not end after the write")
	}
	if len(db.stored()) != 1 {
		t.Fatal("record not written")
	}
	// A record handed over before the extension asks (the event raced the handler).
	w.Write(inLambda("inv-2"), Raw{At: time.Now(), IP: "203.0.113.9", Method: "GET", Route: "GET /v1/x", Status: 200, ID: "b"})
	w.Hold("inv-2", time.Now().Add(time.Minute))
	if len(db.stored()) != 2 {
		t.Fatal("hold ended before the second record was written")
	}
	// No record at all (the payload never reached the router): bounded by the deadline.
	start := time.Now()
	w.Hold("inv-3", time.Now().Add(holdMargin+100*time.Millisecond))
	if time.Since(start) > 5*time.Second {
		t.Fatal("hold ignored the deadline")
	}
}

// At shutdown (SIGTERM) what is in flight is flushed within the grace; a write that
// cannot finish is reported, by count only.
func TestShutdownFlushesPendingRecords(t *testing.T) {
	db := &gateDB{release: make(chan struct{})}
	w := newWriter(db, nil)
	for _, id := range []string{"a", "b", "c"} {
		w.Write(context.Background(), Raw{At: time.Now(), IP: "203.0.113.9", Method: "GET", Route: "GET /v1/x", Status: 200, ID: id})
	}
	go func() {
		time.Sleep(50 * time.Millisecond)
		close(db.release)
	}()
	if left := w.Shutdown(); left != 0 || len(db.stored()) != 3 {
		t.Fatalf("left %d, stored %d", left, len(db.stored()))
	}
	// A delayed write counts as pending from the start, and is flushed too.
	delayed := &gateDB{release: make(chan struct{})}
	close(delayed.release)
	dw := newWriter(delayed, nil)
	dw.Delay = 50 * time.Millisecond
	dw.Write(context.Background(), Raw{At: time.Now(), IP: "203.0.113.9", Method: "GET", Route: "GET /v1/x", Status: 200, ID: "e"})
	if dw.Pending() != 1 || len(delayed.stored()) != 0 {
		t.Fatalf("delayed write: pending %d, stored %d", dw.Pending(), len(delayed.stored()))
	}
	if left := dw.Shutdown(); left != 0 || len(delayed.stored()) != 1 {
		t.Fatalf("delayed write not flushed: left %d, stored %d", left, len(delayed.stored()))
	}
	stuck := newWriter(&gateDB{release: make(chan struct{})}, nil)
	stuck.Write(context.Background(), Raw{At: time.Now(), ID: "d"})
	if left := stuck.Shutdown(); left != 1 {
		t.Fatalf("left %d", left)
	}
}

// A failed write is logged by request id only, never with the record's data.
func TestFailedWriteIsLoggedWithoutPersonalData(t *testing.T) {
	var buf bytes.Buffer
	db := &gateDB{release: make(chan struct{}), fail: errors.New("boom for 203.0.113.9")}
	close(db.release)
	w := newWriter(db, slog.New(slog.NewJSONHandler(&buf, nil)))
	if err := (Capturer{Writer: w, Feature: "x"}).Capture(context.Background(), apiEvent("r9"), 200, true); err != nil {
		t.Fatal(err)
	}
	_ = w.Flush(context.Background())
	if s := buf.String(); !strings.Contains(s, `"requestId":"r9"`) || strings.Contains(s, "203.0.113") || strings.Contains(s, "Firefox") {
		t.Fatalf("log %s", s)
	}
}

// Only the referring origin is kept: a mailed link's token in a path or query, a
// search term, credentials in the URL never reach the raw log.
func TestOnlyTheReferrersOriginIsKept(t *testing.T) {
	for ref, want := range map[string]string{
		"https://portal.example/v1/password/reset?token=s3cret": "https://portal.example/",
		"https://search.example/?q=kontor":                      "https://search.example/",
		"http://a.example:8080/x#frag":                          "http://a.example:8080/",
		"https://user:pw@a.example/":                            "",
		"android-app://com.example/":                            "",
		"/relative/path?token=x":                                "",
		"":                                                      "",
	} {
		if got := ReferrerOrigin(ref); got != want {
			t.Errorf("%q: kept %q, want %q", ref, got, want)
		}
	}
}
