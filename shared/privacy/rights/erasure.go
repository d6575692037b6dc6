package rights

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"kontor/shared/access"
	"kontor/shared/privacy"
)

// Erasure job states.
const (
	JobRunning = "running"
	JobHeld    = "held"
	JobDone    = "done"
)

// stepDeactivate is the first step of every job: sessions end, sign-in stops.
const stepDeactivate = "deactivate"

// StaleAfter is how long a running job may go without progress before the sweep
// takes it over (its runner was killed).
const StaleAfter = 2 * time.Minute

// Erase deletes the signed-in person's data in every module (Art. 17, HKC-14,
// HGK-16). It runs as a job that records each finished module, so a run killed half
// way is resumed by the sweep, and asking twice is harmless. Under a legal hold the
// account is deactivated at once and the data kept until the hold is lifted.
func (s *Service) Erase(ctx context.Context, p access.Principal, reason string) (privacy.ErasureJob, error) {
	sub, _, err := s.subject(ctx, p.AccountID)
	if err != nil {
		return privacy.ErasureJob{}, err
	}
	now := s.Now()
	j, err := s.Jobs.PutJob(ctx, privacy.ErasureJob{AccountID: sub.AccountID, Email: sub.Email, Reason: reason, Status: JobRunning, RequestedAt: now, UpdatedAt: now})
	if err != nil {
		return privacy.ErasureJob{}, fmt.Errorf("create erasure job: %w", err)
	}
	s.Log.InfoContext(ctx, "erasure requested", slog.String("accountId", sub.AccountID), slog.String("reason", reason))
	return s.run(ctx, j)
}

// run carries a job forward from where it stands.
func (s *Service) run(ctx context.Context, j privacy.ErasureJob) (privacy.ErasureJob, error) {
	if j.Status == JobDone {
		return j, nil
	}
	sub := privacy.Subject{AccountID: j.AccountID, Email: j.Email}
	save := func() error {
		j.UpdatedAt = s.Now()
		var err error
		j, err = s.Jobs.SaveJob(ctx, j)
		return err
	}
	if !slices.Contains(j.Done, stepDeactivate) {
		for _, d := range s.Deactivators {
			if err := d.Deactivate(ctx, sub); err != nil {
				return j, fmt.Errorf("erasure %s: deactivate: %w", j.AccountID, err)
			}
		}
		j.Done = append(j.Done, stepDeactivate)
		if err := save(); err != nil {
			return j, err
		}
	}
	if _, err := s.LegalHolds.Hold(ctx, j.AccountID); err == nil {
		if j.Status != JobHeld {
			j.Status = JobHeld
			if err := save(); err != nil {
				return j, err
			}
		}
		s.Log.InfoContext(ctx, "erasure waits for legal hold", slog.String("accountId", j.AccountID))
		return j, nil
	} else if !errors.Is(err, privacy.ErrNotFound) {
		return j, err
	}
	j.Status = JobRunning
	for _, m := range s.Modules {
		if slices.Contains(j.Done, m.Name()) {
			continue
		}
		kept, err := privacy.EraseKeeping(ctx, m, sub)
		if err != nil {
			// Progress so far is saved; the sweep resumes from here.
			_ = save()
			return j, fmt.Errorf("erasure %s: module %s: %w", j.AccountID, m.Name(), err)
		}
		j.Kept = addKept(j.Kept, kept)
		j.Done = append(j.Done, m.Name())
		if err := save(); err != nil {
			return j, err
		}
	}
	j.Status, j.Email = JobDone, ""
	if err := save(); err != nil {
		return j, err
	}
	s.Log.InfoContext(ctx, "erasure done", slog.String("accountId", j.AccountID))
	return j, nil
}

// ResumeJobs finishes erasures whose runner stopped (no progress for StaleAfter) and
// held ones whose hold was lifted. It returns how many it carried on.
func (s *Service) ResumeJobs(ctx context.Context) (int, error) {
	jobs, err := s.Jobs.Jobs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range jobs {
		stale := j.Status == JobRunning && s.Now().Sub(j.UpdatedAt) >= StaleAfter
		if !stale && j.Status != JobHeld {
			continue
		}
		before := j.Status
		j, err := s.run(ctx, j)
		if errors.Is(err, privacy.ErrConflict) {
			continue // someone else carries it
		}
		if err != nil {
			return n, err
		}
		if j.Status != before || before == JobRunning {
			n++
		}
	}
	return n, nil
}

// ReplayErasures erases again every person whose erasure finished at or after
// since: after a table was restored to a point in time (point-in-time recovery keeps
// deleted items for 35 days), what those erasures deleted is back, and it must be
// gone again before the portal opens. Finished jobs are kept for
// privacy.JobRetention (90 days), longer than any restore point. The job no longer
// holds the address; a restored account tells it again, else modules are asked by
// account id, and anything filed only by address before an account existed is swept
// by its own retention.
// Running erasures are left to ResumeJobs, held ones to their hold. It returns how
// many persons it erased again.
func (s *Service) ReplayErasures(ctx context.Context, since time.Time) (int, error) {
	jobs, err := s.Jobs.Jobs(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range jobs {
		if j.Status != JobDone || j.UpdatedAt.Before(since) {
			continue
		}
		// A restored account tells its address again (its email claim must go too);
		// without it, the modules are asked by account id.
		sub := privacy.Subject{AccountID: j.AccountID}
		if acc, err := s.People.Person(ctx, j.AccountID); err == nil {
			sub.Email = acc.Email
		} else if !errors.Is(err, privacy.ErrUnknownPerson) {
			return n, fmt.Errorf("replay erasure %s: %w", j.AccountID, err)
		}
		for _, d := range s.Deactivators {
			if err := d.Deactivate(ctx, sub); err != nil {
				return n, fmt.Errorf("replay erasure %s: deactivate: %w", j.AccountID, err)
			}
		}
		for _, m := range s.Modules {
			if err := m.Erase(ctx, sub); err != nil {
				return n, fmt.Errorf("replay erasure %s: module %s: %w", j.AccountID, m.Name(), err)
			}
		}
		s.Log.InfoContext(ctx, "erasure replayed", slog.String("accountId", j.AccountID))
		n++
	}
	return n, nil
}

// addKept adds a module's kept records to the job's.
func addKept(into, kept map[string]int) map[string]int {
	for kind, n := range kept {
		if n > 0 {
			if into == nil {
				into = map[string]int{}
			}
			into[kind] += n
		}
	}
	return into
}
