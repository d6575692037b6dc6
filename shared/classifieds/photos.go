package classifieds

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/upload"
)

// Photo limits (docs/classifieds.md): a JPEG, PNG or WebP of at most 10 MB and 40
// megapixels, kept re-encoded within 2,048 pixels a side (a WebP as a PNG: the
// standard library encodes no WebP); DefaultMaxPhotos a listing unless the operator
// sets another (ListingMaxPhotos).
const (
	DefaultMaxPhotos = 6
	MaxPhotoBytes    = 10 << 20
	MaxPhotoPixels   = 40_000_000
	MaxPhotoSide     = 2048
	// PhotoLinkTTL is how long a download link stays valid: a listing that ends
	// stops handing out links at once; one handed out before works this long.
	PhotoLinkTTL = 5 * time.Minute
	// ExportPhotoTTL is the validity of the links in an export.
	ExportPhotoTTL = 15 * time.Minute
	// MaxPhotoBody bounds the body of a declaration.
	MaxPhotoBody = 1 << 10
)

// PhotoStaging is the prefix of every photo upload not yet checked; a bucket
// lifecycle rule expires it after a day as a backstop.
const PhotoStaging = "photos/incoming/"

// PhotoTypes are the types a photo may be declared as.
var PhotoTypes = []string{upload.TypeJPEG, upload.TypePNG, upload.TypeWebP}

// photoPolicy is what a photo declared as contentType must be: exactly that type
// by its content, within the photo limits.
func photoPolicy(contentType string) upload.Policy {
	return upload.Policy{Types: []string{contentType}, MaxBytes: MaxPhotoBytes, MaxPixels: MaxPhotoPixels, MaxSide: MaxPhotoSide}
}

// Photo is one photo of a listing, kept in the listing's photos item. Until it is
// checked (Ready) it is shown to no one and Size is the declared size.
type Photo struct {
	ID          string    `dynamodbav:"id" json:"id"`
	ContentType string    `dynamodbav:"contentType" json:"contentType"`
	Size        int64     `dynamodbav:"size" json:"size"`
	Ready       bool      `dynamodbav:"ready,omitempty" json:"ready"`
	CreatedAt   time.Time `dynamodbav:"createdAt" json:"createdAt"`
}

// photoTarget is where a photo is uploaded and kept, encrypted with a context
// naming the listing and the photo, never a person.
func photoTarget(listingID, id string) upload.Target {
	return upload.Target{
		Staging: PhotoStaging + listingID + "/" + id,
		Stored:  "photos/" + listingID + "/" + id,
		Context: map[string]string{"kontor:listing": listingID, "kontor:photo": id},
	}
}

// Errors of the photo store.
var (
	// ErrPhotosFull is a listing that holds its maximum of photos already.
	ErrPhotosFull = errors.New("classifieds: the listing has all its photos")
	// ErrPhotoChanged is a photo that is gone or was checked meanwhile.
	ErrPhotoChanged = errors.New("classifieds: the photo changed")
)

// PhotoStore keeps a listing's photos in one item beside the listing.
type PhotoStore interface {
	// Photos returns a listing's photos, oldest first (none: an empty list).
	Photos(ctx context.Context, listingID string) ([]Photo, error)
	// AddPhoto adds p to the listing while it holds fewer than max (ErrPhotosFull).
	AddPhoto(ctx context.Context, listingID string, p Photo, max int) error
	// SetPhotoReady records p as checked if it is there and not yet checked
	// (ErrPhotoChanged otherwise).
	SetPhotoReady(ctx context.Context, listingID string, p Photo) error
	// RemovePhoto removes photo id (ErrPhotoChanged when it is not there).
	RemovePhoto(ctx context.Context, listingID, id string) error
	// RemovePhotos removes the photos item of a listing.
	RemovePhotos(ctx context.Context, listingID string) error
}

// Photos takes, links and removes the photos of listings: only the listing's
// advertiser changes them; anyone sees them exactly while the listing is public.
type Photos struct {
	Listings *Listings
	Store    PhotoStore
	Objects  upload.Store
	Now      func() time.Time
	// Max is the operator's maximum of photos a listing (ListingMaxPhotos;
	// DefaultMaxPhotos when 0).
	Max int
}

func (s *Photos) max() int {
	if s.Max > 0 {
		return s.Max
	}
	return DefaultMaxPhotos
}

// PhotoInput declares a photo: its type and size in bytes.
type PhotoInput struct {
	ContentType *string `json:"contentType"`
	Size        *int64  `json:"size"`
}

// PhotoLink is a short-lived link to a checked photo.
type PhotoLink struct {
	ID        string    `json:"id"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Declare starts the upload of a photo to one's own listing (404 for anyone
// else's) and returns the photo (not shown until checked) and its upload URL.
// Nothing is stored of a declaration that fails: a type not taken (415), a size
// over the limit (413) or of no file (400), a listing with all its photos (409).
func (s *Photos) Declare(ctx context.Context, accountID, listingID string, in PhotoInput) (Photo, upload.URL, error) {
	l, err := s.Listings.Own(ctx, accountID, listingID)
	if err != nil {
		return Photo{}, upload.URL{}, err
	}
	var fe []problem.FieldError
	if in.ContentType == nil {
		fe = append(fe, problem.FieldError{Field: "contentType", Code: problem.FieldRequired})
	}
	if in.Size == nil {
		fe = append(fe, problem.FieldError{Field: "size", Code: problem.FieldRequired})
	}
	if len(fe) > 0 {
		return Photo{}, upload.URL{}, problem.Invalid(fe...)
	}
	if !slices.Contains(PhotoTypes, *in.ContentType) {
		return Photo{}, upload.URL{}, problem.New(http.StatusUnsupportedMediaType, CodePhotoType)
	}
	pol := photoPolicy(*in.ContentType)
	if err := pol.Declare(*in.ContentType, *in.Size); err != nil {
		return Photo{}, upload.URL{}, photoProblem(err)
	}
	now := s.Now()
	p := Photo{ID: ids.NewV7(now), ContentType: *in.ContentType, Size: *in.Size, CreatedAt: now}
	switch err := s.Store.AddPhoto(ctx, l.ID, p, s.max()); {
	case errors.Is(err, ErrPhotosFull):
		return Photo{}, upload.URL{}, problem.New(http.StatusConflict, CodeTooManyPhotos)
	case err != nil:
		return Photo{}, upload.URL{}, err
	}
	up, err := upload.Start(ctx, s.Objects, pol, photoTarget(l.ID, p.ID), p.ContentType, p.Size)
	if err != nil {
		return Photo{}, upload.URL{}, err
	}
	return p, up, nil
}

// find returns photo id of a listing's photos, ok false without it.
func find(ps []Photo, id string) (Photo, bool) {
	i := slices.IndexFunc(ps, func(p Photo) bool { return p.ID == id })
	if i < 0 {
		return Photo{}, false
	}
	return ps[i], true
}

// Complete checks an uploaded photo by its content (upload.Complete: an image of
// the declared type, of the declared size, within the limits, re-encoded so only
// pixels survive) and shows it with the listing. A photo that fails is deleted,
// so nothing of it stays (415, 413, 400); one not uploaded yet waits (409
// photo_not_uploaded). Completing a checked photo again changes nothing and is
// 409 photo_complete.
func (s *Photos) Complete(ctx context.Context, accountID, listingID, id string) (Photo, error) {
	l, err := s.Listings.Own(ctx, accountID, listingID)
	if err != nil {
		return Photo{}, err
	}
	ps, err := s.Store.Photos(ctx, l.ID)
	if err != nil {
		return Photo{}, err
	}
	p, ok := find(ps, id)
	if !ok {
		return Photo{}, notFound()
	}
	if p.Ready {
		return Photo{}, problem.New(http.StatusConflict, CodePhotoComplete)
	}
	t := photoTarget(l.ID, p.ID)
	st, err := upload.Complete(ctx, s.Objects, photoPolicy(p.ContentType), t, p.Size)
	if reason, ok := upload.AsRejected(err); ok && reason != upload.Missing {
		if err := s.Store.RemovePhoto(ctx, l.ID, p.ID); err != nil && !errors.Is(err, ErrPhotoChanged) {
			return Photo{}, err
		}
		return Photo{}, photoProblem(err)
	}
	if err != nil {
		return Photo{}, photoProblem(err)
	}
	p.ContentType, p.Size, p.Ready = st.ContentType, st.Size, true
	if err := s.Store.SetPhotoReady(ctx, l.ID, p); errors.Is(err, ErrPhotoChanged) {
		return s.afterLostRace(ctx, l.ID, p.ID)
	} else if err != nil {
		return Photo{}, err
	}
	return p, nil
}

// afterLostRace settles a completion whose photo changed meanwhile: checked by a
// second completion (409 as any replay), or removed — then the file just stored
// is deleted too (404).
func (s *Photos) afterLostRace(ctx context.Context, listingID, id string) (Photo, error) {
	ps, err := s.Store.Photos(ctx, listingID)
	if err != nil {
		return Photo{}, err
	}
	if p, ok := find(ps, id); ok && p.Ready {
		return Photo{}, problem.New(http.StatusConflict, CodePhotoComplete)
	}
	if err := upload.Remove(ctx, s.Objects, photoTarget(listingID, id)); err != nil {
		return Photo{}, err
	}
	return Photo{}, notFound()
}

// Remove deletes a photo of one's own listing with its files (404 for anyone
// else's, and for a photo that is not there).
func (s *Photos) Remove(ctx context.Context, accountID, listingID, id string) error {
	l, err := s.Listings.Own(ctx, accountID, listingID)
	if err != nil {
		return err
	}
	ps, err := s.Store.Photos(ctx, l.ID)
	if err != nil {
		return err
	}
	if _, ok := find(ps, id); !ok {
		return notFound()
	}
	if err := upload.Remove(ctx, s.Objects, photoTarget(l.ID, id)); err != nil {
		return err
	}
	if err := s.Store.RemovePhoto(ctx, l.ID, id); err != nil && !errors.Is(err, ErrPhotoChanged) {
		return err
	}
	return nil
}

// Mine lists the photos of one's own listing, public or not, each checked one with
// a link (404 for anyone else's listing).
func (s *Photos) Mine(ctx context.Context, accountID, listingID string) ([]OwnPhoto, error) {
	l, err := s.Listings.Own(ctx, accountID, listingID)
	if err != nil {
		return nil, err
	}
	ps, err := s.Store.Photos(ctx, l.ID)
	if err != nil {
		return nil, err
	}
	return s.links(ctx, l.ID, ps, PhotoLinkTTL)
}

// OwnPhoto is a photo as its advertiser sees it: with a link once checked.
type OwnPhoto struct {
	Photo
	URL       string     `json:"url,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
}

// links returns ps with links, valid ttl, to the checked ones.
func (s *Photos) links(ctx context.Context, listingID string, ps []Photo, ttl time.Duration) ([]OwnPhoto, error) {
	out := make([]OwnPhoto, 0, len(ps))
	now := s.Now()
	for _, p := range ps {
		op := OwnPhoto{Photo: p}
		if p.Ready {
			l, err := link(ctx, s.Objects, listingID, p, now, ttl)
			if err != nil {
				return nil, err
			}
			op.URL, op.ExpiresAt = l.URL, &l.ExpiresAt
		}
		out = append(out, op)
	}
	return out, nil
}

// Link returns a link to a checked photo of a listing while the listing is public
// (404 otherwise, as for the listing, and for a photo not checked).
func (s *Photos) Link(ctx context.Context, listingID, id string) (PhotoLink, error) {
	l, err := s.Listings.Public(ctx, listingID)
	if err != nil {
		return PhotoLink{}, err
	}
	ps, err := s.Store.Photos(ctx, l.ID)
	if err != nil {
		return PhotoLink{}, err
	}
	p, ok := find(ps, id)
	if !ok || !p.Ready {
		return PhotoLink{}, notFound()
	}
	now := s.Now()
	return link(ctx, s.Objects, l.ID, p, now, publicLinkTTL(l, now))
}

// publicLinkTTL is how long a public photo link is valid: PhotoLinkTTL, but no
// longer than the listing is public (HGK-7), so a link fetched just before the
// expiry does not show the photo after it (at least a second, the least a link
// can be signed for). A listing ended early can still be seen through a link
// fetched before, for at most PhotoLinkTTL: a presigned link cannot be revoked.
func publicLinkTTL(l Listing, now time.Time) time.Duration {
	left := l.ExpiresAt.Sub(now).Truncate(time.Second)
	return max(time.Second, min(PhotoLinkTTL, left))
}

// link presigns the download of a checked photo, served with its detected type.
func link(ctx context.Context, objects upload.Store, listingID string, p Photo, now time.Time, ttl time.Duration) (PhotoLink, error) {
	name := "photo-" + strings.ReplaceAll(p.ID, "-", "") + upload.Extension(p.ContentType)
	url, err := objects.PresignGet(ctx, photoTarget(listingID, p.ID).Stored, name, p.ContentType, ttl)
	if err != nil {
		return PhotoLink{}, err
	}
	return PhotoLink{ID: p.ID, URL: url, ExpiresAt: now.Add(ttl)}, nil
}

// PublicPhotoIDs are the ids of a public listing's checked photos, oldest first:
// what its public view shows (each is fetched through Link).
func PublicPhotoIDs(ps []Photo) []string {
	out := []string{}
	for _, p := range ps {
		if p.Ready {
			out = append(out, p.ID)
		}
	}
	return out
}

// ListingPhotos is what the export shows of one listing's photos.
type ListingPhotos struct {
	ListingID string     `json:"listingId"`
	Photos    []OwnPhoto `json:"photos"`
}

// ExportPhotos returns the photos of the given listings, with links valid
// ExportPhotoTTL to the checked ones.
func (s *Photos) ExportPhotos(ctx context.Context, listingIDs []string) ([]ListingPhotos, error) {
	out := []ListingPhotos{}
	for _, id := range listingIDs {
		ps, err := s.Store.Photos(ctx, id)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			continue
		}
		ls, err := s.links(ctx, id, ps, ExportPhotoTTL)
		if err != nil {
			return nil, err
		}
		out = append(out, ListingPhotos{ListingID: id, Photos: ls})
	}
	return out, nil
}

// ErasePhotos deletes the photos of the given listings, files and items.
func (s *Photos) ErasePhotos(ctx context.Context, listingIDs []string) error {
	for _, id := range listingIDs {
		ps, err := s.Store.Photos(ctx, id)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := upload.Remove(ctx, s.Objects, photoTarget(id, p.ID)); err != nil {
				return err
			}
		}
		if err := s.Store.RemovePhotos(ctx, id); err != nil {
			return err
		}
	}
	return nil
}

// photoProblem turns an upload's rejection into the photo's problem: a type not
// taken 415, too large 413, not as declared or not encrypted 400, not uploaded
// yet 409, a size no file has a field problem. Other errors pass unchanged.
func photoProblem(err error) error {
	return upload.Problem(err, upload.Codes{Type: CodePhotoType, TooLarge: CodePhotoTooLarge,
		NotAccepted: CodePhotoNotAccepted, NotUploaded: CodePhotoNotUploaded})
}
