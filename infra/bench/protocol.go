package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"kontor/infra/local"
	"kontor/infra/template"
	"kontor/shared/contact/contactwire"
	"kontor/shared/evidence/evidencewire"
	"kontor/shared/idempotency/idempotencywire"
	"kontor/shared/identity/identitywire"
	"kontor/shared/ids"
	"kontor/shared/insurance/claimswire"
	"kontor/shared/mail/mailwire"
	"kontor/shared/modules"
	"kontor/shared/privacy"
	"kontor/shared/privacy/protocol"
	"kontor/shared/ratelimit/limitswire"
)

// privacyBuilders are the modules' privacy parts as their privacy functions build
// them (functions/*privacy/main.go), for the in-process side of RunProtocol.
var privacyBuilders = map[string]func(context.Context) ([]privacy.Module, error){
	"identity": identitywire.Privacy,
	"mail":     mailwire.Privacy,
	"evidence": evidencewire.Privacy,
	"contact":  contactwire.Privacy,
	"insurance": func(ctx context.Context) ([]privacy.Module, error) {
		return claimswire.Privacy(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	},
	"limits":      limitswire.Privacy,
	"idempotency": idempotencywire.Privacy,
}

// ProtocolOps are the operations the privacy core sends every module on an export,
// an erasure and the daily sweep.
var ProtocolOps = []string{protocol.OpExport, protocol.OpErase, protocol.OpSweep}

// ProtocolResult is one module's and operation's figures: the same request served
// in this process on the module's privacy parts, and through its privacy function
// (the real binary behind the local Lambda runtime, warm).
type ProtocolResult struct {
	Module    string  `json:"module"`
	Op        string  `json:"op"`
	InProcess Latency `json:"inProcess"`
	Invoked   Latency `json:"invoked"`
}

// Extra is what the invocation adds at the median; 0 when the module was measured
// invoked only.
func (r ProtocolResult) Extra() time.Duration {
	if r.InProcess.Requests == 0 {
		return 0
	}
	return r.Invoked.P50 - r.InProcess.P50
}

// RunProtocol measures, for every module with a privacy function, the cost of
// reaching it through the privacy protocol: n requests per operation, alternating
// between the in-process call and the invocation so drift hits both alike. The
// subjects are fresh ids (the reads and deletes of a person with no data, which is
// the fixed cost an export or erasure pays per module); the sweep runs over the
// tables as they are.
func RunProtocol(ctx context.Context, s *local.Stack, n int) ([]ProtocolResult, error) {
	tpl := s.Template()
	r := template.Resolver{T: tpl, Stack: "kontor", Region: local.Region, Account: local.Account, Parameters: s.Parameters()}
	var out []ProtocolResult
	for _, m := range modules.List() {
		if m.Function == "" {
			continue
		}
		build, ok := privacyBuilders[m.Name]
		if !ok {
			// A module the benchmark does not build in process is measured invoked only.
			build = func(context.Context) ([]privacy.Module, error) { return nil, nil }
		}
		mods, err := inProcess(r, tpl, m.Function, s.EndpointURL, build)
		if err != nil {
			return nil, fmt.Errorf("module %s: %w", m.Name, err)
		}
		for _, op := range ProtocolOps {
			var local, remote []time.Duration
			lerr, rerr := 0, 0
			began := time.Now()
			for range n {
				req := protocol.Request{Module: m.Name, Op: op, AccountID: ids.NewV7(time.Now()), Email: ids.NewToken() + "@bench.invalid"}
				if op == protocol.OpSweep {
					req = protocol.Request{Module: m.Name, Op: op, Now: time.Now().UTC()}
				}
				if ok {
					t0 := time.Now()
					if _, err := protocol.Serve(ctx, mods, req); err != nil {
						lerr++
					} else {
						local = append(local, time.Since(t0))
					}
				}
				b, err := json.Marshal(req)
				if err != nil {
					return nil, err
				}
				t0 := time.Now()
				if _, err := s.Invoke(ctx, m.Function, b); err != nil {
					rerr++
				} else {
					remote = append(remote, time.Since(t0))
				}
			}
			wall := time.Since(began)
			if lerr+rerr > 0 {
				return nil, fmt.Errorf("module %s %s: %d in-process and %d invoked requests failed", m.Name, op, lerr, rerr)
			}
			out = append(out, ProtocolResult{Module: m.Name, Op: op, InProcess: summarize(local, lerr, wall), Invoked: summarize(remote, rerr, wall)})
		}
	}
	return out, nil
}

// inProcess builds a module's privacy parts in this process with the environment
// its privacy function gets from the template, pointed at the stack's emulator.
func inProcess(r template.Resolver, tpl *template.Template, logicalID, endpoint string, build func(context.Context) ([]privacy.Module, error)) ([]privacy.Module, error) {
	fn, ok := tpl.Function(logicalID)
	if !ok {
		return nil, fmt.Errorf("no %s in template.yaml", logicalID)
	}
	env, err := r.Env(fn)
	if err != nil {
		return nil, err
	}
	env["AWS_ENDPOINT_URL"], env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"], env["AWS_REGION"] = endpoint, "test", "test", local.Region
	for k, v := range env {
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	return build(context.Background())
}
