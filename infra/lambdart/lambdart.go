// Package lambdart runs a Lambda function's real bootstrap binary behind a local
// implementation of the Lambda Runtime API, as AWS's runtime interface emulator does
// inside `sam local`: the binary polls /next, answers with /response or /error. It
// keeps a small pool of warm instances, enforces the timeout, replaces crashed
// instances and records each instance's init duration (process start until the
// runtime and every registered extension have asked for their first event), the
// figure Lambda reports as Init Duration.
//
// It also serves the part of the Extensions API that internal extensions use
// (register, event/next with INVOKE events, init/error, exit/error), with Lambda's
// lifecycle: an invocation's response goes back to the caller as soon as the runtime
// posts it, but the instance takes its next invocation only when every extension
// registered for INVOKE has asked for its next event; and when any extension is
// registered, Close ends an instance with SIGTERM and SIGKILL after Lambda's grace
// (ShutdownGrace), instead of SIGKILL at once.
package lambdart

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// API version path prefixes of the Runtime API and the Extensions API.
const (
	prefix    = "/2018-06-01/runtime"
	extPrefix = "/2020-01-01/extension"
)

// ShutdownGrace is how long Lambda lets a runtime with internal extensions shut down
// after SIGTERM before it sends SIGKILL.
const ShutdownGrace = 500 * time.Millisecond

// MaxExtensions is how many extensions one instance may register, as in Lambda.
const MaxExtensions = 10

// InitTimeout bounds the time from process start to the first /next call.
const InitTimeout = 10 * time.Second

// Function describes one Lambda function to run locally.
type Function struct {
	Name         string
	Binary       string
	Env          []string // KEY=VALUE, added to the Lambda-set variables
	Timeout      time.Duration
	MemoryMB     int
	MaxInstances int // default 4
	Region       string
	Logs         io.Writer // nil: discard
}

// FunctionError is an error the function itself reported through /error.
type FunctionError struct {
	Type    string `json:"errorType"`
	Message string `json:"errorMessage"`
}

func (e *FunctionError) Error() string { return "function error " + e.Type + ": " + e.Message }

// ErrTimeout is returned when an invocation runs past the function's timeout.
var ErrTimeout = errors.New("lambdart: task timed out")

// Runtime runs one function.
type Runtime struct {
	fn    Function
	idle  chan *instance
	slots chan struct{}

	mu       sync.Mutex
	live     map[*instance]bool
	initDurs []time.Duration
	closed   bool
	// retireBefore: an instance started before it is retired instead of reused.
	retireBefore time.Time
}

// New returns a runtime for fn; instances start on the first invocation.
func New(fn Function) *Runtime {
	if fn.MaxInstances <= 0 {
		fn.MaxInstances = 4
	}
	if fn.Timeout <= 0 {
		fn.Timeout = 3 * time.Second
	}
	if fn.MemoryMB <= 0 {
		fn.MemoryMB = 128
	}
	if fn.Logs == nil {
		fn.Logs = io.Discard
	}
	return &Runtime{fn: fn, idle: make(chan *instance, fn.MaxInstances), slots: make(chan struct{}, fn.MaxInstances), live: map[*instance]bool{}}
}

// InitDurations returns the init durations of every instance started so far.
func (r *Runtime) InitDurations() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]time.Duration(nil), r.initDurs...)
}

// Invoke runs one invocation with payload and returns the function's response.
func (r *Runtime) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	inst, err := r.acquire(ctx)
	if err != nil {
		return nil, err
	}
	out, inv, err := inst.invoke(ctx, payload, r.fn.Timeout)
	var fe *FunctionError
	if err == nil || errors.As(err, &fe) {
		r.releaseAfter(inst, inv)
	} else {
		r.discard(inst)
	}
	return out, err
}

// releaseAfter returns the instance to the pool once every extension registered for
// INVOKE is done with the invocation. An extension still busy at the invocation's
// deadline ends the instance, as Lambda resets an environment that ran over.
func (r *Runtime) releaseAfter(inst *instance, inv *invocation) {
	select {
	case <-inv.extsDone:
		r.release(inst)
		return
	default:
	}
	go func() {
		t := time.NewTimer(time.Until(inv.deadline))
		defer t.Stop()
		select {
		case <-inv.extsDone:
			r.release(inst)
		case <-t.C:
			r.discard(inst)
		case <-inst.dead:
			r.discard(inst)
		}
	}()
}

func (r *Runtime) acquire(ctx context.Context) (*instance, error) {
	select {
	case inst := <-r.idle:
		return inst, nil
	default:
	}
	select {
	case inst := <-r.idle:
		return inst, nil
	case r.slots <- struct{}{}:
		inst, err := r.start()
		if err != nil {
			<-r.slots
			return nil, err
		}
		return inst, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (r *Runtime) release(inst *instance) {
	select {
	case <-inst.dead:
		r.discard(inst)
		return
	default:
	}
	r.mu.Lock()
	retire := inst.started.Before(r.retireBefore)
	r.mu.Unlock()
	if retire {
		r.retire(inst)
		return
	}
	r.idle <- inst
}

func (r *Runtime) discard(inst *instance) {
	inst.stop()
	r.mu.Lock()
	if r.live[inst] {
		delete(r.live, inst)
		r.mu.Unlock()
		<-r.slots
		return
	}
	r.mu.Unlock()
}

// retire shuts an idle instance down as Lambda does (SIGTERM and grace when it has
// an extension) and frees its slot.
func (r *Runtime) retire(inst *instance) {
	inst.shutdown()
	r.discard(inst)
}

// start launches a new instance and waits for its first /next call.
func (r *Runtime) start() (*instance, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, errors.New("lambdart: runtime closed")
	}
	r.mu.Unlock()
	inst, err := startInstance(r.fn)
	if err != nil {
		return nil, err
	}
	select {
	case <-inst.ready:
	case <-inst.dead:
		inst.stop()
		if inst.initErr != nil {
			return nil, fmt.Errorf("%s init: %w", r.fn.Name, inst.initErr)
		}
		return nil, fmt.Errorf("%s exited during init", r.fn.Name)
	case <-time.After(InitTimeout):
		inst.stop()
		return nil, fmt.Errorf("%s init timed out after %s", r.fn.Name, InitTimeout)
	}
	r.mu.Lock()
	r.live[inst] = true
	r.initDurs = append(r.initDurs, inst.initDur)
	r.mu.Unlock()
	return inst, nil
}

// Recycle shuts every instance down as it becomes idle (the idle ones at once), so
// the next invocation starts a new one (a cold start), as Lambda does when it
// retires instances.
func (r *Runtime) Recycle() {
	r.mu.Lock()
	r.retireBefore = time.Now()
	r.mu.Unlock()
	for {
		select {
		case inst := <-r.idle:
			r.retire(inst)
		default:
			return
		}
	}
}

// Close shuts every instance down as Lambda does, all at once: an instance with a
// registered extension gets SIGTERM and ShutdownGrace to exit, then SIGKILL; one
// without gets SIGKILL.
func (r *Runtime) Close() {
	r.mu.Lock()
	r.closed = true
	insts := make([]*instance, 0, len(r.live))
	for i := range r.live {
		insts = append(insts, i)
	}
	r.live = map[*instance]bool{}
	r.mu.Unlock()
	var wg sync.WaitGroup
	for _, i := range insts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			i.shutdown()
		}()
	}
	wg.Wait()
}

// MeasureInit starts one instance of fn, waits for its first /next call, stops it
// and returns the init duration: a cold start.
func MeasureInit(fn Function) (time.Duration, error) {
	if fn.Logs == nil {
		fn.Logs = io.Discard
	}
	inst, err := startInstance(fn)
	if err != nil {
		return 0, err
	}
	defer inst.stop()
	select {
	case <-inst.ready:
		return inst.initDur, nil
	case <-inst.dead:
		return 0, fmt.Errorf("%s exited during init", fn.Name)
	case <-time.After(InitTimeout):
		return 0, fmt.Errorf("%s init timed out", fn.Name)
	}
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan result
	// extsDone is closed when every extension registered for INVOKE has asked for
	// its next event after this invocation's; extsOwed counts those still busy.
	extsDone chan struct{}
	extsOwed int
}

// extension is one registered (internal) extension.
type extension struct {
	id     string
	name   string
	invoke bool
	events chan *invocation
	nexted bool        // asked for an event at least once
	owes   *invocation // the invocation it received and has not finished
}

type result struct {
	body []byte
	err  error
}

// instance is one running bootstrap process with its own Runtime API endpoint.
type instance struct {
	fn      Function
	cmd     *exec.Cmd
	srv     *http.Server
	started time.Time
	initDur time.Duration
	initErr error

	ready     chan struct{}
	readyOnce sync.Once
	dead      chan struct{}
	quit      chan struct{} // closed at stop: releases waiting API calls
	work      chan *invocation

	mu      sync.Mutex
	current *invocation
	stopped bool

	// extMu guards the extensions and the init state.
	extMu         sync.Mutex
	exts          []*extension
	runtimeNexted bool // the runtime asked for its first event: registration is closed
}

func startInstance(fn Function) (*instance, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtime api listen: %w", err)
	}
	inst := &instance{fn: fn, ready: make(chan struct{}), dead: make(chan struct{}), quit: make(chan struct{}), work: make(chan *invocation)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/invocation/next", inst.next)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/response", inst.response)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/error", inst.invocationError)
	mux.HandleFunc("POST "+prefix+"/init/error", inst.initError)
	mux.HandleFunc("POST "+extPrefix+"/register", inst.extRegister)
	mux.HandleFunc("GET "+extPrefix+"/event/next", inst.extNext)
	mux.HandleFunc("POST "+extPrefix+"/init/error", inst.extInitError)
	mux.HandleFunc("POST "+extPrefix+"/exit/error", inst.extExitError)
	inst.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = inst.srv.Serve(ln) }()

	cmd := exec.Command(fn.Binary) // #nosec G204 -- the function's bootstrap the local stack built, no shell
	cmd.Env = append([]string{
		"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(),
		"AWS_LAMBDA_FUNCTION_NAME=" + fn.Name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(fn.MemoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + fn.Name,
		"AWS_REGION=" + fn.Region,
		"AWS_DEFAULT_REGION=" + fn.Region,
		"_HANDLER=bootstrap",
		"TZ=UTC",
		"LAMBDA_TASK_ROOT=" + dir(fn.Binary),
		"PATH=/usr/local/bin:/usr/bin:/bin",
	}, fn.Env...)
	cmd.Stdout = newLineWriter(fn.Logs, fn.Name)
	cmd.Stderr = newLineWriter(fn.Logs, fn.Name)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	inst.started = time.Now()
	if err := cmd.Start(); err != nil {
		_ = inst.srv.Close()
		return nil, fmt.Errorf("start %s: %w", fn.Name, err)
	}
	inst.cmd = cmd
	go func() {
		_ = cmd.Wait()
		close(inst.dead)
	}()
	return inst, nil
}

func dir(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[:i]
	}
	return "."
}

func (i *instance) stop() {
	i.mu.Lock()
	if i.stopped {
		i.mu.Unlock()
		return
	}
	i.stopped = true
	i.mu.Unlock()
	close(i.quit)
	if i.cmd != nil && i.cmd.Process != nil {
		_ = syscall.Kill(-i.cmd.Process.Pid, syscall.SIGKILL)
		<-i.dead
	}
	_ = i.srv.Close()
}

// shutdown ends the instance as Lambda does: SIGTERM to the runtime process when an
// extension is registered (internal extensions cannot register for SHUTDOWN; the
// signal is theirs), SIGKILL after ShutdownGrace or at once without extensions.
func (i *instance) shutdown() {
	i.extMu.Lock()
	n := len(i.exts)
	i.extMu.Unlock()
	if n > 0 && i.cmd != nil && i.cmd.Process != nil {
		_ = i.cmd.Process.Signal(syscall.SIGTERM)
		t := time.NewTimer(ShutdownGrace)
		select {
		case <-i.dead:
		case <-t.C:
		}
		t.Stop()
	}
	i.stop()
}

func (i *instance) invoke(ctx context.Context, payload []byte, timeout time.Duration) ([]byte, *invocation, error) {
	inv := &invocation{id: newID(), payload: payload, deadline: time.Now().Add(timeout), done: make(chan result, 1), extsDone: make(chan struct{})}
	select {
	case i.work <- inv:
	case <-i.dead:
		return nil, inv, fmt.Errorf("%s exited", i.fn.Name)
	case <-ctx.Done():
		return nil, inv, ctx.Err()
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case res := <-inv.done:
		return res.body, inv, res.err
	case <-timer.C:
		return nil, inv, fmt.Errorf("%s after %s: %w", i.fn.Name, timeout, ErrTimeout)
	case <-i.dead:
		return nil, inv, fmt.Errorf("%s exited during invocation", i.fn.Name)
	case <-ctx.Done():
		return nil, inv, ctx.Err()
	}
}

// readyLocked ends init once the runtime and every registered extension have asked
// for their first event; extMu is held.
func (i *instance) readyLocked() {
	if !i.runtimeNexted {
		return
	}
	for _, e := range i.exts {
		if !e.nexted {
			return
		}
	}
	i.readyOnce.Do(func() {
		i.initDur = time.Since(i.started)
		close(i.ready)
	})
}

// dispatch hands an invocation to every extension registered for INVOKE.
func (i *instance) dispatch(inv *invocation) {
	i.extMu.Lock()
	var to []*extension
	for _, e := range i.exts {
		if e.invoke {
			to = append(to, e)
		}
	}
	inv.extsOwed = len(to)
	if inv.extsOwed == 0 {
		close(inv.extsDone)
	}
	i.extMu.Unlock()
	for _, e := range to {
		e.events <- inv
	}
}

func (i *instance) next(w http.ResponseWriter, r *http.Request) {
	i.extMu.Lock()
	i.runtimeNexted = true
	i.readyLocked()
	i.extMu.Unlock()
	select {
	case inv := <-i.work:
		i.mu.Lock()
		i.current = inv
		i.mu.Unlock()
		i.dispatch(inv)
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:"+i.fn.Region+":123456789012:function:"+i.fn.Name)
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-"+inv.id[:8]+"-"+inv.id[8:32]+";Sampled=0")
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (i *instance) finish(id string, res result) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.current == nil || i.current.id != id {
		return false
	}
	i.current.done <- res
	i.current = nil
	return true
}

func (i *instance) response(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 6<<20+1))
	if err != nil || len(body) > 6<<20 {
		i.finish(r.PathValue("id"), result{err: errors.New("response payload too large")})
		w.WriteHeader(http.StatusRequestEntityTooLarge)
		return
	}
	if !i.finish(r.PathValue("id"), result{body: body}) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (i *instance) invocationError(w http.ResponseWriter, r *http.Request) {
	fe := readError(r)
	if !i.finish(r.PathValue("id"), result{err: fe}) {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func (i *instance) initError(w http.ResponseWriter, r *http.Request) {
	i.initErr = readError(r)
	w.WriteHeader(http.StatusAccepted)
}

// apiError answers an Extensions API call with Lambda's error body.
func apiError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(FunctionError{Type: typ, Message: msg})
}

// extRegister serves POST /2020-01-01/extension/register. Every extension here is
// internal (there is no /opt/extensions): it registers from the runtime process,
// before the runtime asks for its first event, and may subscribe to INVOKE only.
func (i *instance) extRegister(w http.ResponseWriter, r *http.Request) {
	name := r.Header.Get("Lambda-Extension-Name")
	var body struct {
		Events []string `json:"events"`
	}
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
	if name == "" || json.Unmarshal(b, &body) != nil {
		apiError(w, http.StatusBadRequest, "InvalidRequest", "Lambda-Extension-Name header and a JSON body with events are required")
		return
	}
	e := &extension{id: newUUID(), name: name, events: make(chan *invocation, 1)}
	for _, ev := range body.Events {
		switch ev {
		case "INVOKE":
			e.invoke = true
		case "SHUTDOWN":
			apiError(w, http.StatusForbidden, "Extension.InvalidEventType", "ShutdownEventNotSupportedForInternalExtension")
			return
		default:
			apiError(w, http.StatusForbidden, "Extension.InvalidEventType", "ErrorInvalidEventType: "+ev)
			return
		}
	}
	i.extMu.Lock()
	defer i.extMu.Unlock()
	switch {
	case i.runtimeNexted:
		apiError(w, http.StatusForbidden, "Extension.InvalidState", "registration is closed: the instance has finished its init")
		return
	case len(i.exts) >= MaxExtensions:
		apiError(w, http.StatusForbidden, "Extension.TooManyExtensions", "at most 10 extensions")
		return
	}
	for _, x := range i.exts {
		if x.name == name {
			apiError(w, http.StatusForbidden, "Extension.AlreadyRegistered", "extension already registered")
			return
		}
	}
	i.exts = append(i.exts, e)
	w.Header().Set("Lambda-Extension-Identifier", e.id)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"functionName": i.fn.Name, "functionVersion": "$LATEST", "handler": "bootstrap"})
}

func (i *instance) extension(r *http.Request) *extension {
	id := r.Header.Get("Lambda-Extension-Identifier")
	i.extMu.Lock()
	defer i.extMu.Unlock()
	for _, e := range i.exts {
		if e.id == id {
			return e
		}
	}
	return nil
}

// extNext serves GET /2020-01-01/extension/event/next: the extension is done with the
// event it had, and waits for the next. An extension registered for no event waits
// until the instance ends (it registered for the SIGTERM).
func (i *instance) extNext(w http.ResponseWriter, r *http.Request) {
	e := i.extension(r)
	if e == nil {
		apiError(w, http.StatusForbidden, "Extension.UnknownExtensionIdentifier", "unknown extension identifier")
		return
	}
	i.extMu.Lock()
	if inv := e.owes; inv != nil {
		e.owes = nil
		inv.extsOwed--
		if inv.extsOwed == 0 {
			close(inv.extsDone)
		}
	}
	e.nexted = true
	i.readyLocked()
	i.extMu.Unlock()
	select {
	case inv := <-e.events:
		i.extMu.Lock()
		e.owes = inv
		i.extMu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"eventType": "INVOKE", "deadlineMs": inv.deadline.UnixMilli(), "requestId": inv.id,
			"invokedFunctionArn": "arn:aws:lambda:" + i.fn.Region + ":123456789012:function:" + i.fn.Name,
			"tracing":            map[string]string{"type": "X-Amzn-Trace-Id", "value": "Root=1-" + inv.id[:8] + "-" + inv.id[8:32] + ";Sampled=0"},
		})
	case <-r.Context().Done():
	case <-i.quit:
	}
}

// extInitError serves POST /2020-01-01/extension/init/error: init fails.
func (i *instance) extInitError(w http.ResponseWriter, r *http.Request) {
	if i.extension(r) == nil {
		apiError(w, http.StatusForbidden, "Extension.UnknownExtensionIdentifier", "unknown extension identifier")
		return
	}
	i.initErr = &FunctionError{Type: r.Header.Get("Lambda-Extension-Function-Error-Type"), Message: "extension init error"}
	w.WriteHeader(http.StatusAccepted)
	go i.stop()
}

// extExitError serves POST /2020-01-01/extension/exit/error: the extension reports an
// error before exiting; Lambda logs it, and so does nothing else here.
func (i *instance) extExitError(w http.ResponseWriter, r *http.Request) {
	if i.extension(r) == nil {
		apiError(w, http.StatusForbidden, "Extension.UnknownExtensionIdentifier", "unknown extension identifier")
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func newUUID() string {
	id := newID()
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}

func readError(r *http.Request) *FunctionError {
	var fe FunctionError
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if json.Unmarshal(b, &fe) != nil || fe.Type == "" {
		fe = FunctionError{Type: "Unknown", Message: string(b)}
	}
	return &fe
}

func newID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// lineWriter prefixes each complete line with the function name, so the output of
// concurrent instances does not interleave mid-line.
type lineWriter struct {
	mu   *sync.Mutex
	out  io.Writer
	name string
	buf  bytes.Buffer
}

var writeMu sync.Mutex

func newLineWriter(out io.Writer, name string) *lineWriter {
	return &lineWriter{mu: &writeMu, out: out, name: name}
}

// LineWriter returns a writer that copies complete lines to out with "[name] " in
// front; all such writers share one lock, so lines never interleave.
func LineWriter(out io.Writer, name string) io.Writer { return newLineWriter(out, name) }

func (l *lineWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	consumed := 0
	data := l.buf.Bytes()
	for {
		nl := bytes.IndexByte(data[consumed:], '\n')
		if nl < 0 {
			break
		}
		line := data[consumed : consumed+nl]
		fmt.Fprintf(l.out, "[%s] %s\n", l.name, line)
		consumed += nl + 1
	}
	rest := append([]byte(nil), data[consumed:]...)
	l.buf.Reset()
	l.buf.Write(rest)
	return len(p), nil
}
