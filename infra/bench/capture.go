package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/infra/lambdart"
	"kontor/infra/local"
	"kontor/infra/template"
	"kontor/shared/requestlog/requestlogwire"
)

// CaptureFunction is the function the capture's cost is measured on: its route is
// public and touches no table, so the capture's write is its only call to the
// emulator.
const CaptureFunction = "ProcessingFunction"

// CaptureVariant is one way of capturing, as switched by KONTOR_BENCH_CAPTURE.
type CaptureVariant struct {
	Name    string `json:"name"`
	Setting string `json:"setting"`
}

// CaptureVariants: no capture, the capture as deployed (after the response), and the
// synchronous write of before (the response waits for the PutItem).
var CaptureVariants = []CaptureVariant{{"off", "off"}, {"after the response", ""}, {"synchronous (before)", "sync"}}

// CaptureResult is one variant's figures.
type CaptureResult struct {
	Variant    CaptureVariant `json:"variant"`
	Sequential Latency        `json:"sequential"`
	Concurrent Latency        `json:"concurrent"`
}

// RunCapture invokes CaptureFunction's real binary through the local Lambda runtime
// (the pool of up to 4 instances, extensions and all) with the same API Gateway event
// under each capture variant: reqs requests one at a time, interleaved across the
// variants so drift hits all alike and each started once the previous one's write is
// done, then clients concurrent callers for d each.
func RunCapture(ctx context.Context, s *local.Stack, reqs, clients int, d time.Duration) ([]CaptureResult, error) {
	tpl := s.Template()
	fn, ok := tpl.Function(CaptureFunction)
	if !ok {
		return nil, fmt.Errorf("no %s in template.yaml", CaptureFunction)
	}
	r := template.Resolver{T: tpl, Stack: "kontor", Region: local.Region, Account: local.Account, Parameters: s.Parameters()}
	env, err := r.Env(fn)
	if err != nil {
		return nil, err
	}
	base := []string{"AWS_ENDPOINT_URL=" + s.EndpointURL, "AWS_ENDPOINT_URL_LAMBDA=" + s.APIURL, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test"}
	for k, v := range env {
		base = append(base, k+"="+v)
	}
	rts := make([]*lambdart.Runtime, len(CaptureVariants))
	for i, v := range CaptureVariants {
		rts[i] = lambdart.New(lambdart.Function{Name: CaptureFunction, Binary: filepath.Join(s.BuildDir(), CaptureFunction, "bootstrap"),
			Env: append(append([]string(nil), base...), requestlogwire.BenchCaptureVariable+"="+v.Setting), Timeout: time.Duration(fn.Timeout) * time.Second,
			MemoryMB: fn.MemorySize, Region: local.Region})
	}
	defer func() {
		for _, rt := range rts {
			rt.Close()
		}
	}()
	var seq atomic.Int64
	invoke := func(rt *lambdart.Runtime) (time.Duration, error) {
		ev, err := processingEvent("bench-" + strconv.FormatInt(seq.Add(1), 10))
		if err != nil {
			return 0, err
		}
		t0 := time.Now()
		out, err := rt.Invoke(ctx, ev)
		took := time.Since(t0)
		if err != nil {
			return took, err
		}
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &resp); err != nil || resp.StatusCode != 200 {
			return took, fmt.Errorf("status %d: %v", resp.StatusCode, err)
		}
		return took, nil
	}
	// Warm every instance of every pool.
	for _, rt := range rts {
		if err := concurrently(4, 40, func() error { _, err := invoke(rt); return err }); err != nil {
			return nil, err
		}
	}
	out := make([]CaptureResult, len(CaptureVariants))
	lat := make([][]time.Duration, len(CaptureVariants))
	var busy time.Duration
	for range reqs {
		for i, rt := range rts {
			d, err := invoke(rt)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", CaptureVariants[i].Name, err)
			}
			lat[i] = append(lat[i], d)
			busy += d
			// Each request meets a quiet machine: the previous one's write is done.
			time.Sleep(sequentialGap)
		}
	}
	for i, v := range CaptureVariants {
		out[i] = CaptureResult{Variant: v, Sequential: summarize(lat[i], 0, busy/time.Duration(len(rts)))}
	}
	for i, rt := range rts {
		var mu sync.Mutex
		var ds []time.Duration
		errs := 0
		deadline := time.Now().Add(d)
		start := time.Now()
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for time.Now().Before(deadline) {
					took, err := invoke(rt)
					mu.Lock()
					if err != nil {
						errs++
					} else {
						ds = append(ds, took)
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		out[i].Concurrent = summarize(ds, errs, time.Since(start))
	}
	return out, nil
}

// sequentialGap separates the one-at-a-time requests, longer than a write takes.
const sequentialGap = 10 * time.Millisecond

// processingEvent is the API Gateway event of GET /v1/privacy/processing.
func processingEvent(id string) ([]byte, error) {
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "GET /v1/privacy/processing", RawPath: "/v1/privacy/processing",
		Headers: map[string]string{"accept": "application/json", "user-agent": "kontor-bench"}}
	ev.RequestContext.RequestID = id
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path = "GET", "/v1/privacy/processing"
	ev.RequestContext.HTTP.SourceIP, ev.RequestContext.HTTP.UserAgent = "198.51.100.7", "kontor-bench"
	return json.Marshal(ev)
}

// concurrently runs f n times on w workers and returns the first error.
func concurrently(w, n int, f func() error) error {
	jobs := make(chan struct{}, n)
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	var first error
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range w {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range jobs {
				if err := f(); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return first
}
