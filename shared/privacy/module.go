package privacy

import (
	"context"
	"errors"
	"sort"
	"sync"
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
	// Sweep deletes what is past its retention at now, keeping the data of the
	// persons in held (Held.Keep), and returns counts per kind id.
	Sweep(ctx context.Context, now time.Time, held *Held) (map[string]int, error)
}

// Withdrawer is a module that keeps data resting only on a consent; it deletes that
// data when the consent is withdrawn and says how much it deleted.
type Withdrawer interface {
	OnWithdraw(ctx context.Context, s Subject, purpose string) (int, error)
}

// Deactivator is the module that ends a person's sessions and sign-in, the first
// step of every erasure.
type Deactivator interface {
	Deactivate(ctx context.Context, s Subject) error
}

// Person is what the privacy core needs to know of an account: whom to mail, in
// which language, and which terms of use and privacy notice it accepted.
type Person struct {
	AccountID         string     `json:"accountId"`
	Email             string     `json:"email"`
	Language          string     `json:"language"`
	TermsVersion      string     `json:"termsVersion,omitempty"`
	TermsAcceptedAt   *time.Time `json:"termsAcceptedAt,omitempty"`
	PrivacyVersion    string     `json:"privacyVersion,omitempty"`
	PrivacyAcceptedAt *time.Time `json:"privacyAcceptedAt,omitempty"`
}

// ErrUnknownPerson is an account id no account has.
var ErrUnknownPerson = errors.New("privacy: no such person")

// Resolver is the module that knows accounts: it answers who an account id is;
// ErrUnknownPerson when there is no such account.
type Resolver interface {
	Person(ctx context.Context, accountID string) (Person, error)
}

// Held is the set of persons whose data a retention sweep keeps (a legal hold, a
// restriction of processing), counting how often it kept something. Safe for
// concurrent use.
type Held struct {
	mu      sync.Mutex
	ids     map[string]bool
	skipped int
}

// NewHeld returns the set of the given account ids.
func NewHeld(ids ...string) *Held {
	h := &Held{ids: map[string]bool{}}
	for _, id := range ids {
		h.ids[id] = true
	}
	return h
}

// Keep reports whether the data of accountID stays, and counts it when it does.
func (h *Held) Keep(accountID string) bool {
	if h == nil {
		return false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.ids[accountID] {
		h.skipped++
		return true
	}
	return false
}

// IDs lists the account ids, sorted.
func (h *Held) IDs() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]string, 0, len(h.ids))
	for id := range h.ids {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Skipped is how often Keep kept something.
func (h *Held) Skipped() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.skipped
}

// AddSkipped counts what a sweep elsewhere (another module's function) kept.
func (h *Held) AddSkipped(n int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.skipped += n
}
