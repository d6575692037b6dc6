package browsertest

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"kontor/infra/local"
	"kontor/infra/standin"
)

var (
	// stack is the one local stack every test shares.
	stack *local.Stack
	// base is the site's address on it (the API's, as behind CloudFront).
	base string
	// browser is the one Chromium every test opens its tabs in, each in a
	// browser context of its own (no shared cookies).
	browser context.Context
	// axeSource is axe-core, injected into every page state it checks.
	axeSource string
)

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		fmt.Println("browsertest: skipped in -short mode")
		os.Exit(0)
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	root, err := filepath.Abs("../..")
	if err != nil {
		panic(err)
	}
	exe, err := FindBrowser(root)
	axe, axeErr := os.ReadFile(filepath.Join(root, ".venv", "node", "node_modules", "axe-core", "axe.min.js"))
	if err == nil && axeErr != nil {
		err = fmt.Errorf("no axe-core (%v): run `make setup`", errors.Unwrap(axeErr))
		if errors.Is(axeErr, fs.ErrNotExist) {
			err = errors.New("no axe-core in .venv/node: run `make setup`")
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			fmt.Fprintln(os.Stderr, "browsertest: FAIL:", err)
			return 1
		}
		fmt.Println("browsertest: skipped:", err)
		return 0
	}
	axeSource = string(axe)

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
		Logs:        discard{},
		StandIns:    standin.All(),
		// Free offers enough for every page's advertiser (the flat rate's limit is
		// proved by the integration suite).
		Parameters: map[string]string{"FreeOffers": "10"},
	})
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest: start local stack:", err)
		return 1
	}
	defer func() { _ = s.Close() }()
	stack = s
	for _, si := range s.StandIns() {
		if si.Name == "site" {
			base = si.BaseURL[:len(si.BaseURL)-len("/_local/site")]
		}
	}

	profile, err := os.MkdirTemp("", "kontor-chromium-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	defer func() { _ = os.RemoveAll(profile) }()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), AllocatorOptions(exe, profile)...)
	defer cancelAlloc()
	b, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(b); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest: start Chromium:", err)
		return 1
	}
	browser = b
	return m.Run()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
