package classifieds

import (
	"context"
	"errors"
	"net/http"

	"kontor/shared/problem"
)

// InputOf is a listing's fields as an advertiser writes them: what an edit
// starts from, and a template's copy.
func InputOf(l Listing) Input {
	return Input{Kind: l.Kind, Area: l.Area, BoatType: l.BoatType, From: l.From, To: l.To, Title: l.Title, Text: l.Text, ExpiresOn: l.ExpiresOn}
}

// Editable returns the advertiser's listing to change: one that is public now.
// Another's, an unknown one: 404; one that ended or expired: 409 conflict (it is
// a template now: a new listing is made from it).
func (s *Listings) Editable(ctx context.Context, accountID, id string) (Listing, error) {
	l, err := s.Own(ctx, accountID, id)
	if err != nil {
		return Listing{}, err
	}
	if !l.Public(s.Now()) {
		return Listing{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	return l, nil
}

// Edit stores the changed fields of a public listing. Dates left as they were are
// not checked against today again (a trip under way keeps its start).
func (s *Listings) Edit(ctx context.Context, l Listing, in Input) (Listing, error) {
	now := s.Now()
	published := now
	if l.PublishedAt != nil {
		published = *l.PublishedAt
	}
	checked, exp, err := in.validate(now, s.maxDays(), InputOf(l), published)
	if err != nil {
		return Listing{}, err
	}
	if l.Kind != KindOffer && l.Public(now) {
		if err := s.allowOffer(ctx, l.AdvertiserID, checked.Kind, now); err != nil { // plangate.go
			return Listing{}, err
		}
	}
	was := l.Status
	l.Kind, l.Area, l.BoatType, l.From, l.To = checked.Kind, checked.Area, checked.BoatType, checked.From, checked.To
	l.Title, l.Text, l.ExpiresOn, l.ExpiresAt, l.UpdatedAt = checked.Title, checked.Text, checked.ExpiresOn, exp, &now
	if err := s.Store.Update(ctx, l, was); errors.Is(err, ErrNotFound) {
		return Listing{}, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if err != nil {
		return Listing{}, err
	}
	return l, nil
}

// End ends the advertiser's listing early: it is no longer public from now on
// and stays as a template. Ending an ended or expired listing again is harmless.
func (s *Listings) End(ctx context.Context, accountID, id string) error {
	l, err := s.Own(ctx, accountID, id)
	if err != nil || l.Status == StatusEnded {
		return err
	}
	if l.Status != StatusPublished {
		return notFound()
	}
	now := s.Now()
	l.Status, l.EndedAt = StatusEnded, &now
	if err := s.Store.Update(ctx, l, StatusPublished); errors.Is(err, ErrNotFound) {
		return nil // ended or erased meanwhile
	} else if err != nil {
		return err
	}
	return nil
}

// Template returns the fields of the advertiser's listing that is no longer
// public, for a new listing made from it. Another's, an unknown one: 404; one
// still public: 409 conflict.
func (s *Listings) Template(ctx context.Context, accountID, id string) (Input, error) {
	l, err := s.Own(ctx, accountID, id)
	if err != nil {
		return Input{}, err
	}
	if !l.Template(s.Now()) {
		return Input{}, problem.New(http.StatusConflict, problem.CodeConflict)
	}
	return InputOf(l), nil
}
