// Package lambdart runs a Lambda function's real bootstrap binary behind a local
// implementation of the Lambda Runtime API, as AWS's runtime interface emulator does
// inside `sam local`: the binary polls /next, answers with /response or /error. It
// keeps a small pool of warm instances, enforces the timeout, replaces crashed
// instances and records each instance's init duration (process start to its first
// /next call), the figure Lambda reports as Init Duration.
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

// API version path prefix of the Runtime API.
const prefix = "/2018-06-01/runtime"

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
	out, err := inst.invoke(ctx, payload, r.fn.Timeout)
	var fe *FunctionError
	if err == nil || errors.As(err, &fe) {
		r.release(inst)
	} else {
		r.discard(inst)
	}
	return out, err
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

// Recycle stops the idle instances, so the next invocation starts a new one (a cold
// start), as Lambda does when it retires instances.
func (r *Runtime) Recycle() {
	for {
		select {
		case inst := <-r.idle:
			r.discard(inst)
		default:
			return
		}
	}
}

// Close stops every instance.
func (r *Runtime) Close() {
	r.mu.Lock()
	r.closed = true
	insts := make([]*instance, 0, len(r.live))
	for i := range r.live {
		insts = append(insts, i)
	}
	r.live = map[*instance]bool{}
	r.mu.Unlock()
	for _, i := range insts {
		i.stop()
	}
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
	work      chan *invocation

	mu      sync.Mutex
	current *invocation
	stopped bool
}

func startInstance(fn Function) (*instance, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("runtime api listen: %w", err)
	}
	inst := &instance{fn: fn, ready: make(chan struct{}), dead: make(chan struct{}), work: make(chan *invocation)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/invocation/next", inst.next)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/response", inst.response)
	mux.HandleFunc("POST "+prefix+"/invocation/{id}/error", inst.invocationError)
	mux.HandleFunc("POST "+prefix+"/init/error", inst.initError)
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
	if i.cmd != nil && i.cmd.Process != nil {
		_ = syscall.Kill(-i.cmd.Process.Pid, syscall.SIGKILL)
		<-i.dead
	}
	_ = i.srv.Close()
}

func (i *instance) invoke(ctx context.Context, payload []byte, timeout time.Duration) ([]byte, error) {
	inv := &invocation{id: newID(), payload: payload, deadline: time.Now().Add(timeout), done: make(chan result, 1)}
	select {
	case i.work <- inv:
	case <-i.dead:
		return nil, fmt.Errorf("%s exited", i.fn.Name)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case res := <-inv.done:
		return res.body, res.err
	case <-timer.C:
		return nil, fmt.Errorf("%s after %s: %w", i.fn.Name, timeout, ErrTimeout)
	case <-i.dead:
		return nil, fmt.Errorf("%s exited during invocation", i.fn.Name)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (i *instance) next(w http.ResponseWriter, r *http.Request) {
	i.readyOnce.Do(func() {
		i.initDur = time.Since(i.started)
		close(i.ready)
	})
	select {
	case inv := <-i.work:
		i.mu.Lock()
		i.current = inv
		i.mu.Unlock()
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
