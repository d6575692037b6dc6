package network

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// ErrNotFound is a profile the store does not hold.
var ErrNotFound = errors.New("network: no such profile")

// ErrConflict is a change made on a version that is no longer the stored one (a
// profile or a picture record).
var ErrConflict = errors.New("network: changed meanwhile")

// Store keeps profiles, one per account.
type Store interface {
	// Get returns an account's profile, or ErrNotFound.
	Get(ctx context.Context, accountID string) (Profile, error)
	// Put stores p (whose Version is the new one) if the stored profile is at
	// version prev (0: none stored yet); ErrConflict otherwise.
	Put(ctx context.Context, p Profile, prev int) error
	// Delete removes an account's profile; removing none is no error.
	Delete(ctx context.Context, accountID string) error
	// GetWithPictures returns an account's profile and its picture record (empty
	// when there is none) in one read, or ErrNotFound when there is no profile.
	GetWithPictures(ctx context.Context, accountID string) (Profile, Pictures, error)
}

// Service reads and changes profiles.
type Service struct {
	Store Store
	Now   func() time.Time
}

// Mine returns the account's own profile: an empty one (version 0) before the
// first change.
func (s *Service) Mine(ctx context.Context, accountID string) (Profile, error) {
	p, err := s.Store.Get(ctx, accountID)
	if errors.Is(err, ErrNotFound) {
		return Profile{AccountID: accountID}, nil
	}
	return p, err
}

// Update changes the details patch names (with their JSON values; null or ""
// removes a removable detail) on the profile at the version patch["version"]
// names. consented tells whether the owner has given the consent
// PurposeVoluntary; without it no voluntary detail may get a value (403). Any
// refusal changes nothing.
func (s *Service) Update(ctx context.Context, accountID string, patch map[string]any, consented bool) (Profile, error) {
	for name := range patch {
		if !known(name) {
			return Profile{}, problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
		}
	}
	raw, given := patch["version"]
	if !given {
		return Profile{}, problem.Invalid(problem.FieldError{Field: "version", Code: problem.FieldRequired})
	}
	version, ok := raw.(float64)
	if !ok || version < 0 || version != float64(int(version)) {
		return Profile{}, problem.Invalid(problem.FieldError{Field: "version", Code: problem.FieldInvalidValue})
	}
	cur, err := s.Mine(ctx, accountID)
	if err != nil {
		return Profile{}, err
	}
	next, voluntary, fe := apply(cur, patch)
	if voluntary && !consented {
		return Profile{}, problem.New(http.StatusForbidden, CodeVoluntaryConsentRequired)
	}
	if len(fe) > 0 {
		return Profile{}, problem.Invalid(fe...)
	}
	if int(version) != cur.Version {
		return Profile{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	now := s.Now()
	next.Version, next.UpdatedAt = cur.Version+1, &now
	if err := s.Store.Put(ctx, next, cur.Version); errors.Is(err, ErrConflict) {
		return Profile{}, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if err != nil {
		return Profile{}, err
	}
	return next, nil
}

// known reports whether a change may name the detail.
func known(name string) bool {
	return name == "version" || name == "birthdateVisible" ||
		slices.ContainsFunc(textFields, func(f textField) bool { return f.name == name }) ||
		slices.ContainsFunc(listFields, func(f listField) bool { return f.name == name })
}

// Member returns the profile id as the reader sees it — their own in full, another
// member's as View once it is complete — with its picture record, both read in
// one round trip. Anything else — an id that is no account's, a profile never made
// or not complete — is 404, so a reader learns nothing of whether the account
// exists. Only network members have profiles (the routes need the role), so an
// account without the role has none.
func (s *Service) Member(ctx context.Context, readerID, id string) (any, Pictures, error) {
	notFound := problem.New(http.StatusNotFound, problem.CodeNotFound)
	if !ids.ValidV7(id) {
		return nil, Pictures{}, notFound
	}
	p, ps, err := s.Store.GetWithPictures(ctx, id)
	switch {
	case id == readerID && errors.Is(err, ErrNotFound):
		return Profile{AccountID: id}, ps, nil
	case id == readerID:
		return p, ps, err
	case errors.Is(err, ErrNotFound) || (err == nil && !p.Complete()):
		return nil, Pictures{}, notFound
	case err != nil:
		return nil, Pictures{}, err
	}
	return p.ViewFor(), ps, nil
}

// Withdraw removes every voluntary detail of the account's profile (the consent
// PurposeVoluntary was withdrawn) and says whether there were any. A change made
// meanwhile is read again, so nothing voluntary survives it.
func (s *Service) Withdraw(ctx context.Context, accountID string) (int, error) {
	for range 5 {
		p, err := s.Store.Get(ctx, accountID)
		if errors.Is(err, ErrNotFound) {
			return 0, nil
		}
		if err != nil {
			return 0, err
		}
		if p.Voluntary.Empty() {
			return 0, nil
		}
		prev := p.Version
		now := s.Now()
		p.Voluntary, p.Version, p.UpdatedAt = Voluntary{}, prev+1, &now
		if err := s.Store.Put(ctx, p, prev); !errors.Is(err, ErrConflict) {
			if err != nil {
				return 0, err
			}
			return 1, nil
		}
	}
	return 0, ErrConflict
}
