package insurancedb

import (
	"context"
	"errors"
	"strings"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/insurance"
)

// eidRef is the reference from a pseudonym to its registration.
type eidRef struct {
	RegistrationID string `dynamodbav:"registrationId"`
}

// ByAddress is the table's index of the registrations filed by one address
// (addressKey: a keyed hash of it, with the secret under CONFIG#address-key).
var ByAddress = dynamo.Index{Name: "byAddress", Attr: "addressKey"}

// registrationItem is a registration as stored: with the keyed hash of its address.
type registrationItem struct {
	insurance.Registration
	AddressKey string `dynamodbav:"addressKey"`
}

// addressKey is the keyed hash under which an address is indexed.
func (s *Store) addressKey(ctx context.Context, email string) (string, error) {
	s.once.Do(func() {
		s.secret = &dynamo.Secret{Table: s.table(), Key: dynamo.Key(configPrefix+"address-key", configSK)}
	})
	secret, err := s.secret.Bytes(ctx)
	if err != nil {
		return "", err
	}
	return dynamo.AddressKey(secret, email), nil
}

// registration is the write of a registration with its address key.
func (s *Store) registration(ctx context.Context, reg insurance.Registration) (dynamo.Write, error) {
	k, err := s.addressKey(ctx, reg.Email)
	if err != nil {
		return dynamo.Write{}, err
	}
	return dynamo.Write{Key: registrationKey(reg.ID), V: registrationItem{reg, k}, Expires: reg.ExpiresAt}, nil
}

// CreateLetterRegistration writes a new registration (living until it expires)
// together with its activation letter, queued for printing until letterExpires.
func (s *Store) CreateLetterRegistration(ctx context.Context, reg insurance.Registration, l insurance.Letter, letterExpires time.Time) error {
	w, err := s.registration(ctx, reg)
	if err != nil {
		return err
	}
	return domainErr(s.table().Create(ctx, w, dynamo.Write{Key: letterKey(l.ID), V: l, Expires: letterExpires}))
}

// CreateEIDRegistration writes a new registration together with the reference from
// its pseudonym, both living until the registration expires.
func (s *Store) CreateEIDRegistration(ctx context.Context, reg insurance.Registration) error {
	w, err := s.registration(ctx, reg)
	if err != nil {
		return err
	}
	return domainErr(s.table().Create(ctx, w, dynamo.Write{Key: eidKey(reg.Pseudonym), V: eidRef{reg.ID}, Expires: reg.ExpiresAt}))
}

// saveRegistration writes reg under cond.
func (s *Store) saveRegistration(ctx context.Context, reg insurance.Registration, cond dynamo.Cond) error {
	w, err := s.registration(ctx, reg)
	if err != nil {
		return err
	}
	return s.put(ctx, w.Key, w.V, w.Expires, cond)
}

// Registration returns a registration that has not expired, or
// insurance.ErrNotFound.
func (s *Store) Registration(ctx context.Context, id string, now time.Time) (insurance.Registration, error) {
	var r insurance.Registration
	err := s.get(ctx, registrationKey(id), &r, now)
	return r, err
}

// SaveAttempts writes reg if the stored registration still counts prev wrong
// codes, and, for an open reg, was not activated meanwhile (a wrong code read
// before the activation must not reopen it); insurance.ErrConflict otherwise.
func (s *Store) SaveAttempts(ctx context.Context, reg insurance.Registration, prev int) error {
	cond := dynamo.Cond{Expr: "#a = :a", Values: dynamo.Item{":a": dynamo.N(int64(prev))}, Names: map[string]string{"#a": "attempts"}}
	if reg.ActivatedAt == nil {
		cond.Expr += " AND attribute_not_exists(activatedAt)"
	}
	return s.saveRegistration(ctx, reg, cond)
}

// SaveEIDResult writes reg if the stored registration has no eID result yet;
// insurance.ErrConflict otherwise.
func (s *Store) SaveEIDResult(ctx context.Context, reg insurance.Registration) error {
	return s.saveRegistration(ctx, reg, dynamo.Cond{Expr: "attribute_not_exists(eidResult)"})
}

// EIDRegistration returns the id of the registration a pseudonym was given for, or
// insurance.ErrNotFound.
func (s *Store) EIDRegistration(ctx context.Context, pseudonym string, now time.Time) (string, error) {
	var ref eidRef
	err := s.get(ctx, eidKey(pseudonym), &ref, now)
	return ref.RegistrationID, err
}

// MarkActivated deletes the eID reference of an activated registration and stores
// reg, activated, in place of the open one, without the pseudonym. Its letter stays
// in the print queue until printed (or until the person's erasure, which finds it
// through reg). Both writes may run again.
func (s *Store) MarkActivated(ctx context.Context, reg insurance.Registration) error {
	if reg.ActivatedAt == nil {
		return errors.New("mark activated: the registration is not activated")
	}
	if reg.Pseudonym != "" {
		if err := s.table().Delete(ctx, eidKey(reg.Pseudonym)); err != nil {
			return err
		}
		reg.Pseudonym = ""
	}
	return s.saveRegistration(ctx, reg, dynamo.Cond{})
}

// DeleteRegistration deletes a registration with its eID reference and its letter.
func (s *Store) DeleteRegistration(ctx context.Context, reg insurance.Registration) error {
	t := s.table()
	if reg.Pseudonym != "" {
		if err := t.Delete(ctx, eidKey(reg.Pseudonym)); err != nil {
			return err
		}
	}
	if reg.LetterID != "" {
		if err := t.Delete(ctx, letterKey(reg.LetterID)); err != nil {
			return err
		}
	}
	return t.Delete(ctx, registrationKey(reg.ID))
}

// RegistrationsOf calls fn with every registration filed by an address that has
// not expired, found through the byAddress index and read afresh by key: only that
// address's registrations are read.
func (s *Store) RegistrationsOf(ctx context.Context, email string, now time.Time, fn func(insurance.Registration) error) error {
	k, err := s.addressKey(ctx, email)
	if err != nil {
		return err
	}
	var ids []string
	err = s.table().Keys(ctx, ByAddress, k, func(key dynamo.Item) error {
		if id, ok := strings.CutPrefix(dynamo.String(key, dynamo.PK), regPrefix); ok && dynamo.String(key, dynamo.SK) == regSK {
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		r, err := s.Registration(ctx, id, now)
		if errors.Is(err, insurance.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// LetterPage reads one page of the print queue, oldest first, and returns the
// cursor of the next page.
func (s *Store) LetterPage(ctx context.Context, pg insurance.Page, now time.Time) ([]insurance.Letter, string, error) {
	out := []insurance.Letter{}
	next, err := page(ctx, s, lettersPK, "", pg, false, now, func(l insurance.Letter) error {
		out = append(out, l)
		return nil
	})
	return out, next, err
}

// DeleteLetter deletes a letter from the print queue; insurance.ErrNotFound when
// there is none.
func (s *Store) DeleteLetter(ctx context.Context, id string) error {
	return domainErr(s.table().DeleteExisting(ctx, letterKey(id)))
}

// failures counts failed matches against a contract number in one window.
type failures struct {
	Count int `dynamodbav:"count"`
}

// MatchFailures returns how often matching against a contract number failed in the
// window that starts at window: 0 when never.
func (s *Store) MatchFailures(ctx context.Context, number string, window, now time.Time) (int, error) {
	var f failures
	err := s.get(ctx, matchKey(number, window), &f, now)
	if errors.Is(err, insurance.ErrNotFound) {
		return 0, nil
	}
	return f.Count, err
}

// AddMatchFailure counts one more failed match against a contract number in the
// window that starts at window; the counter lives until expires. Concurrent
// counts are retried a few times, then given up.
func (s *Store) AddMatchFailure(ctx context.Context, number string, window, expires, now time.Time) error {
	key := matchKey(number, window)
	for range 5 {
		var f failures
		err := s.get(ctx, key, &f, now)
		if err != nil && !errors.Is(err, insurance.ErrNotFound) {
			return err
		}
		cond := dynamo.NotExists
		if err == nil {
			cond = dynamo.Cond{Expr: "#c = :c", Values: dynamo.Item{":c": dynamo.N(int64(f.Count))}, Names: map[string]string{"#c": "count"}}
		}
		err = s.put(ctx, key, failures{Count: f.Count + 1}, expires, cond)
		if !errors.Is(err, insurance.ErrConflict) {
			return err
		}
	}
	return nil
}
