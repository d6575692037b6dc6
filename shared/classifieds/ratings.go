package classifieds

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Rating is one rater's rating of an advertiser (HGK-8): linked to the rated
// advertiser's account and shown on all their listings, publicly only while the
// advertiser has a published listing. One per rater and advertiser.
type Rating struct {
	ID string `dynamodbav:"id" json:"id"`
	// Rated is the rated advertiser's account, Rater the rater's; neither is ever
	// public.
	Rated     string    `dynamodbav:"rated" json:"-"`
	Rater     string    `dynamodbav:"rater" json:"-"`
	Stars     int       `dynamodbav:"stars" json:"stars"`
	Text      string    `dynamodbav:"text" json:"text"`
	Language  string    `dynamodbav:"language,omitempty" json:"language,omitempty"`
	CreatedAt time.Time `dynamodbav:"createdAt" json:"createdAt"`
}

// Caps of a rating (docs/limits.md).
const (
	MaxRatingText = 2000
	MaxRatingBody = 16 << 10
)

// RatingInput is what a rater writes.
type RatingInput struct {
	Stars int    `json:"stars"`
	Text  string `json:"text"`
}

// Validate checks a rating: 1 to 5 stars, a plain text of 1 to MaxRatingText
// characters (markup refused, as in listings).
func (in RatingInput) Validate() (RatingInput, error) {
	var fe []problem.FieldError
	in.Text = strings.TrimSpace(in.Text)
	if in.Stars < 1 || in.Stars > 5 {
		fe = append(fe, problem.FieldError{Field: "stars", Code: problem.FieldInvalidValue})
	}
	if e := checkText("text", in.Text, MaxRatingText, true); e != nil {
		fe = append(fe, *e)
	}
	if len(fe) > 0 {
		return RatingInput{}, problem.Invalid(fe...)
	}
	return in, nil
}

// Summary is an advertiser's ratings in brief: how many, and their average stars.
type Summary struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

// SummaryOf is the summary of a record's counters.
func SummaryOf(r AdvertiserRecord) Summary {
	if r.RatingCount <= 0 {
		return Summary{}
	}
	avg := float64(r.RatingSum) / float64(r.RatingCount)
	return Summary{Count: r.RatingCount, Average: float64(int(avg*10+0.5)) / 10}
}

// PublicAdvertiser is an advertiser as the public sees them on a listing: the
// public id, the username if they chose one (pages show a neutral label
// otherwise) and the rating summary. No account id, no name, no address.
type PublicAdvertiser struct {
	ID       string  `json:"id"`
	Username string  `json:"username,omitempty"`
	Ratings  Summary `json:"ratings"`
}

// PublicOf is the public view of an advertiser record.
func PublicOf(r AdvertiserRecord) PublicAdvertiser {
	return PublicAdvertiser{ID: r.PublicID, Username: r.Username, Ratings: SummaryOf(r)}
}

// Errors of the ratings store.
var (
	// ErrAlreadyRated is a second rating of the same advertiser by the same rater.
	ErrAlreadyRated = errors.New("classifieds: already rated")
	// ErrNoRating is a rating the store does not hold.
	ErrNoRating = errors.New("classifieds: no such rating")
)

// RatingStore keeps ratings (classifiedsdb).
type RatingStore interface {
	// AccountOfPublicID returns the account of an advertiser's public id; ok false
	// when no advertiser has it.
	AccountOfPublicID(ctx context.Context, publicID string) (string, bool, error)
	// AdvertiserRecord reads the advertiser item.
	AdvertiserRecord(ctx context.Context, accountID string) (AdvertiserRecord, bool, error)
	// AddRating stores a rating, claims the rater's one rating of that advertiser
	// and counts it in the advertiser's summary, all in one transaction;
	// ErrAlreadyRated when the claim is taken.
	AddRating(ctx context.Context, r Rating) error
	// Rating reads one rating consistently, or ErrNoRating.
	Rating(ctx context.Context, id string) (Rating, error)
	// DeleteRating deletes a rating, its claim and its count in one transaction.
	DeleteRating(ctx context.Context, r Rating) error
	// RatingsOf lists the ratings an advertiser received, newest first, one page.
	RatingsOf(ctx context.Context, accountID string, pg Page) ([]Rating, string, error)
	// RatingsBy lists the ratings a rater gave, newest first, one page.
	RatingsBy(ctx context.Context, accountID string, pg Page) ([]Rating, string, error)
	// HasPublished tells whether the advertiser has a listing public at now.
	HasPublished(ctx context.Context, accountID string, now time.Time) (bool, error)
}

// EventRating is the evidence log's event of a published rating (HGK-12).
const EventRating = "rating"

// Ratings serves ratings.
type Ratings struct {
	Store    RatingStore
	Evidence Evidence
	Now      func() time.Time
}

// plausiblePublicID rejects garbage before any lookup.
func plausiblePublicID(id string) bool { return ids.PlausibleToken(id) }

// visibleAdvertiser is the account of a public id whose ratings the public may see
// now: an advertiser with a published listing (HGK-8). Unknown ids and advertisers
// without a published listing answer the same 404.
func (s *Ratings) visibleAdvertiser(ctx context.Context, publicID string) (string, error) {
	acc, err := s.advertiser(ctx, publicID)
	if err != nil {
		return "", err
	}
	has, err := s.Store.HasPublished(ctx, acc, s.Now())
	if err != nil {
		return "", err
	}
	if !has {
		return "", notFound()
	}
	return acc, nil
}

// advertiser is the account of a public id, or a 404 problem.
func (s *Ratings) advertiser(ctx context.Context, publicID string) (string, error) {
	if !plausiblePublicID(publicID) {
		return "", notFound()
	}
	acc, ok, err := s.Store.AccountOfPublicID(ctx, publicID)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", notFound()
	}
	return acc, nil
}

// Rate stores a signed-in rater's rating of the advertiser with that public id at
// once and records the rater's address and the time as evidence (HGK-12). One
// rating per rater and advertiser (409 already_rated); no rating of oneself (409
// own_rating); an unknown advertiser is 404. A rating needs no published listing:
// it is kept, not public, until the next one (HGK-8).
func (s *Ratings) Rate(ctx context.Context, raterID, publicID string, in RatingInput, lang, ip string) (Rating, error) {
	in, err := in.Validate()
	if err != nil {
		return Rating{}, err
	}
	acc, err := s.advertiser(ctx, publicID)
	if err != nil {
		return Rating{}, err
	}
	return s.store(ctx, raterID, acc, in, lang, ip)
}

// store stores a checked rating of the advertiser's account acc by raterID and
// records the evidence.
func (s *Ratings) store(ctx context.Context, raterID, acc string, in RatingInput, lang, ip string) (Rating, error) {
	if acc == raterID {
		return Rating{}, problem.New(http.StatusConflict, CodeOwnRating)
	}
	now := s.Now()
	r := Rating{ID: ids.NewV7(now), Rated: acc, Rater: raterID, Stars: in.Stars, Text: in.Text, Language: lang, CreatedAt: now}
	if err := s.Store.AddRating(ctx, r); errors.Is(err, ErrAlreadyRated) {
		return Rating{}, problem.New(http.StatusConflict, CodeAlreadyRated)
	} else if err != nil {
		return Rating{}, err
	}
	return r, s.Evidence.Add(ctx, raterID, EventRating, ip, now)
}

// Public lists the ratings of the advertiser with that public id, while they have
// a published listing (HGK-8); a 404 otherwise, the same as an unknown advertiser.
func (s *Ratings) Public(ctx context.Context, publicID string, pg Page) (PublicAdvertiser, []Rating, string, error) {
	acc, err := s.visibleAdvertiser(ctx, publicID)
	if err != nil {
		return PublicAdvertiser{}, nil, "", err
	}
	rec, _, err := s.Store.AdvertiserRecord(ctx, acc)
	if err != nil {
		return PublicAdvertiser{}, nil, "", err
	}
	rs, next, err := s.Store.RatingsOf(ctx, acc, pg)
	return PublicOf(rec), rs, next, err
}

// MyRatings is the ratings an account received (always, public or not) and gave.
type MyRatings struct {
	// Advertiser is the account's own public advertiser view, with the summary.
	Advertiser PublicAdvertiser `json:"advertiser"`
	Received   []Rating         `json:"received"`
	Given      []GivenRating    `json:"given"`
}

// GivenRating is a rating as its rater sees it: with the rated advertiser's public
// id and username.
type GivenRating struct {
	Rating
	Advertiser PublicAdvertiser `json:"advertiser"`
}

// MaxMine bounds each list of MyRatings: a page of received and given ratings.
const MaxMine = 100

// Mine returns the ratings the account received and gave, newest first, at most
// MaxMine of each.
func (s *Ratings) Mine(ctx context.Context, accountID string) (MyRatings, error) {
	rec, _, err := s.Store.AdvertiserRecord(ctx, accountID)
	if err != nil {
		return MyRatings{}, err
	}
	recv, _, err := s.Store.RatingsOf(ctx, accountID, Page{Limit: MaxMine})
	if err != nil {
		return MyRatings{}, err
	}
	gave, _, err := s.Store.RatingsBy(ctx, accountID, Page{Limit: MaxMine})
	if err != nil {
		return MyRatings{}, err
	}
	out := MyRatings{Advertiser: PublicOf(rec), Received: nonNil(recv), Given: make([]GivenRating, 0, len(gave))}
	for _, g := range gave {
		adv, _, err := s.Store.AdvertiserRecord(ctx, g.Rated)
		if err != nil {
			return MyRatings{}, err
		}
		out.Given = append(out.Given, GivenRating{Rating: g, Advertiser: PublicOf(adv)})
	}
	return out, nil
}

func nonNil(rs []Rating) []Rating {
	if rs == nil {
		return []Rating{}
	}
	return rs
}

// Withdraw deletes a rating its rater gave; anyone else's rating, unknown and
// malformed ids answer the same 404.
func (s *Ratings) Withdraw(ctx context.Context, raterID, id string) error {
	if !ids.ValidV7(id) {
		return notFound()
	}
	r, err := s.Store.Rating(ctx, id)
	if errors.Is(err, ErrNoRating) || (err == nil && r.Rater != raterID) {
		return notFound()
	}
	if err != nil {
		return err
	}
	if err := s.Store.DeleteRating(ctx, r); errors.Is(err, ErrNoRating) {
		return notFound()
	} else if err != nil {
		return err
	}
	return nil
}
