package privacy

import "context"

// Keeper is a module that keeps some of a person's data after an erasure, because
// a legal retention duty requires it (the classifieds' invoices, HGK-16): it
// erases everything else, as Erase does, and says how many records of which kind
// it kept, so the erasure's receipt (ErasureJob.Kept) can tell the person.
type Keeper interface {
	EraseKeeping(ctx context.Context, s Subject) (map[string]int, error)
}

// EraseKeeping erases the subject in m and returns what m kept under a retention
// duty (nothing for a module that keeps nothing).
func EraseKeeping(ctx context.Context, m Module, s Subject) (map[string]int, error) {
	if k, ok := m.(Keeper); ok {
		return k.EraseKeeping(ctx, s)
	}
	return nil, m.Erase(ctx, s)
}
