package rights

import (
	"context"
	"time"

	"kontor/shared/privacy"
)

// What the rights keep in the privacy module's own records (privacydb.Store keeps
// them all). A missing record is privacy.ErrNotFound, a lost race
// privacy.ErrConflict.

// ConsentLedger keeps a person's consents and their history.
type ConsentLedger interface {
	SetConsent(ctx context.Context, accountID string, c privacy.ConsentState, ev privacy.ConsentEvent) error
	Consents(ctx context.Context, accountID string) ([]privacy.ConsentState, error)
	ConsentHistory(ctx context.Context, accountID string) ([]privacy.ConsentEvent, error)
}

// FlagStore keeps restriction and objection flags.
type FlagStore interface {
	SetFlag(ctx context.Context, accountID string, f privacy.Flag) error
	ClearFlag(ctx context.Context, accountID, kind string) error
	Flags(ctx context.Context, accountID string) ([]privacy.Flag, error)
	IsRestricted(ctx context.Context, accountID string) (bool, error)
	// Restricted lists every person whose processing is restricted.
	Restricted(ctx context.Context) ([]string, error)
}

// HoldStore keeps legal holds.
type HoldStore interface {
	PlaceHold(ctx context.Context, h privacy.Hold) error
	LiftHold(ctx context.Context, accountID string) error
	Hold(ctx context.Context, accountID string) (privacy.Hold, error)
	Holds(ctx context.Context) ([]privacy.Hold, error)
}

// JobStore keeps erasure jobs.
type JobStore interface {
	// PutJob creates a job unless one exists, and returns the job in force.
	PutJob(ctx context.Context, j privacy.ErasureJob) (privacy.ErasureJob, error)
	// SaveJob records progress unless someone else did meanwhile.
	SaveJob(ctx context.Context, j privacy.ErasureJob) (privacy.ErasureJob, error)
	Jobs(ctx context.Context) ([]privacy.ErasureJob, error)
}

// AuditLog records admin actions.
type AuditLog interface {
	Audit(ctx context.Context, e privacy.AuditEntry) error
}

// ReceiptStore keeps the retention sweep's receipts.
type ReceiptStore interface {
	PutReceipt(ctx context.Context, r privacy.Receipt) error
}

// SelfStore is what the privacy module's own data is, as SelfModule exports, erases
// and sweeps it.
type SelfStore interface {
	Consents(ctx context.Context, accountID string) ([]privacy.ConsentState, error)
	ConsentHistory(ctx context.Context, accountID string) ([]privacy.ConsentEvent, error)
	Flags(ctx context.Context, accountID string) ([]privacy.Flag, error)
	Hold(ctx context.Context, accountID string) (privacy.Hold, error)
	Job(ctx context.Context, accountID string) (privacy.ErasureJob, error)
	AuditFor(ctx context.Context, accountID string, now time.Time) ([]privacy.AuditEntry, error)
	// DeleteSubject deletes every record kept under the person.
	DeleteSubject(ctx context.Context, accountID string) error
	// SweepExpired deletes the records past their retention and counts them by kind.
	SweepExpired(ctx context.Context, now time.Time) (map[string]int, error)
}
