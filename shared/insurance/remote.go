package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"kontor/shared/privacy"
)

// Privacy operations the module's privacy function serves.
const (
	OpExport   = "export"
	OpErase    = "erase"
	OpSweep    = "sweep"
	OpWithdraw = "withdraw"
)

// PrivacyRequest is the event of the module's privacy function.
type PrivacyRequest struct {
	Op        string `json:"op"`
	AccountID string `json:"accountId,omitempty"`
	Email     string `json:"email,omitempty"`
	Purpose   string `json:"purpose,omitempty"`
}

// PrivacyResponse is its answer.
type PrivacyResponse struct {
	Export  map[string]any `json:"export,omitempty"`
	Deleted int            `json:"deleted,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
}

// Holds reports the persons whose data is under a legal hold.
type Holds func(ctx context.Context) (map[string]bool, error)

// Serve carries out one privacy operation: the handler of the module's privacy
// function.
func (m Module) Serve(ctx context.Context, req PrivacyRequest, holds Holds) (PrivacyResponse, error) {
	s := privacy.Subject{AccountID: req.AccountID, Email: req.Email}
	switch req.Op {
	case OpExport:
		e, err := m.Export(ctx, s)
		return PrivacyResponse{Export: e}, err
	case OpErase:
		return PrivacyResponse{}, m.Erase(ctx, s)
	case OpWithdraw:
		n, err := m.OnWithdraw(ctx, s, req.Purpose)
		return PrivacyResponse{Deleted: n}, err
	case OpSweep:
		held, err := holds(ctx)
		if err != nil {
			return PrivacyResponse{}, err
		}
		c, err := m.Sweep(ctx, m.Now(), func(id string) bool { return held[id] })
		return PrivacyResponse{Counts: c}, err
	}
	return PrivacyResponse{}, fmt.Errorf("%w %q", errBadOp, req.Op)
}

// Invoker calls a function synchronously.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) ([]byte, error)
}

// Remote is the module as the privacy core sees it: declarations compiled in, and
// every operation carried out by the module's own privacy function, so that no
// other function can reach the insurance table, bucket or key.
type Remote struct {
	Invoker  Invoker
	Function string
}

// Name implements privacy.Module.
func (Remote) Name() string { return "insurance" }

// Kinds implements privacy.Module.
func (Remote) Kinds() []privacy.Kind { return Kinds() }

func (r Remote) call(ctx context.Context, req PrivacyRequest) (PrivacyResponse, error) {
	if r.Invoker == nil || r.Function == "" {
		return PrivacyResponse{}, fmt.Errorf("insurance privacy function not configured")
	}
	b, err := json.Marshal(req)
	if err != nil {
		return PrivacyResponse{}, err
	}
	out, err := r.Invoker.Invoke(ctx, r.Function, b)
	if err != nil {
		return PrivacyResponse{}, err
	}
	var resp PrivacyResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return PrivacyResponse{}, fmt.Errorf("insurance privacy answer: %w", err)
	}
	return resp, nil
}

// Export implements privacy.Module.
func (r Remote) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	resp, err := r.call(ctx, PrivacyRequest{Op: OpExport, AccountID: s.AccountID, Email: s.Email})
	return resp.Export, err
}

// Erase implements privacy.Module.
func (r Remote) Erase(ctx context.Context, s privacy.Subject) error {
	_, err := r.call(ctx, PrivacyRequest{Op: OpErase, AccountID: s.AccountID, Email: s.Email})
	return err
}

// Sweep implements privacy.Module; the privacy function reads the holds itself.
func (r Remote) Sweep(ctx context.Context, _ time.Time, _ func(string) bool) (map[string]int, error) {
	resp, err := r.call(ctx, PrivacyRequest{Op: OpSweep})
	return resp.Counts, err
}

// OnWithdraw implements rights.Withdrawer.
func (r Remote) OnWithdraw(ctx context.Context, s privacy.Subject, purpose string) (int, error) {
	resp, err := r.call(ctx, PrivacyRequest{Op: OpWithdraw, AccountID: s.AccountID, Email: s.Email, Purpose: purpose})
	return resp.Deleted, err
}
