package classifiedsdb

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

// Store implements the classifieds stores on the classifieds table.
type Store struct {
	DB    dynamo.DB
	Table string
}

var _ classifieds.ListingStore = (*Store)(nil)

func (s *Store) table() dynamo.Table { return dynamo.Table{DB: s.DB, Name: s.Table} }

// listingItem is a listing as stored: with its index attributes.
type listingItem struct {
	classifieds.Listing
	Pub      string `dynamodbav:"pub,omitempty"`
	PubNew   string `dynamodbav:"pubNew,omitempty"`
	PubStart string `dynamodbav:"pubStart,omitempty"`
	// Exp is ExpiresAt in epoch seconds: what browse pages filter on.
	Exp   int64  `dynamodbav:"exp"`
	Words string `dynamodbav:"words,omitempty"`
}

// sortTime is a time as a fixed-width string, so that index keys sort by it.
func sortTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// item is a listing with its index attributes: in the browse indexes while it is
// published and not ended.
func item(l classifieds.Listing) listingItem {
	it := listingItem{Listing: l, Exp: l.ExpiresAt.Unix()}
	if l.Status == classifieds.StatusPublished && l.EndedAt == nil && l.PublishedAt != nil {
		it.Pub = browsePartition
		it.PubNew = sortTime(*l.PublishedAt) + "#" + l.ID
		it.PubStart = l.From + "#" + l.ID
		it.Words = classifieds.Words(l)
	}
	return it
}

// firstListing is the change of the advertiser item with a published listing: it
// is created if missing, and keeps the time of the first one.
func firstListing(accountID string, at time.Time) dynamo.Write {
	t := dynamo.S(at.UTC().Format(time.RFC3339Nano))
	return dynamo.Write{Key: advertiserKey(accountID),
		Update: "SET #first = if_not_exists(#first, :t), #created = if_not_exists(#created, :t), #acc = :acc" + publicIDSet,
		Cond: dynamo.Cond{Names: withPublicIDName(map[string]string{"#first": attrFirstListing, "#created": "createdAt", "#acc": "accountId"}),
			Values: withPublicID(dynamo.Item{":t": t, ":acc": dynamo.S(accountID)})}}
}

// Publish implements classifieds.ListingStore.
func (s *Store) Publish(ctx context.Context, l classifieds.Listing) error {
	return s.table().Create(ctx,
		dynamo.Write{Key: listingKey(l.ID), V: item(l)},
		firstListing(l.AdvertiserID, *l.PublishedAt))
}

// Get implements classifieds.ListingStore.
func (s *Store) Get(ctx context.Context, id string) (classifieds.Listing, error) {
	var l classifieds.Listing
	err := s.table().Get(ctx, listingKey(id), &l, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.Listing{}, classifieds.ErrNotFound
	}
	return l, err
}

// advertiserStart is the index key in byAdvertiser of the listing a cursor names.
func advertiserStart(accountID, cursor string) (dynamo.Item, error) {
	if cursor == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	id := string(raw)
	if err != nil || !ids.ValidV7(id) {
		return nil, classifieds.ErrBadCursor
	}
	k := listingKey(id)
	k[attrAdvertiser], k[attrID] = dynamo.S(accountID), dynamo.S(id)
	return k, nil
}

// Of implements classifieds.ListingStore: one request of byAdvertiser (which
// projects whole listings), newest first. The cursor is the last listing's id; it
// reaches only the advertiser's own listings, whatever it holds.
func (s *Store) Of(ctx context.Context, accountID string, pg classifieds.Page) ([]classifieds.Listing, string, error) {
	start, err := advertiserStart(accountID, pg.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pg.Limit
	if limit < 1 || limit > dynamo.MaxPageSize {
		limit = dynamo.DefaultPageSize
	}
	items, last, err := s.table().QueryIndexPage(ctx, dynamo.IndexQuery{
		Index: ByAdvertiser.Name, KeyCond: "#a = :a", Names: map[string]string{"#a": attrAdvertiser},
		Values: dynamo.Item{":a": dynamo.S(accountID)}, Limit: int32(limit), Descending: true, Start: start, // #nosec G115 -- 1..MaxPageSize
	})
	if err != nil {
		return nil, "", err
	}
	var out []classifieds.Listing
	if err := dynamo.UnmarshalAll(items, &out); err != nil {
		return nil, "", err
	}
	next := ""
	if last != nil && len(out) > 0 {
		next = base64.RawURLEncoding.EncodeToString([]byte(out[len(out)-1].ID))
	}
	return out, next, nil
}

// HasPublished implements classifieds.ListingStore: the advertiser's listings in
// byAdvertiser, filtered to those public at now, until one is found.
func (s *Store) HasPublished(ctx context.Context, accountID string, now time.Time) (bool, error) {
	q := dynamo.IndexQuery{
		Index: ByAdvertiser.Name, KeyCond: "#a = :a",
		Filter: "#st = :pub AND #exp > :now AND attribute_not_exists(#ended)",
		Names:  map[string]string{"#a": attrAdvertiser, "#st": attrStatus, "#exp": attrExp, "#ended": attrEndedAt},
		Values: dynamo.Item{":a": dynamo.S(accountID), ":pub": dynamo.S(classifieds.StatusPublished), ":now": dynamo.N(now.Unix())},
	}
	for {
		items, last, err := s.table().QueryIndexPage(ctx, q)
		if err != nil || len(items) > 0 {
			return len(items) > 0, err
		}
		if last == nil {
			return false, nil
		}
		q.Start = last
	}
}

// idOf is the listing id of a listing item's key.
func idOf(key dynamo.Item) string {
	return strings.TrimPrefix(dynamo.String(key, dynamo.PK), listingPrefix)
}

// Update implements classifieds.ListingStore: the listing replaced with its index
// attributes (an ended one leaves the browse indexes), if it is still its
// advertiser's and in status was.
func (s *Store) Update(ctx context.Context, l classifieds.Listing, was string) error {
	err := s.table().Put(ctx, listingKey(l.ID), item(l), time.Time{}, dynamo.Cond{
		Expr:   "#adv = :adv AND #st = :was",
		Names:  map[string]string{"#adv": attrAdvertiser, "#st": attrStatus},
		Values: dynamo.Item{":adv": dynamo.S(l.AdvertiserID), ":was": dynamo.S(was)}})
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrNotFound
	}
	return err
}

// ItemOf is a listing as the table stores it, key and index attributes included:
// for seeding a table directly (the benchmark).
func ItemOf(l classifieds.Listing) (dynamo.Item, error) {
	return dynamo.Marshal(listingKey(l.ID), item(l), time.Time{})
}
