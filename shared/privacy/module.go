package privacy

import (
	"context"
	"time"
)

// Subject is the person whose data a right concerns.
type Subject struct {
	AccountID string
	Email     string
}

// Module is what each module that stores personal data provides, so that access,
// erasure and the retention sweep reach every kind it declares. Implementations are
// idempotent: erasing twice, or sweeping twice, is harmless.
type Module interface {
	// Name is the module name used in Kind.Module.
	Name() string
	// Kinds declares the module's personal data.
	Kinds() []Kind
	// Export returns everything stored about the subject, keyed by kind id; a kind
	// with nothing stored maps to nil or an empty list.
	Export(ctx context.Context, s Subject) (map[string]any, error)
	// Erase deletes (or anonymises, where others rely on the content) everything
	// stored about the subject.
	Erase(ctx context.Context, s Subject) error
	// Sweep deletes what is past its retention at now, skipping subjects for whom
	// held reports true, and returns counts per kind id.
	Sweep(ctx context.Context, now time.Time, held func(accountID string) bool) (map[string]int, error)
}
