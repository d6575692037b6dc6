// Package bench measures what `make bench` reports for every function of
// template.yaml: the size of the deployed arm64 binary and the init duration (process
// start to the first Runtime API /next call, the figure Lambda reports), as the median
// of repeated cold starts next to a hello-world aws-lambda-go binary measured in the
// same run; and, among the figures taken on a local stack, every page of the web
// portal as headless Chromium loads it (pageload.go).
package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"kontor/infra/lambdart"
	"kontor/infra/local"
	"kontor/infra/template"
)

// Targets from architecture.md.
const (
	MaxInitRatio = 1.5
	MaxBinaryMB  = 15.0
)

// Baseline is the name the hello-world function is reported under.
const Baseline = "hello-world (baseline)"

// Result is one function's figures.
type Result struct {
	Function   string          `json:"function"`
	BinaryMB   float64         `json:"binaryMB"`
	InitMedian time.Duration   `json:"initMedianNs"`
	InitP90    time.Duration   `json:"initP90Ns"`
	Ratio      float64         `json:"ratioToBaseline"`
	Samples    []time.Duration `json:"-"`
	OK         bool            `json:"withinTargets"`
}

// Run builds everything twice (arm64 for sizes, native for timing) and measures
// coldStarts cold starts of each function, interleaved so drift hits all alike.
func Run(ctx context.Context, root string, coldStarts int) ([]Result, error) {
	tpl, err := template.Load(filepath.Join(root, "template.yaml"))
	if err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("", "kontor-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	armDir, nativeDir := filepath.Join(work, "arm64"), filepath.Join(work, "native")
	if err := local.BuildFunctions(ctx, root, tpl, armDir, local.Lambda); err != nil {
		return nil, err
	}
	// Timed builds run on this machine but with the deploy flags, like the baseline.
	timed := local.Native
	timed.Deploy = true
	if err := local.BuildFunctions(ctx, root, tpl, nativeDir, timed); err != nil {
		return nil, err
	}
	for _, t := range []struct {
		dir  string
		arch local.Target
	}{{armDir, local.Lambda}, {nativeDir, timed}} {
		if err := buildHello(ctx, root, filepath.Join(t.dir, Baseline, "bootstrap"), t.arch); err != nil {
			return nil, err
		}
	}
	// A function that reads a secret at start-up (registration) reads it from this
	// stand-in for SSM, so its init includes that one call.
	ssm := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"Parameter":{"Type":"SecureString","Value":"`+strings.Repeat("s", 48)+`"}}`)
	}))
	defer ssm.Close()
	r := template.Resolver{T: tpl, Stack: "kontor", Region: local.Region, Account: local.Account, Parameters: local.Parameters(tpl, nil)}
	fns := []lambdart.Function{{Name: Baseline, Binary: filepath.Join(nativeDir, Baseline, "bootstrap"), Region: local.Region}}
	for _, f := range tpl.Functions {
		env, err := r.Env(f)
		if err != nil {
			return nil, err
		}
		kv := []string{"AWS_ACCESS_KEY_ID=bench", "AWS_SECRET_ACCESS_KEY=bench", "AWS_ENDPOINT_URL=http://127.0.0.1:9", "AWS_ENDPOINT_URL_SSM=" + ssm.URL}
		for k, v := range env {
			kv = append(kv, k+"="+v)
		}
		fns = append(fns, lambdart.Function{Name: f.LogicalID, Binary: filepath.Join(nativeDir, f.LogicalID, "bootstrap"), Env: kv, Region: local.Region})
	}
	samples := make([][]time.Duration, len(fns))
	for range coldStarts {
		for i, f := range fns {
			d, err := lambdart.MeasureInit(f)
			if err != nil {
				return nil, fmt.Errorf("cold start %s: %w", f.Name, err)
			}
			samples[i] = append(samples[i], d)
		}
	}
	out := make([]Result, len(fns))
	for i, f := range fns {
		st, err := os.Stat(filepath.Join(armDir, f.Name, "bootstrap"))
		if err != nil {
			return nil, err
		}
		out[i] = Result{Function: f.Name, BinaryMB: float64(st.Size()) / 1e6, Samples: samples[i],
			InitMedian: quantile(samples[i], 0.5), InitP90: quantile(samples[i], 0.9)}
	}
	base := out[0].InitMedian
	for i := range out {
		out[i].Ratio = float64(out[i].InitMedian) / float64(base)
		out[i].OK = out[i].Ratio <= MaxInitRatio && out[i].BinaryMB <= MaxBinaryMB
	}
	return out, nil
}

func buildHello(ctx context.Context, root, out string, t local.Target) error {
	args := []string{"build", "-tags", "lambda.norpc", "-trimpath"}
	if t.Deploy {
		args = append(args, "-ldflags", "-s -w")
	}
	cmd := exec.CommandContext(ctx, "go", append(args, "-o", out, "./infra/bench/hello")...) // #nosec G204 -- go build with fixed flags; out is the benchmark's temporary file
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS="+t.GOOS, "GOARCH="+t.GOARCH, "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build hello: %w\n%s", err, b)
	}
	return nil
}

func quantile(ds []time.Duration, q float64) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[int(q*float64(len(s)-1)+0.5)]
}
