// Package local runs Kontor on one machine without an AWS account or Docker: it
// starts moto server as the AWS emulator (behind a front that records sent mail),
// creates every table, bucket and key that template.yaml declares, builds every
// function's real bootstrap binary, and serves every HttpApi route of the template
// through a local API gateway that calls the authorizer and the functions over a
// local Lambda Runtime API. What the deployed stack finds outside itself (external
// services, the front end) is played by the stand-ins its caller plugs in
// (Options.StandIns); the package itself knows nothing of the product.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kontor/infra/lambdart"
	"kontor/infra/template"
)

// Region and account the local stack pretends to be.
const (
	Region  = "eu-central-1"
	Account = "123456789012"
)

// Options configure a local stack; zero values are the `make run` defaults.
type Options struct {
	Root     string // project root; default: walk up to template.yaml
	Template string // template path; default <Root>/template.yaml
	APIAddr  string // default 127.0.0.1:3000; port 0 picks a free port
	// MotoAddr is the emulator's endpoint (AWS_ENDPOINT_URL), default 127.0.0.1:4566;
	// port 0 picks a free port. moto server itself listens on a private port behind it.
	MotoAddr    string
	MotoCommand string // default <Root>/.venv/bin/moto_server
	// MotoLog is the file moto server's own output goes to (an access-log line per
	// call), relative to Root unless absolute; default a temporary file that Close
	// removes.
	MotoLog    string
	Schedules  bool              // run rate(...) schedules on a timer
	Logs       io.Writer         // the functions' output and the stack's messages; nil discards
	Parameters map[string]string // template parameter overrides
	// FaultProxy puts a toxiproxy between the functions and the emulator, controlled
	// through Stack.Faults (faults.go).
	FaultProxy bool
	// Seed runs after the resources exist and before the API serves.
	Seed func(ctx context.Context, s *Stack) error
	// StandIns play what the deployed stack finds outside itself (external
	// services, the front end), each under /_local/<Name>/ (standin.go).
	StandIns []StandIn
}

// Stack is a running local stack.
type Stack struct {
	APIURL      string // http://127.0.0.1:port
	EndpointURL string // the emulator, for AWS_ENDPOINT_URL
	Region      string

	tpl      *template.Template
	secrets  map[string]string // SecureString values by parameter (Secrets)
	resolver template.Resolver
	root     string
	logs     io.Writer
	moto     *exec.Cmd
	motoDone chan struct{}
	motoLog  *os.File
	keepLog  bool // MotoLog was given: the file stays
	front    *http.Server
	faults   *Faults
	runtimes map[string]*lambdart.Runtime
	server   *http.Server
	stopSch  chan struct{}
	schWG    sync.WaitGroup
	mail     *mailbox
	reads    readMeter
	standIns []pluggedStandIn
	closeMu  sync.Mutex
	closed   bool
}

// Start brings the stack up. On error everything started so far is stopped.
func Start(ctx context.Context, o Options) (*Stack, error) {
	if err := o.defaults(); err != nil {
		return nil, err
	}
	tpl, err := template.Load(o.Template)
	if err != nil {
		return nil, err
	}
	s := &Stack{tpl: tpl, root: o.Root, logs: o.Logs, Region: Region, runtimes: map[string]*lambdart.Runtime{}, stopSch: make(chan struct{})}
	ok := false
	defer func() {
		if !ok {
			_ = s.Close()
		}
	}()
	apiLn, err := net.Listen("tcp", o.APIAddr)
	if err != nil {
		return nil, fmt.Errorf("api listen %s: %w", o.APIAddr, err)
	}
	s.APIURL = "http://" + apiLn.Addr().String()
	s.secrets = Secrets(tpl)
	// The emulator first: a stand-in may need its address (the site's upload
	// pages send files to it).
	if err := s.startEmulator(ctx, o); err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	params, plugged, err := plugStandIns(tpl, Socket{APIURL: s.APIURL, EmulatorURL: s.functionsEndpoint()}, o.Parameters, s.secrets, o.StandIns)
	if err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	s.standIns = plugged
	s.resolver = template.Resolver{T: tpl, Stack: "kontor", Region: Region, Account: Account, Parameters: params}

	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	if err := createResources(ctx, cfg, tpl, &s.resolver, s.secrets); err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	if err := s.buildAndRegister(ctx); err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	if o.Seed != nil {
		if err := o.Seed(ctx, s); err != nil {
			_ = apiLn.Close()
			return nil, fmt.Errorf("seed: %w", err)
		}
	}
	gw, err := newGateway(s)
	if err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	s.server = &http.Server{Handler: gw, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.server.Serve(apiLn) }()
	if err := s.runStreams(ctx); err != nil {
		return nil, err
	}
	if o.Schedules {
		s.runSchedules()
	}
	ok = true
	return s, nil
}

func (o *Options) defaults() error {
	if o.Root == "" {
		wd, err := os.Getwd()
		if err != nil {
			return err
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "template.yaml")); err == nil {
				o.Root = d
				break
			}
			if filepath.Dir(d) == d {
				return errors.New("no template.yaml in this folder or above")
			}
		}
	}
	if o.Template == "" {
		o.Template = filepath.Join(o.Root, "template.yaml")
	}
	if o.APIAddr == "" {
		o.APIAddr = "127.0.0.1:3000"
	}
	if o.MotoAddr == "" {
		o.MotoAddr = "127.0.0.1:4566"
	}
	if o.MotoCommand == "" {
		o.MotoCommand = filepath.Join(o.Root, ".venv", "bin", "moto_server")
	}
	if o.MotoLog != "" && !filepath.IsAbs(o.MotoLog) {
		o.MotoLog = filepath.Join(o.Root, o.MotoLog)
	}
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	return nil
}

// startEmulator starts moto server on a private port with its output in the moto
// log, and the front (front.go) on o.MotoAddr, which every client uses as the
// emulator; with o.FaultProxy also the fault proxy in front of it for the functions.
func (s *Stack) startEmulator(ctx context.Context, o Options) error {
	s.mail = &mailbox{}
	ln, err := net.Listen("tcp", o.MotoAddr)
	if err != nil {
		return fmt.Errorf("emulator address %s: %w (another `make run`?)", o.MotoAddr, err)
	}
	host, _, _ := net.SplitHostPort(ln.Addr().String())
	motoURL, err := s.startMoto(ctx, o.MotoCommand, host, o.MotoLog)
	if err != nil {
		_ = ln.Close()
		return err
	}
	s.EndpointURL = "http://" + ln.Addr().String()
	s.front = &http.Server{Handler: newFront(motoURL, s.mail, &s.reads), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.front.Serve(ln) }()
	if o.FaultProxy {
		if s.faults, err = startFaultProxy(s, ln.Addr().String()); err != nil {
			return err
		}
	}
	return nil
}

// functionsEndpoint is the AWS_ENDPOINT_URL of the functions: the fault proxy if
// there is one, else the emulator's front.
func (s *Stack) functionsEndpoint() string {
	if s.faults != nil {
		return s.faults.URL()
	}
	return s.EndpointURL
}

// Faults returns the fault proxy's handle; nil unless Options.FaultProxy.
func (s *Stack) Faults() *Faults { return s.faults }

// MotoLog returns the file that holds moto server's own output.
func (s *Stack) MotoLog() string {
	if s.motoLog == nil {
		return ""
	}
	return s.motoLog.Name()
}

// startMoto starts moto server on a free port of host, its output going to logPath
// (a temporary file when empty), and waits until it answers.
func (s *Stack) startMoto(ctx context.Context, command, host, logPath string) (*url.URL, error) {
	if _, err := os.Stat(command); err != nil {
		return nil, fmt.Errorf("moto server not found at %s (run `make setup`): %w", command, err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return nil, fmt.Errorf("find free port: %w", err)
	}
	port := fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
	_ = ln.Close()
	if logPath != "" {
		if err := os.MkdirAll(filepath.Dir(logPath), 0o750); err != nil {
			return nil, fmt.Errorf("moto log: %w", err)
		}
		s.motoLog, err = os.Create(logPath) // #nosec G304 -- the developer's own log path (-moto-log)
		s.keepLog = true
	} else {
		s.motoLog, err = os.CreateTemp("", "kontor-moto-*.log")
	}
	if err != nil {
		return nil, fmt.Errorf("moto log: %w", err)
	}
	base := &url.URL{Scheme: "http", Host: net.JoinHostPort(host, port)}
	cmd := exec.Command(command, "-H", host, "-p", port) // #nosec G204 -- the developer's moto_server (.venv or MOTO_SERVER), no shell
	// With the Python beside moto_server, the stack runs moto through
	// motoserver.py: moto's server with its DynamoDB transactions' snapshot
	// repaired (a concurrent write made it fail with 500; see the file).
	if py, script := filepath.Join(filepath.Dir(command), "python"), filepath.Join(s.root, "infra", "local", "motoserver.py"); isFile(py) && isFile(script) {
		cmd = exec.Command(py, script, "-H", host, "-p", port) // #nosec G204 -- the venv's Python running the repository's own launcher, no shell
	}
	// Without this, moto server answers every origin's CORS request itself
	// (flask_cors on the whole app, moto/moto_server/werkzeug_app.py), whatever
	// the bucket's CORS rule says; so a browser is held to the template's rules.
	cmd.Env = append(os.Environ(), "MOTO_DISABLE_GLOBAL_CORS=true")
	cmd.Stdout = s.motoLog
	cmd.Stderr = s.motoLog
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto: %w", err)
	}
	s.moto = cmd
	s.motoDone = make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.motoDone) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(base.String() + "/moto-api/") // its dashboard page: any answer will do
		if err == nil {
			_ = resp.Body.Close()
			return base, nil
		}
		select {
		case <-s.motoDone:
			return nil, fmt.Errorf("moto server exited at start (see %s)", s.motoLog.Name())
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return nil, errors.New("moto server did not answer within 30s")
		}
	}
}

// signalMoto sends sig to moto server's process group.
func (s *Stack) signalMoto(sig syscall.Signal) error {
	if s.moto == nil || s.moto.Process == nil {
		return errors.New("moto server is not running")
	}
	if err := syscall.Kill(-s.moto.Process.Pid, sig); err != nil {
		return fmt.Errorf("signal moto server: %w", err)
	}
	return nil
}

// AWSConfig returns an SDK configuration pointed at the emulator.
func (s *Stack) AWSConfig(ctx context.Context) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithBaseEndpoint(s.EndpointURL),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("test", "test", "")),
	)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws config: %w", err)
	}
	return cfg, nil
}

// Name returns the local physical name of a table or bucket.
func (s *Stack) Name(logicalID string) string { return s.resolver.Name(logicalID) }

// Resolve returns a resource attribute as !GetAtt would (for example a key's Arn).
func (s *Stack) Resolve(logicalID, attr string) (string, error) {
	return s.resolver.GetAtt(logicalID, attr)
}

// Template returns the parsed template the stack runs.
func (s *Stack) Template() *template.Template { return s.tpl }

// BuildDir is where the local binaries go.
func (s *Stack) BuildDir() string { return filepath.Join(s.root, ".build", "local") }

// buildAndRegister builds every function for the host and prepares its runtime.
func (s *Stack) buildAndRegister(ctx context.Context) error {
	if err := BuildFunctions(ctx, s.root, s.tpl, s.BuildDir(), Native); err != nil {
		return err
	}
	for _, f := range s.tpl.Functions {
		env, err := s.resolver.Env(f)
		if err != nil {
			return err
		}
		env["AWS_ENDPOINT_URL"] = s.functionsEndpoint()
		// Lambda's Invoke API is served by the local stack itself (moto would need
		// Docker to run a function).
		env["AWS_ENDPOINT_URL_LAMBDA"] = s.APIURL
		env["AWS_ACCESS_KEY_ID"] = "test"
		// Names the function in its SDK's User-Agent, so the front can meter its
		// reads (reads.go); Lambda leaves it unset for custom runtimes.
		env["AWS_EXECUTION_ENV"] = execEnvPrefix + f.LogicalID
		env["AWS_SECRET_ACCESS_KEY"] = "test"
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		kv := make([]string, 0, len(keys))
		for _, k := range keys {
			kv = append(kv, k+"="+env[k])
		}
		s.runtimes[f.LogicalID] = lambdart.New(lambdart.Function{
			Name: f.LogicalID, Binary: filepath.Join(s.BuildDir(), f.LogicalID, "bootstrap"), Env: kv,
			Timeout: time.Duration(f.Timeout) * time.Second, MemoryMB: f.MemorySize, Region: Region, Logs: s.logs,
		})
	}
	return nil
}

// Invoke runs one invocation of a function with a raw event.
func (s *Stack) Invoke(ctx context.Context, logicalID string, event []byte) ([]byte, error) {
	rt, ok := s.runtimes[logicalID]
	if !ok {
		return nil, fmt.Errorf("no function %s in template.yaml", logicalID)
	}
	return rt.Invoke(ctx, event)
}

// Recycle stops a function's idle instances: its next invocation is a cold start.
func (s *Stack) Recycle(logicalID string) error {
	rt, ok := s.runtimes[logicalID]
	if !ok {
		return fmt.Errorf("no function %s in template.yaml", logicalID)
	}
	rt.Recycle()
	return nil
}

// InitDurations returns each function's init durations so far.
func (s *Stack) InitDurations() map[string][]time.Duration {
	out := map[string][]time.Duration{}
	for id, rt := range s.runtimes {
		out[id] = rt.InitDurations()
	}
	return out
}

// Close stops the API, every function instance, the fault proxy, the emulator's
// front and moto.
func (s *Stack) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.moto != nil && s.moto.Process != nil {
		_ = syscall.Kill(-s.moto.Process.Pid, syscall.SIGCONT) // a test may have paused it
	}
	close(s.stopSch)
	s.schWG.Wait()
	if s.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = s.server.Shutdown(ctx)
		cancel()
	}
	for _, rt := range s.runtimes {
		rt.Close()
	}
	if s.faults != nil {
		s.faults.close()
	}
	if s.front != nil {
		_ = s.front.Close()
	}
	if s.moto != nil && s.moto.Process != nil {
		_ = syscall.Kill(-s.moto.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.motoDone:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-s.moto.Process.Pid, syscall.SIGKILL)
			<-s.motoDone
		}
	}
	if s.motoLog != nil {
		_ = s.motoLog.Close()
		if !s.keepLog {
			_ = os.Remove(s.motoLog.Name())
		}
	}
	return nil
}

// isFile reports whether p is a regular file.
func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
