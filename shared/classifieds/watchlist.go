package classifieds

import (
	"context"
	"errors"
	"net/http"
	"sort"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// The watch list (HGK-11): anyone keeps listings on an anonymous list, named by a
// cookie that holds only a random token. The table holds only the token's digest,
// so a leaked table names no list a cookie could reach; the list is linked to no
// account and is used for nothing else.
const (
	// WatchlistTTL is how long a list lives after its last use (an added entry),
	// and the Max-Age of its cookie, which slides with it.
	WatchlistTTL = 60 * 24 * time.Hour
	// MaxWatchEntries bounds the entries of one list.
	MaxWatchEntries = 100
)

// ErrWatchlistFull is an addition to a list that holds MaxWatchEntries entries.
var ErrWatchlistFull = errors.New("classifieds: watch list full")

// ErrNoWatchlist is a token that names no list (never made, or gone).
var ErrNoWatchlist = errors.New("classifieds: no such watch list")

// CodeWatchlistFull refuses an entry beyond MaxWatchEntries.
var CodeWatchlistFull = problem.Define("watchlist_full",
	"Ihre Merkliste ist voll (höchstens 100 Inserate). Bitte entfernen Sie zuerst ein Inserat.",
	"Your watch list is full (100 listings at most). Please remove a listing first.")

// WatchStore keeps watch lists, each under the digest of its token (classifiedsdb).
type WatchStore interface {
	// Entries returns a list's entries (listing id → when added), or ErrNoWatchlist.
	Entries(ctx context.Context, digest string, now time.Time) (map[string]time.Time, error)
	// Watch adds an entry, creating the list when create is set (and refusing when
	// it exists), and moves the list's expiry to now+WatchlistTTL. ErrNoWatchlist
	// when the list is gone and create is not set; ErrWatchlistFull when it is full.
	Watch(ctx context.Context, digest, listingID string, create bool, now time.Time) error
	// Unwatch removes an entry; a missing list or entry is no error.
	Unwatch(ctx context.Context, digest, listingID string) error
	// Listings reads listings by id consistently; unknown ones are left out.
	Listings(ctx context.Context, ids []string) (map[string]Listing, error)
}

// Watchlist serves the anonymous watch lists.
type Watchlist struct {
	Store WatchStore
	Now   func() time.Time
}

// Watched is an entry as the list shows it: a public listing with what a list
// shows of it; a listing no longer public (ended, expired, erased) only with its
// id, public false and nothing else, so the list reveals nothing about it.
type Watched struct {
	ListingID string    `json:"listingId"`
	AddedAt   time.Time `json:"addedAt"`
	Public    bool      `json:"public"`
	Title     string    `json:"title,omitempty"`
	Kind      string    `json:"kind,omitempty"`
	Area      string    `json:"area,omitempty"`
	From      string    `json:"from,omitempty"`
	To        string    `json:"to,omitempty"`
	ExpiresOn string    `json:"expiresOn,omitempty"`
}

// Token is a watch-list cookie's value when it could be one this site made; ""
// otherwise (absent, bad format), which is then treated as no list at all.
func Token(cookie string) string {
	if ids.PlausibleToken(cookie) {
		return cookie
	}
	return ""
}

// List returns the entries of the list token names, newest first; an empty list
// for no token or a token that names no list (a forged one reads nothing).
func (w *Watchlist) List(ctx context.Context, token string) ([]Watched, error) {
	out := []Watched{}
	if token == "" {
		return out, nil
	}
	now := w.Now()
	entries, err := w.Store.Entries(ctx, ids.Digest(token), now)
	if errors.Is(err, ErrNoWatchlist) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(entries))
	for id := range entries {
		keys = append(keys, id)
	}
	ls, err := w.Store.Listings(ctx, keys)
	if err != nil {
		return nil, err
	}
	for _, id := range keys {
		e := Watched{ListingID: id, AddedAt: entries[id]}
		if l, ok := ls[id]; ok && l.Public(now) {
			e.Public, e.Title, e.Kind, e.Area, e.From, e.To, e.ExpiresOn = true, l.Title, l.Kind, l.Area, l.From, l.To, l.ExpiresOn
		}
		out = append(out, e)
	}
	sortWatched(out)
	return out, nil
}

// Add puts a public listing on the list token names and returns the token the
// cookie must now hold: the same one, or a fresh one when token named no list (a
// forged or forgotten cookie starts a new, empty list; it never reaches another).
// created tells whether a new list was made. Anything but a public listing is 404.
func (w *Watchlist) Add(ctx context.Context, token, listingID string, mayCreate func(context.Context) error) (string, bool, error) {
	now := w.Now()
	if !ids.ValidV7(listingID) {
		return "", false, notFound()
	}
	ls, err := w.Store.Listings(ctx, []string{listingID})
	if err != nil {
		return "", false, err
	}
	if l, ok := ls[listingID]; !ok || !l.Public(now) {
		return "", false, notFound()
	}
	if token != "" {
		err := w.Store.Watch(ctx, ids.Digest(token), listingID, false, now)
		if !errors.Is(err, ErrNoWatchlist) {
			return token, false, w.problem(err)
		}
	}
	if err := mayCreate(ctx); err != nil {
		return "", false, err
	}
	token = ids.NewToken()
	return token, true, w.problem(w.Store.Watch(ctx, ids.Digest(token), listingID, true, now))
}

// Remove takes a listing off the list token names; nothing happens for an unknown
// list or entry (the answer is the same, so it tells nothing either).
func (w *Watchlist) Remove(ctx context.Context, token, listingID string) error {
	if token == "" || !ids.ValidV7(listingID) {
		return nil
	}
	return w.Store.Unwatch(ctx, ids.Digest(token), listingID)
}

func (w *Watchlist) problem(err error) error {
	if errors.Is(err, ErrWatchlistFull) {
		return problem.New(http.StatusConflict, CodeWatchlistFull)
	}
	return err
}

// sortWatched orders entries newest first (by the time added, then id).
func sortWatched(ws []Watched) {
	sort.Slice(ws, func(i, j int) bool {
		if !ws[i].AddedAt.Equal(ws[j].AddedAt) {
			return ws[i].AddedAt.After(ws[j].AddedAt)
		}
		return ws[i].ListingID > ws[j].ListingID
	})
}
