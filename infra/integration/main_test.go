package integration

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"kontor/infra/local"
	"kontor/infra/standin"
)

// stack is the one local stack all tests share; TestMain starts and stops it.
var stack *local.Stack

// awsCfg points the SDK at the stack's emulator.
var awsCfg aws.Config

// logs collects everything the functions print, for the personal-data check.
var logs = &syncBuffer{}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("integration: skipped in -short mode")
		os.Exit(0)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	moto := os.Getenv("MOTO_SERVER")
	if moto == "" {
		moto = filepath.Join(root, ".venv", "bin", "moto_server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	s, err := local.Start(ctx, local.Options{
		Root:        root,
		APIAddr:     "127.0.0.1:0",
		MotoAddr:    "127.0.0.1:0",
		MotoCommand: moto,
		Logs:        logs,
		// The functions reach the emulator through the fault proxy (no toxics
		// unless a test adds them; stack.Faults()).
		FaultProxy: true,
		// The same stand-ins as `make run` (the web portal, the eID provider).
		StandIns: standin.All(),
		// A few free offers, so the suite's advertisers publish freely and the
		// flat rate's limit is still reached (payments_test.go).
		Parameters: map[string]string{"FreeOffers": strconv.Itoa(testFreeOffers)},
	})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: start local stack:", err)
		fmt.Fprintln(os.Stderr, "integration: run `make test` (it installs moto into .venv) or set MOTO_SERVER")
		os.Exit(1)
	}
	stack = s
	awsCfg, err = s.AWSConfig(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "integration: aws config:", err)
		_ = s.Close()
		os.Exit(1)
	}
	if err := loadSpec(root); err != nil {
		fmt.Fprintln(os.Stderr, "integration: openapi.yaml:", err)
		_ = s.Close()
		os.Exit(1)
	}
	code := m.Run()
	// KONTOR_TEST_LOGS=<file> keeps the functions' log output for reading.
	if f := os.Getenv("KONTOR_TEST_LOGS"); f != "" {
		_ = os.WriteFile(f, []byte(logs.String()), 0o644)
	}
	if err := s.Close(); err != nil {
		fmt.Fprintln(os.Stderr, "integration: stop local stack:", err)
	}
	os.Exit(code)
}
