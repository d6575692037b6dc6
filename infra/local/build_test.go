package local

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"kontor/infra/template"
)

// `sam build`, as SAM users run it (the Makefile's build-<LogicalId> targets,
// samconfig.toml's in-source build), produces the very bytes `make build` deploys:
// stripped linux/arm64 binaries with the same flags. Two functions are compared, one
// of them with a two-word logical id (the package-name convention).
func TestSamBuildMakesWhatMakeBuildMakes(t *testing.T) {
	if testing.Short() {
		t.Skip("runs sam build")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	sam := filepath.Join(root, ".venv", "bin", "sam")
	if _, err := os.Stat(sam); err != nil {
		t.Skipf("sam CLI not installed (%v); `make test` installs it", err)
	}
	tpl, err := template.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"AccountsFunction", "RetentionSweepFunction"}
	keep := &template.Template{}
	for _, id := range ids {
		f, ok := tpl.Function(id)
		if !ok {
			t.Fatalf("no %s in template.yaml", id)
		}
		keep.Functions = append(keep.Functions, f)
	}
	made := t.TempDir()
	if err := BuildFunctions(context.Background(), root, keep, made, Lambda); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	for _, id := range ids {
		cmd := exec.Command(sam, "build", id, "--no-cached", "--build-dir", filepath.Join(out, "build"), "--cache-dir", filepath.Join(out, "cache")) // #nosec G204 -- the project's own sam CLI, fixed arguments
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "SAM_CLI_TELEMETRY=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("sam build %s: %v\n%s", id, err, b)
		}
		fromSam, err := os.ReadFile(filepath.Join(out, "build", id, "bootstrap"))
		if err != nil {
			t.Fatal(err)
		}
		fromMake, err := os.ReadFile(filepath.Join(made, id, "bootstrap"))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(fromSam, fromMake) {
			t.Errorf("%s: sam build made %d bytes, make build %d bytes, and they differ", id, len(fromSam), len(fromMake))
		}
	}
}
