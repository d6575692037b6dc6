package rights

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"kontor/shared/privacy"
)

// Sweep is the retention sweeper's run: every module deletes what is past its
// retention, skipping held and restricted subjects; stopped erasures are resumed; a
// receipt with counts per kind (no personal data) is stored and returned.
func (s *Service) Sweep(ctx context.Context) (privacy.Receipt, error) {
	now := s.Now()
	ids, err := s.heldSet(ctx)
	if err != nil {
		return privacy.Receipt{}, err
	}
	held := privacy.NewHeld(ids...)
	rec := privacy.Receipt{At: now, Counts: map[string]int{}}
	for _, m := range s.Modules {
		counts, err := m.Sweep(ctx, now, held)
		if err != nil {
			return rec, fmt.Errorf("sweep %s: %w", m.Name(), err)
		}
		for k, v := range counts {
			rec.Counts[k] += v
		}
	}
	rec.Skipped = held.Skipped()
	if rec.Resumed, err = s.ResumeJobs(ctx); err != nil {
		return rec, err
	}
	if err := s.Receipts.PutReceipt(ctx, rec); err != nil {
		return rec, err
	}
	attrs := []any{slog.Int("resumed", rec.Resumed), slog.Int("skippedHeld", rec.Skipped)}
	for k, v := range rec.Counts {
		attrs = append(attrs, slog.Int(k, v))
	}
	s.Log.InfoContext(ctx, "retention sweep", attrs...)
	return rec, nil
}

// SweepEvent is the retention function's event: the schedule sends none (an empty
// or {} event runs the sweep); an operator who restored a table to a point in time
// sends {"replayErasuresSince": "<restore point, RFC 3339>"} before the portal opens
// again (docs/privacy.md).
type SweepEvent struct {
	ReplayErasuresSince *time.Time `json:"replayErasuresSince,omitempty"`
}

// SweepResult answers the retention function: the sweep's receipt, or how many
// erasures were replayed.
type SweepResult struct {
	privacy.Receipt
	Replayed *int `json:"replayed,omitempty"`
}

// HandleSweep is the retention function's handler. A scheduled event carries its
// own fields and runs the sweep; only replayErasuresSince asks for something else.
func (s *Service) HandleSweep(ctx context.Context, raw json.RawMessage) (SweepResult, error) {
	var ev SweepEvent
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &ev); err != nil {
			return SweepResult{}, fmt.Errorf("retention event: %w", err)
		}
	}
	if ev.ReplayErasuresSince != nil {
		n, err := s.ReplayErasures(ctx, *ev.ReplayErasuresSince)
		return SweepResult{Replayed: &n}, err
	}
	r, err := s.Sweep(ctx)
	return SweepResult{Receipt: r}, err
}
