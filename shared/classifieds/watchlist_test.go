package classifieds

import (
	"context"
	"errors"
	"testing"
	"time"

	"kontor/shared/ids"
)

// fakeWatch is a WatchStore in memory.
type fakeWatch struct {
	lists    map[string]map[string]time.Time
	listings map[string]Listing
}

func (f *fakeWatch) Entries(_ context.Context, digest string, _ time.Time) (map[string]time.Time, error) {
	l, ok := f.lists[digest]
	if !ok {
		return nil, ErrNoWatchlist
	}
	return l, nil
}

func (f *fakeWatch) Watch(_ context.Context, digest, id string, create bool, now time.Time) error {
	l, ok := f.lists[digest]
	switch {
	case create && ok:
		return errors.New("exists")
	case create:
		f.lists[digest] = map[string]time.Time{id: now}
	case !ok:
		return ErrNoWatchlist
	case len(l) >= MaxWatchEntries:
		return ErrWatchlistFull
	default:
		l[id] = now
	}
	return nil
}

func (f *fakeWatch) Unwatch(_ context.Context, digest, id string) error {
	delete(f.lists[digest], id)
	return nil
}

func (f *fakeWatch) Listings(_ context.Context, idsIn []string) (map[string]Listing, error) {
	out := map[string]Listing{}
	for _, id := range idsIn {
		if l, ok := f.listings[id]; ok {
			out[id] = l
		}
	}
	return out, nil
}

// A forged or unknown token reads an empty list and an addition with it starts a
// fresh list under a new token, counted by mayCreate; a refused creation writes
// nothing; a listing that is not public is refused and an entry no longer
// public shows nothing but its id.
func TestWatchlistNeverReachesAnotherList(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	pub, gone := ids.NewV7(now), ids.NewV7(now)
	store := &fakeWatch{lists: map[string]map[string]time.Time{}, listings: map[string]Listing{
		pub:  {ID: pub, Status: StatusPublished, Title: "Open", ExpiresAt: now.Add(time.Hour)},
		gone: {ID: gone, Status: StatusPublished, Title: "Secret", ExpiresAt: now.Add(time.Minute)},
	}}
	w := &Watchlist{Store: store, Now: func() time.Time { return now }}
	ctx := context.Background()
	created := 0
	mayCreate := func(context.Context) error { created++; return nil }

	tok, isNew, err := w.Add(ctx, "", pub, mayCreate)
	if err != nil || !isNew || created != 1 || !ids.PlausibleToken(tok) {
		t.Fatalf("first addition: %q %v %v (created %d)", tok, isNew, err, created)
	}
	if again, isNew, err := w.Add(ctx, tok, gone, mayCreate); err != nil || isNew || again != tok || created != 1 {
		t.Fatalf("second addition: %q %v %v", again, isNew, err)
	}
	forged := ids.NewToken()
	if ws, err := w.List(ctx, forged); err != nil || len(ws) != 0 {
		t.Fatalf("a forged token read %+v %v", ws, err)
	}
	if ws, _ := w.List(ctx, Token("not a token")); len(ws) != 0 {
		t.Fatalf("a malformed token read %+v", ws)
	}
	fresh, isNew, err := w.Add(ctx, forged, pub, mayCreate)
	if err != nil || !isNew || fresh == forged || fresh == tok {
		t.Fatalf("a forged token's addition: %q %v %v", fresh, isNew, err)
	}
	refused := errors.New("limited")
	before := len(store.lists)
	if _, _, err := w.Add(ctx, "", pub, func(context.Context) error { return refused }); !errors.Is(err, refused) || len(store.lists) != before {
		t.Fatalf("a refused creation: %v, %d lists (was %d)", err, len(store.lists), before)
	}
	if _, _, err := w.Add(ctx, tok, ids.NewV7(now), mayCreate); err == nil {
		t.Fatal("an unknown listing was added")
	}

	now = now.Add(2 * time.Minute) // gone is no longer public
	ws, err := w.List(ctx, tok)
	if err != nil || len(ws) != 2 {
		t.Fatalf("list %+v %v", ws, err)
	}
	for _, e := range ws {
		if e.ListingID == gone && (e.Public || e.Title != "") {
			t.Fatalf("an entry no longer public shows %+v", e)
		}
		if e.ListingID == pub && (!e.Public || e.Title != "Open") {
			t.Fatalf("a public entry shows %+v", e)
		}
	}
}
