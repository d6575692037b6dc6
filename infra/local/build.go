package local

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"

	"kontor/infra/template"
)

// Target is what to build for.
type Target struct {
	GOOS, GOARCH string
	// Deploy adds -ldflags '-s -w' as for the deployed artifacts.
	Deploy bool
}

// Native builds for this machine, to run under the local Runtime API.
var Native = Target{GOOS: runtime.GOOS, GOARCH: runtime.GOARCH}

// Lambda builds what is deployed: linux/arm64 (Graviton), stripped.
var Lambda = Target{GOOS: "linux", GOARCH: "arm64", Deploy: true}

// BuildFunctions builds every function of tpl into outDir/<LogicalId>/bootstrap with
// the flags Lambda's provided.al2023 runtime needs, in one `go build` so packages
// shared between functions compile once.
func BuildFunctions(ctx context.Context, root string, tpl *template.Template, outDir string, t Target) error {
	if len(tpl.Functions) == 0 {
		return nil
	}
	tmp, err := os.MkdirTemp("", "kontor-build-")
	if err != nil {
		return fmt.Errorf("build dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	args := []string{"build", "-tags", "lambda.norpc", "-trimpath"}
	if t.Deploy {
		args = append(args, "-ldflags", "-s -w")
	}
	args = append(args, "-o", tmp+string(os.PathSeparator))
	byDir := map[string][]string{}
	for _, f := range tpl.Functions {
		pkg := "./" + f.Package
		if len(byDir[pkg]) == 0 {
			args = append(args, pkg)
		}
		byDir[pkg] = append(byDir[pkg], f.LogicalID)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+t.GOOS, "GOARCH="+t.GOARCH, "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, out)
	}
	for pkg, ids := range byDir {
		built := filepath.Join(tmp, filepath.Base(pkg))
		for _, id := range ids {
			dst := filepath.Join(outDir, id)
			if err := os.MkdirAll(dst, 0o750); err != nil {
				return fmt.Errorf("build dir: %w", err)
			}
			if err := copyFile(built, filepath.Join(dst, "bootstrap")); err != nil {
				return err
			}
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	b, err := os.ReadFile(src) // #nosec G304 -- the binary this build just wrote to its own temporary folder
	if err != nil {
		return fmt.Errorf("read %s: %w", src, err)
	}
	tmp := dst + ".tmp"
	// Lambda runs bootstrap as another user than the one that deployed it, so it must
	// be world-readable and executable; dst lies in the build's output folder, named
	// by a logical id of the template.
	if err := os.WriteFile(tmp, b, 0o755); err != nil { // #nosec G306 G703 -- Lambda needs bootstrap world-readable and executable; dst is the build's own output path
		return fmt.Errorf("write %s: %w", dst, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("place %s: %w", dst, err)
	}
	return nil
}
