package requestlog

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

// Capturer turns API Gateway events into raw records for one feature (function).
type Capturer struct {
	Writer  *Writer
	Feature string
}

// Capture is an httpapi.Capture: it hands one request's record to the writer and
// returns at once; the record is stored after the response. Only public GET routes
// name a resource for distinct-visitor counts; signed-in routes are counted by route.
func (c Capturer) Capture(ctx context.Context, ev events.APIGatewayV2HTTPRequest, status int, public bool) error {
	// The capture's own clock, not the event's: a replayed or sample event must not
	// write into a day that is already closed.
	raw := Raw{
		At: time.Now().UTC(), IP: ev.RequestContext.HTTP.SourceIP, Method: ev.RequestContext.HTTP.Method, Route: ev.RouteKey,
		Status: status, UA: ev.RequestContext.HTTP.UserAgent, Referrer: ReferrerOrigin(ev.Headers["referer"]),
		ID: ev.RequestContext.RequestID, Feature: c.Feature,
	}
	if public && raw.Method == http.MethodGet {
		raw.Resource = ev.RawPath
	}
	c.Writer.Write(ctx, raw)
	return nil
}

// ReferrerOrigin returns what of a Referer header is kept: the referring origin
// ("https://search.example/", as a browser sends it under Referrer-Policy: origin),
// never the path or query, which may carry a mailed link's token or a search term;
// "" for anything that is not an absolute http(s) URL.
func ReferrerOrigin(ref string) string {
	u, err := url.Parse(strings.TrimSpace(ref))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host + "/"
}

// WriteTimeout bounds one record's write. It no longer delays any response; it
// bounds how long an instance stays busy after one (see Writer).
const WriteTimeout = 2 * time.Second

// WriteDelay is how long a record's write waits before it starts, so that its work
// (serialising and signing the request, and locally the emulator's) does not compete
// with posting the response, which follows the capture at once. Nothing tells the
// process when the runtime has posted the response; a handler's response is posted
// well within a millisecond. Measured with `make bench`, starting at once added about
// 0.4 ms to a request's p50, starting 1 ms later under 0.1 ms.
const WriteDelay = time.Millisecond

// Writer stores captured records off the response path: Write starts the record's
// PutItem in its own goroutine (after Delay) and returns, so the router answers
// without waiting for DynamoDB. Lambda freezes an instance between invocations, which would stall
// such a goroutine until the next one; so in Lambda an internal extension
// (extension.go) holds each invocation open until its record is written, after the
// response has gone back to the caller, and SIGTERM at shutdown flushes whatever is
// still in flight.
type Writer struct {
	Recorder Recorder
	Log      *slog.Logger
	// Timeout bounds each write; zero means WriteTimeout.
	Timeout time.Duration
	// Delay is how long each write waits before it starts (requestlogwire.MustCapture:
	// WriteDelay).
	Delay time.Duration

	mu      sync.Mutex
	pending int
	idle    chan struct{} // closed when pending drops to zero; nil while idle
	holding bool          // an extension holds invocations: note hand-overs by request id
	handed  map[string]chan struct{}
}

// Write starts storing raw (after Delay) and returns at once. ctx only lends its
// values (the Lambda request id, trace); the write outlives the request.
func (w *Writer) Write(ctx context.Context, raw Raw) {
	w.mu.Lock()
	w.pending++
	if w.idle == nil {
		w.idle = make(chan struct{})
	}
	if w.holding {
		if lc, ok := lambdacontext.FromContext(ctx); ok {
			w.handedLocked(lc.AwsRequestID)
		}
	}
	w.mu.Unlock()
	timeout := w.Timeout
	if timeout <= 0 {
		timeout = WriteTimeout
	}
	write := func() {
		defer w.done()
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
		defer cancel()
		if err := w.Recorder.Record(wctx, raw); err != nil && w.Log != nil {
			// The request id only: the error text could quote the record.
			w.Log.WarnContext(wctx, "request capture failed", slog.String("requestId", raw.ID))
		}
	}
	if w.Delay > 0 {
		time.AfterFunc(w.Delay, write)
		return
	}
	go write()
}

// handedLocked marks the invocation's record as handed over; w.mu is held.
func (w *Writer) handedLocked(requestID string) {
	if w.handed == nil {
		w.handed = map[string]chan struct{}{}
	}
	ch, ok := w.handed[requestID]
	if !ok {
		ch = make(chan struct{})
		w.handed[requestID] = ch
	}
	select {
	case <-ch:
	default:
		close(ch)
	}
}

func (w *Writer) done() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending--
	if w.pending == 0 {
		close(w.idle)
		w.idle = nil
	}
}

// Pending returns how many writes are in flight.
func (w *Writer) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.pending
}

// Flush waits until no write is in flight, or ctx ends.
func (w *Writer) Flush(ctx context.Context) error {
	for {
		w.mu.Lock()
		idle := w.idle
		w.mu.Unlock()
		if idle == nil {
			return nil
		}
		select {
		case <-idle:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// holdMargin is how long before an invocation's deadline a hold lets go, so that
// post-response work never turns an answered invocation into a timeout.
const holdMargin = 50 * time.Millisecond

// Hold keeps the invocation requestID open until its record is handed over and every
// write in flight has finished, at the latest until shortly before deadline. The
// extension calls it for each INVOKE event; an invocation whose event never reached
// the router (a payload that is not an API Gateway event) is held until that bound.
func (w *Writer) Hold(requestID string, deadline time.Time) {
	ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(-holdMargin))
	defer cancel()
	w.mu.Lock()
	if w.handed == nil {
		w.handed = map[string]chan struct{}{}
	}
	ch, ok := w.handed[requestID]
	if !ok {
		ch = make(chan struct{})
		w.handed[requestID] = ch
	}
	w.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
	}
	// Invocations of one instance follow one another: whatever else was noted
	// belongs to this one or earlier ones.
	w.mu.Lock()
	w.handed = nil
	w.mu.Unlock()
	_ = w.Flush(ctx)
}

// StartHolding makes Write note hand-overs by Lambda request id, for Hold. It is
// called when an extension that holds invocations has registered.
func (w *Writer) StartHolding() {
	w.mu.Lock()
	w.holding = true
	w.mu.Unlock()
}

// StopHolding ends noting hand-overs (the extension stopped).
func (w *Writer) StopHolding() {
	w.mu.Lock()
	w.holding = false
	w.handed = nil
	w.mu.Unlock()
}

// ShutdownGrace bounds the flush at SIGTERM: Lambda allows a runtime with an
// internal extension 500 ms between SIGTERM and SIGKILL.
const ShutdownGrace = 450 * time.Millisecond

// Shutdown flushes what is in flight within ShutdownGrace and reports how many
// writes did not finish.
func (w *Writer) Shutdown() int {
	ctx, cancel := context.WithTimeout(context.Background(), ShutdownGrace)
	defer cancel()
	_ = w.Flush(ctx)
	return w.Pending()
}
