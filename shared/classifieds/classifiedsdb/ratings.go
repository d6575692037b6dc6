package classifiedsdb

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

var _ classifieds.RatingStore = (*Store)(nil)

// AccountOfPublicID implements classifieds.RatingStore: byPublicId (keys only)
// names the advertiser item, whose key holds the account.
func (s *Store) AccountOfPublicID(ctx context.Context, publicID string) (string, bool, error) {
	acc := ""
	err := s.table().Keys(ctx, ByPublicID, publicID, func(k dynamo.Item) error {
		if dynamo.String(k, dynamo.SK) == advertiserSK {
			acc = strings.TrimPrefix(dynamo.String(k, dynamo.PK), accountPrefix)
		}
		return nil
	})
	return acc, acc != "", err
}

// raterClaim is the claim of a rater's one rating of an advertiser.
type raterClaim struct {
	RatingID string `dynamodbav:"ratingId"`
}

// counted is the change of the advertiser's summary by one rating (sign 1 or -1);
// the advertiser item must exist.
func counted(r classifieds.Rating, sign int) dynamo.Write {
	return dynamo.Write{Key: advertiserKey(r.Rated), Update: "ADD #n :n, #s :s", Cond: dynamo.Cond{Expr: "attribute_exists(pk)",
		Names: map[string]string{"#n": "ratingCount", "#s": "ratingSum"}, Values: dynamo.Item{":n": dynamo.N(int64(sign)), ":s": dynamo.N(int64(sign * r.Stars))}}}
}

// AddRating implements classifieds.RatingStore.
func (s *Store) AddRating(ctx context.Context, r classifieds.Rating) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: ratingKey(r.ID), V: r, Cond: dynamo.NotExists},
		dynamo.Write{Key: raterClaimKey(r.Rated, r.Rater), V: raterClaim{RatingID: r.ID}, Cond: dynamo.NotExists},
		counted(r, 1))
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrAlreadyRated
	}
	return err
}

// Rating implements classifieds.RatingStore.
func (s *Store) Rating(ctx context.Context, id string) (classifieds.Rating, error) {
	var r classifieds.Rating
	err := s.table().Get(ctx, ratingKey(id), &r, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Rating{}, classifieds.ErrNoRating
	}
	return r, err
}

// DeleteRating implements classifieds.RatingStore: the rating (which must still
// be there), its claim, and its count when the advertiser item is there (it is
// not while the advertiser is being erased).
func (s *Store) DeleteRating(ctx context.Context, r classifieds.Rating) error {
	ws := []dynamo.Write{{Key: ratingKey(r.ID), Delete: true, Cond: dynamo.Exists}, {Key: raterClaimKey(r.Rated, r.Rater), Delete: true}}
	_, ok, err := s.AdvertiserRecord(ctx, r.Rated)
	if err != nil {
		return err
	}
	if ok {
		ws = append(ws, counted(r, -1))
	}
	err = s.table().Transact(ctx, ws...)
	if errors.Is(err, dynamo.ErrConflict) {
		if _, e := s.Rating(ctx, r.ID); errors.Is(e, classifieds.ErrNoRating) {
			return classifieds.ErrNoRating
		}
		return classifieds.ErrChanged
	}
	return err
}

// RatingsOf implements classifieds.RatingStore.
func (s *Store) RatingsOf(ctx context.Context, accountID string, pg classifieds.Page) ([]classifieds.Rating, string, error) {
	return s.ratingsPage(ctx, ByRated, accountID, pg)
}

// RatingsBy implements classifieds.RatingStore.
func (s *Store) RatingsBy(ctx context.Context, accountID string, pg classifieds.Page) ([]classifieds.Rating, string, error) {
	return s.ratingsPage(ctx, ByRater, accountID, pg)
}

// ratingsPage is one page of an account's ratings in byRated or byRater (both
// project whole ratings), newest first. The cursor is the last rating's id; it
// reaches only that account's ratings, whatever it holds.
func (s *Store) ratingsPage(ctx context.Context, ix dynamo.Index, accountID string, pg classifieds.Page) ([]classifieds.Rating, string, error) {
	var start dynamo.Item
	if pg.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(pg.Cursor)
		if err != nil || !ids.ValidV7(string(raw)) {
			return nil, "", classifieds.ErrBadCursor
		}
		start = ratingKey(string(raw))
		start[ix.Attr], start[attrID] = dynamo.S(accountID), dynamo.S(string(raw))
	}
	limit := pg.Limit
	if limit < 1 || limit > dynamo.MaxPageSize {
		limit = dynamo.DefaultPageSize
	}
	items, last, err := s.table().QueryIndexPage(ctx, dynamo.IndexQuery{
		Index: ix.Name, KeyCond: "#a = :a", Names: map[string]string{"#a": ix.Attr},
		Values: dynamo.Item{":a": dynamo.S(accountID)}, Limit: int32(limit), Descending: true, Start: start, // #nosec G115 -- 1..MaxPageSize
	})
	if err != nil {
		return nil, "", err
	}
	out := []classifieds.Rating{}
	if err := dynamo.UnmarshalAll(items, &out); err != nil {
		return nil, "", err
	}
	next := ""
	if last != nil && len(out) > 0 {
		next = base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1].ID))
	}
	return out, next, nil
}

// EachRating calls fn with every rating of the account in the index (received:
// ByRated, given: ByRater), each read afresh by its key.
func (s *Store) EachRating(ctx context.Context, ix dynamo.Index, accountID string, fn func(classifieds.Rating) error) error {
	return s.table().Keys(ctx, ix, accountID, func(key dynamo.Item) error {
		r, err := s.Rating(ctx, strings.TrimPrefix(dynamo.String(key, dynamo.PK), ratingPrefix))
		if errors.Is(err, classifieds.ErrNoRating) {
			return nil
		}
		if err != nil {
			return err
		}
		return fn(r)
	})
}

// EraseRatings deletes every rating the account received and gave, with their
// claims and counts (docs/classifieds.md: a rating goes with either account).
func (s *Store) EraseRatings(ctx context.Context, accountID string) error {
	for _, ix := range []dynamo.Index{ByRated, ByRater} {
		if err := s.EachRating(ctx, ix, accountID, func(r classifieds.Rating) error {
			if err := s.DeleteRating(ctx, r); err != nil && !errors.Is(err, classifieds.ErrNoRating) {
				return err
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
