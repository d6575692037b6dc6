package browsertest

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/chromedp/chromedp"
)

// FindBrowser returns the Chromium to drive: KONTOR_CHROMIUM, else the one
// `make setup` unpacks into .venv/chromium, else a chromium on PATH. `make bench`
// uses it too.
func FindBrowser(root string) (string, error) {
	if p := os.Getenv("KONTOR_CHROMIUM"); p != "" {
		if !isFile(p) {
			return "", errors.New("no Chromium: KONTOR_CHROMIUM=" + p + " is not a file")
		}
		return p, nil
	}
	if p := filepath.Join(root, ".venv", "chromium", "chromium"); isFile(p) {
		return p, nil
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no Chromium: run `make setup` (it unpacks @sparticuz/chromium into .venv/chromium) or set KONTOR_CHROMIUM")
}

func isFile(p string) bool {
	st, err := os.Stat(p) // #nosec G703 -- only asks whether the person's own KONTOR_CHROMIUM, a PATH entry or .venv/chromium is a file
	return err == nil && st.Mode().IsRegular()
}

// AllocatorOptions launch the headless Chromium exe with its profile in the
// folder profile, 1024×900, English UI, without the sandbox (the tests may run
// as root) and with the fonts @sparticuz/chromium ships next to the binary.
func AllocatorOptions(exe, profile string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1024, 900),
		chromedp.Flag("lang", "en-US"),
		chromedp.Env("FONTCONFIG_PATH="+filepath.Join(filepath.Dir(exe), "fonts")),
	)
}
