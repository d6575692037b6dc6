package rights

import (
	"context"
	"fmt"
	"log/slog"

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
