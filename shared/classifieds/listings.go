package classifieds

import (
	"context"
	"errors"
	"net/http"
	"time"

	"kontor/shared/evidence"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

// EventPublish is the evidence of a publication: the client's address and the
// exact time (HGK-12).
const EventPublish = evidence.EventListingPublish

// Evidence records the client address and time of a publication (shared/evidence).
type Evidence interface {
	Add(ctx context.Context, accountID, event, ip string, at time.Time) error
}

// ErrNotFound is a listing the store does not hold.
var ErrNotFound = errors.New("classifieds: no such listing")

// ErrBadCursor is a cursor no page of this listing handed out.
var ErrBadCursor = errors.New("classifieds: bad cursor")

// Page asks for one page: at most Limit items after Cursor (the opaque Next of the
// previous page).
type Page struct {
	Limit  int
	Cursor string
}

// ListingStore keeps listings and the advertiser item (classifiedsdb).
type ListingStore interface {
	// Publish stores a new published listing and, in the same transaction, the
	// advertiser item of its account, setting firstListingAt on the first one.
	Publish(ctx context.Context, l Listing) error
	// Get returns a listing read consistently, or ErrNotFound.
	Get(ctx context.Context, id string) (Listing, error)
	// Of lists an advertiser's listings, newest first, one page of them.
	Of(ctx context.Context, accountID string, pg Page) ([]Listing, string, error)
	// HasPublished tells whether the advertiser has a listing that is public at now.
	HasPublished(ctx context.Context, accountID string, now time.Time) (bool, error)
	// Update stores a changed listing of its advertiser; ErrNotFound when it is
	// gone or no longer in the status it was read in.
	Update(ctx context.Context, l Listing, was string) error
	// Browse reads one page of public listings at now (docs/classifieds.md).
	Browse(ctx context.Context, f Filter, pg Page, now time.Time) ([]Card, string, error)
}

// Listings publishes listings and serves them.
type Listings struct {
	Store   ListingStore
	Pending PendingStore
	Now     func() time.Time
	// MaxDays is the operator's maximum of days a listing is public
	// (ListingMaxDays; DefaultMaxDays when 0).
	MaxDays  int
	Evidence Evidence
	// Accounts creates or finds the account of a confirmed address.
	Accounts Provisioner
	Mail     Mailer
	// BaseURL is the portal's address, for mailed links.
	BaseURL string
	// TermsVersion and PrivacyVersion are the current texts a listing without an
	// account must accept (they become the account's).
	TermsVersion, PrivacyVersion string
	// Advertisers reads the advertiser item for the public view (advertiserview.go).
	Advertisers AdvertiserReader
	// Alerts queues each publication for the alert matching (alertmatch.go), just
	// before the listing is stored.
	Alerts Publications
	// Offers holds publications of offers to the flat rate (plangate.go); nil
	// allows every one.
	Offers *OfferGate
}

func (s *Listings) maxDays() int {
	if s.MaxDays > 0 {
		return s.MaxDays
	}
	return DefaultMaxDays
}

// notFound is the one answer for a listing one may not see: unknown, pending,
// ended, expired or another advertiser's.
func notFound() error { return problem.New(http.StatusNotFound, problem.CodeNotFound) }

// newListing builds a listing from checked input, as status at now.
func newListing(in Input, expiresAt, now time.Time, status, lang string) Listing {
	return Listing{ID: ids.NewV7(now), Status: status, Kind: in.Kind, Area: in.Area, BoatType: in.BoatType,
		From: in.From, To: in.To, Title: in.Title, Text: in.Text, ExpiresOn: in.ExpiresOn, ExpiresAt: expiresAt,
		CreatedAt: now, Language: lang}
}

// Publish validates a signed-in advertiser's listing and publishes it at once,
// recording the client's address and the time as evidence first (HGK-12).
func (s *Listings) Publish(ctx context.Context, accountID string, in Input, lang, ip string) (Listing, error) {
	now := s.Now()
	in, exp, err := in.Validate(now, s.maxDays())
	if err != nil {
		return Listing{}, err
	}
	if err := s.allowOffer(ctx, accountID, in.Kind, now); err != nil { // plangate.go
		return Listing{}, err
	}
	l := newListing(in, exp, now, StatusPublished, lang)
	l.AdvertiserID, l.PublishedAt = accountID, &now
	if err := s.Evidence.Add(ctx, accountID, EventPublish, ip, now); err != nil {
		return Listing{}, err
	}
	if err := s.Alerts.Published(ctx, l); err != nil {
		return Listing{}, err
	}
	if err := s.Store.Publish(ctx, l); err != nil {
		return Listing{}, err
	}
	return l, nil
}

// Public returns a listing anyone may see at this moment, or a 404 problem.
func (s *Listings) Public(ctx context.Context, id string) (Listing, error) {
	if !ids.ValidV7(id) {
		return Listing{}, notFound()
	}
	l, err := s.Store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !l.Public(s.Now())) {
		return Listing{}, notFound()
	}
	return l, err
}

// Own returns one of the advertiser's own listings, or a 404 problem (another
// advertiser's listing answers as an unknown one).
func (s *Listings) Own(ctx context.Context, accountID, id string) (Listing, error) {
	if !ids.ValidV7(id) {
		return Listing{}, notFound()
	}
	l, err := s.Store.Get(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && (l.AdvertiserID == "" || l.AdvertiserID != accountID)) {
		return Listing{}, notFound()
	}
	return l, err
}

// Of lists the advertiser's own listings, newest first, with what each can do now.
func (s *Listings) Of(ctx context.Context, accountID string, pg Page) ([]Mine, string, error) {
	ls, next, err := s.Store.Of(ctx, accountID, pg)
	if err != nil {
		return nil, "", err
	}
	now := s.Now()
	out := make([]Mine, 0, len(ls))
	for _, l := range ls {
		out = append(out, MineOf(l, now))
	}
	return out, next, nil
}

// View is a listing as the public sees it: no address, no account data. The
// advertiser appears by their public id, username and rating summary
// (PublicView, advertiserview.go); the account id is never public.
type View struct {
	ID           string    `json:"id"`
	AdvertiserID string    `json:"-"`
	Kind         string    `json:"kind"`
	Area         string    `json:"area"`
	BoatType     string    `json:"boatType"`
	From         string    `json:"from"`
	To           string    `json:"to"`
	Title        string    `json:"title"`
	Text         string    `json:"text"`
	ExpiresOn    string    `json:"expiresOn"`
	PublishedAt  time.Time `json:"publishedAt"`

	// Advertiser is the advertiser as the public sees them (advertiserview.go).
	Advertiser *PublicAdvertiser `json:"advertiser,omitempty"`
	// Photos are filled by ViewExtras (viewextras.go), IdentityConfirmed by
	// PublicView (advertiserview.go).
	Photos            []string `json:"photos"`
	IdentityConfirmed bool     `json:"identityConfirmed"`
}

// ViewOf is the public view of a public listing.
func ViewOf(l Listing) View {
	v := View{ID: l.ID, AdvertiserID: l.AdvertiserID, Kind: l.Kind, Area: l.Area, BoatType: l.BoatType, From: l.From, To: l.To,
		Title: l.Title, Text: l.Text, ExpiresOn: l.ExpiresOn}
	if l.PublishedAt != nil {
		v.PublishedAt = *l.PublishedAt
	}
	return v
}

// Mine is a listing as its advertiser sees it: everything, and whether it is
// public now or may serve as a template.
type Mine struct {
	Listing
	Public   bool `json:"public"`
	Template bool `json:"template"`
}

// MineOf is the advertiser's view of their listing at now.
func MineOf(l Listing, now time.Time) Mine {
	return Mine{Listing: l, Public: l.Public(now), Template: l.Template(now)}
}
