// Package local runs Kontor on one machine without an AWS account or Docker: it
// starts moto server as the AWS emulator, creates every table, bucket and key that
// template.yaml declares, builds every function's real bootstrap binary, and serves
// every HttpApi route of the template through a local API gateway that calls the
// authorizer and the functions over a local Lambda Runtime API.
package local

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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
	Root        string            // project root; default: walk up to template.yaml
	Template    string            // template path; default <Root>/template.yaml
	APIAddr     string            // default 127.0.0.1:3000; port 0 picks a free port
	MotoAddr    string            // default 127.0.0.1:4566; port 0 picks a free port
	MotoCommand string            // default <Root>/.venv/bin/moto_server
	Schedules   bool              // run rate(...) schedules on a timer
	Logs        io.Writer         // functions' and moto's output; nil discards
	Parameters  map[string]string // template parameter overrides
	// Seed runs after the resources exist and before the API serves.
	Seed func(ctx context.Context, s *Stack) error
}

// Stack is a running local stack.
type Stack struct {
	APIURL      string // http://127.0.0.1:port
	EndpointURL string // the emulator, for AWS_ENDPOINT_URL
	Region      string

	tpl      *template.Template
	resolver template.Resolver
	root     string
	logs     io.Writer
	moto     *exec.Cmd
	motoDone chan struct{}
	runtimes map[string]*lambdart.Runtime
	server   *http.Server
	stopSch  chan struct{}
	schWG    sync.WaitGroup
	mail     *mailbox
	eid      *eidStandIn
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
	params := Parameters(tpl, s.APIURL, o.Parameters)
	s.resolver = template.Resolver{T: tpl, Stack: "kontor", Region: Region, Account: Account, Parameters: params}
	s.eid = &eidStandIn{secret: []byte(params["EidCallbackSecret"]), base: s.APIURL, sessions: map[string]eidSession{}}

	if err := s.startMoto(ctx, o.MotoCommand, o.MotoAddr); err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	s.mail = &mailbox{endpoint: s.EndpointURL, seen: map[string]time.Time{}}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		_ = apiLn.Close()
		return nil, err
	}
	if err := createResources(ctx, cfg, tpl, &s.resolver); err != nil {
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
	if o.Logs == nil {
		o.Logs = io.Discard
	}
	return nil
}

// startMoto starts moto server on addr (a free port when addr's port is 0) and waits
// until it answers.
func (s *Stack) startMoto(ctx context.Context, command, addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("moto address %q: %w", addr, err)
	}
	if port == "0" {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return fmt.Errorf("find free port: %w", err)
		}
		port = fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
		_ = ln.Close()
	}
	if _, err := os.Stat(command); err != nil {
		return fmt.Errorf("moto server not found at %s (run `make setup`): %w", command, err)
	}
	s.EndpointURL = "http://" + net.JoinHostPort(host, port)
	if c, err := net.DialTimeout("tcp", net.JoinHostPort(host, port), 200*time.Millisecond); err == nil {
		_ = c.Close()
		return fmt.Errorf("port %s is already in use (another `make run`?)", net.JoinHostPort(host, port))
	}
	cmd := exec.Command(command, "-H", host, "-p", port) // #nosec G204 -- the developer's moto_server (.venv or MOTO_SERVER), no shell
	cmd.Stdout = lambdart.LineWriter(s.logs, "moto")
	cmd.Stderr = lambdart.LineWriter(s.logs, "moto")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start moto: %w", err)
	}
	s.moto = cmd
	s.motoDone = make(chan struct{})
	go func() { _ = cmd.Wait(); close(s.motoDone) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.EndpointURL + "/moto-api/data.json")
		if err == nil {
			_ = resp.Body.Close()
			return nil
		}
		select {
		case <-s.motoDone:
			return errors.New("moto server exited at start")
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return errors.New("moto server did not answer within 30s")
		}
	}
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

// Parameters returns the parameter values of a local run: AppBaseUrl and
// EidProviderUrl point at apiURL (the stack and its stand-in eID provider), every
// NoEcho parameter without a default (a secret that must be given at deploy time)
// gets a fresh random value, and overrides win; the rest are template defaults.
func Parameters(tpl *template.Template, apiURL string, overrides map[string]string) map[string]string {
	params := map[string]string{"AppBaseUrl": apiURL, "EidProviderUrl": apiURL + eidSessionsPath}
	for name, p := range tpl.Parameters {
		if p.NoEcho && p.Default == "" {
			params[name] = randomSecret()
		}
	}
	for k, v := range overrides {
		params[k] = v
	}
	return params
}

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
		env["AWS_ENDPOINT_URL"] = s.EndpointURL
		// Lambda's Invoke API is served by the local stack itself (moto would need
		// Docker to run a function).
		env["AWS_ENDPOINT_URL_LAMBDA"] = s.APIURL
		env["AWS_ACCESS_KEY_ID"] = "test"
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

// InitDurations returns each function's init durations so far.
func (s *Stack) InitDurations() map[string][]time.Duration {
	out := map[string][]time.Duration{}
	for id, rt := range s.runtimes {
		out[id] = rt.InitDurations()
	}
	return out
}

// Close stops the API, every function instance and moto.
func (s *Stack) Close() error {
	s.closeMu.Lock()
	defer s.closeMu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
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
	if s.moto != nil && s.moto.Process != nil {
		_ = syscall.Kill(-s.moto.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.motoDone:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-s.moto.Process.Pid, syscall.SIGKILL)
			<-s.motoDone
		}
	}
	return nil
}
