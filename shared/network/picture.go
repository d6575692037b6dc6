package network

import (
	"context"
	"errors"
	"net/http"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/upload"
)

// Profile picture limits (docs/network.md): a JPEG, PNG or WebP of at most 5 MB
// and 40 megapixels, kept as two JPEG squares, the centre of the picture.
const (
	MaxPictureBytes  = 5 << 20
	MaxPicturePixels = 40_000_000
	SmallPicture     = 96
	LargePicture     = 400
	// PictureLinkTTL is how long a link to a picture in a profile read stays
	// valid; ExportPictureTTL the one in an export.
	PictureLinkTTL   = 5 * time.Minute
	ExportPictureTTL = 15 * time.Minute
)

// PicturePolicy is what a profile picture may be: JPEG, PNG or WebP (decoded
// with golang.org/x/image/webp), each re-encoded as JPEG.
var PicturePolicy = upload.Policy{
	Types:     []string{upload.TypeJPEG, upload.TypePNG, upload.TypeWebP},
	MaxBytes:  MaxPictureBytes,
	MaxPixels: MaxPicturePixels,
}

// PictureStaging is the prefix of every picture upload not yet checked; a bucket
// lifecycle rule expires it as a backstop.
const PictureStaging = "pictures/incoming/"

// Picture is one upload of a profile picture.
type Picture struct {
	ID          string    `dynamodbav:"id" json:"-"`
	ContentType string    `dynamodbav:"contentType" json:"-"`
	Size        int64     `dynamodbav:"size" json:"-"`
	CreatedAt   time.Time `dynamodbav:"createdAt" json:"-"`
}

// Pictures is an account's picture: the one shown, and one declared and not yet
// checked. Version counts its writes (0: none yet); each write is conditioned on
// the version it read, so two declarations or completions at once cannot lose
// each other's state.
type Pictures struct {
	Current *Picture `dynamodbav:"current,omitempty"`
	Pending *Picture `dynamodbav:"pending,omitempty"`
	Version int      `dynamodbav:"version"`
}

// Links are short-lived links to a picture's two sizes.
type Links struct {
	Small     string    `json:"small"`
	Large     string    `json:"large"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// PictureStore keeps an account's Pictures.
type PictureStore interface {
	// GetPictures returns the account's pictures, empty when there are none.
	GetPictures(ctx context.Context, accountID string) (Pictures, error)
	// PutPictures stores p if the stored record is at version prev (0: none),
	// else ErrConflict.
	PutPictures(ctx context.Context, accountID string, p Pictures, prev int) error
	DeletePictures(ctx context.Context, accountID string) error
}

// Objects is the picture bucket.
type Objects interface {
	upload.Store
	// DeleteUnder deletes the objects under a prefix modified before cutoff (all
	// when cutoff is zero).
	DeleteUnder(ctx context.Context, prefix string, cutoff time.Time) (int, error)
}

// PictureService takes, shows and removes profile pictures.
type PictureService struct {
	Store   PictureStore
	Objects Objects
	Now     func() time.Time
}

// pictureTarget is where a picture is uploaded (staging, the only key its upload
// URL reaches) and the prefix its sizes are kept under, encrypted with a context
// naming the owner.
func pictureTarget(accountID, pictureID string) upload.Target {
	return upload.Target{
		Staging: PictureStaging + accountID + "/" + pictureID,
		Stored:  "pictures/" + accountID + "/" + pictureID,
		Context: map[string]string{"kontor:owner": accountID, "kontor:picture": pictureID},
	}
}

func smallKey(t upload.Target) string { return t.Stored + "/small" }
func largeKey(t upload.Target) string { return t.Stored + "/large" }

// Declare starts the upload of a new picture of the declared type and size and
// returns its URL. The picture shown stays until the new one is checked.
// consentVersion is the version of the text the owner's consent PurposeVoluntary
// was given to ("" for none): without it, or given to a text that did not name
// the picture, it is 403 (the picture is a voluntary detail, HKC-5); a type other
// than JPEG, PNG or WebP 415, a size over 5 MB 413.
func (s *PictureService) Declare(ctx context.Context, accountID, contentType string, size int64, consentVersion string) (upload.URL, error) {
	if err := pictureConsent(consentVersion); err != nil {
		return upload.URL{}, err
	}
	if err := PicturePolicy.Declare(contentType, size); err != nil {
		return upload.URL{}, pictureProblem(err)
	}
	now := s.Now()
	pic := Picture{ID: ids.NewV7(now), ContentType: contentType, Size: size, CreatedAt: now}
	up, err := upload.Start(ctx, s.Objects, PicturePolicy, pictureTarget(accountID, pic.ID), contentType, size)
	if err != nil {
		return upload.URL{}, pictureProblem(err)
	}
	// Another declaration or completion at the same moment: read again and
	// declare on what it left (the later declaration wins, as one after the other).
	// What was sent for the declaration replaced is deleted once the record no
	// longer names it, so the write follows its read at once.
	var replaced *Picture
	err = s.update(ctx, accountID, func(ps *Pictures) (bool, error) {
		replaced, ps.Pending = ps.Pending, &pic
		return true, nil
	})
	if err != nil {
		return upload.URL{}, err
	}
	if replaced != nil {
		if err := upload.Remove(ctx, s.Objects, pictureTarget(accountID, replaced.ID)); err != nil {
			return upload.URL{}, err
		}
	}
	return up, nil
}

// pictureWrites bounds how often a change is tried on a record changed meanwhile.
const pictureWrites = 3

// update reads the account's record, lets change edit it (false: write nothing)
// and writes it on the version read; when another write came first it reads
// again and tries again, pictureWrites times at most, then answers 409 conflict.
func (s *PictureService) update(ctx context.Context, accountID string, change func(*Pictures) (bool, error)) error {
	for range pictureWrites {
		ps, err := s.Store.GetPictures(ctx, accountID)
		if err != nil {
			return err
		}
		prev := ps.Version
		if write, err := change(&ps); err != nil || !write {
			return err
		}
		ps.Version = prev + 1
		if err := s.Store.PutPictures(ctx, accountID, ps, prev); !errors.Is(err, ErrConflict) {
			return err
		}
	}
	return problem.New(http.StatusConflict, problem.CodeConflict)
}

// Complete checks the declared picture by its content and keeps it in its two
// sizes (upload.CompleteImage), replacing the one shown. Anything that is not a
// JPEG, PNG or WebP by content, larger than declared or allowed, or of more than 40
// megapixels is deleted and refused; with no picture declared (a completed
// upload replayed) whatever reached staging is deleted and it is 409.
func (s *PictureService) Complete(ctx context.Context, accountID, consentVersion string) error {
	ps, err := s.Store.GetPictures(ctx, accountID)
	if err != nil {
		return err
	}
	if ps.Pending == nil {
		if _, err := s.Objects.DeleteUnder(ctx, PictureStaging+accountID+"/", time.Time{}); err != nil {
			return err
		}
		return problem.New(http.StatusConflict, CodePictureNotDeclared)
	}
	pic := *ps.Pending
	t := pictureTarget(accountID, pic.ID)
	if err := pictureConsent(consentVersion); err != nil {
		return s.dropPending(ctx, accountID, ps, err)
	}
	err = upload.CompleteImage(ctx, s.Objects, PicturePolicy, t, pic.Size,
		[]upload.Square{{Key: smallKey(t), Side: SmallPicture}, {Key: largeKey(t), Side: LargePicture}})
	if r, ok := upload.AsRejected(err); ok && r != upload.Missing {
		return s.dropPending(ctx, accountID, ps, pictureProblem(err))
	}
	if err != nil {
		return pictureProblem(err)
	}
	return s.show(ctx, accountID, pic)
}

// show makes the checked pic the picture shown and deletes the sizes of the one
// shown before. When the record changed since it was read: pic shown already (a
// completion at the same moment) is done; pic no longer declared (declared anew or
// removed meanwhile) deletes what was stored for it and is 409 picture_not_declared.
func (s *PictureService) show(ctx context.Context, accountID string, pic Picture) error {
	var old *Picture
	replaced := false
	err := s.update(ctx, accountID, func(ps *Pictures) (bool, error) {
		old = nil
		switch {
		case ps.Current != nil && ps.Current.ID == pic.ID:
			return false, nil
		case ps.Pending == nil || ps.Pending.ID != pic.ID:
			replaced = true
			return false, nil
		}
		old, ps.Current, ps.Pending = ps.Current, &pic, nil
		return true, nil
	})
	switch {
	case err != nil:
		return err
	case replaced:
		if err := s.removeObjects(ctx, accountID, pic); err != nil {
			return err
		}
		return problem.New(http.StatusConflict, CodePictureNotDeclared)
	case old != nil:
		return s.removeObjects(ctx, accountID, *old)
	}
	return nil
}

// dropPending forgets the declared picture, deletes whatever was sent for it and
// returns refusal; a declaration made meanwhile stays.
func (s *PictureService) dropPending(ctx context.Context, accountID string, ps Pictures, refusal error) error {
	pending := ps.Pending.ID
	if err := upload.Remove(ctx, s.Objects, pictureTarget(accountID, pending)); err != nil {
		return err
	}
	err := s.update(ctx, accountID, func(ps *Pictures) (bool, error) {
		if ps.Pending == nil || ps.Pending.ID != pending {
			return false, nil
		}
		ps.Pending = nil
		return true, nil
	})
	if err != nil {
		return err
	}
	return refusal
}

func (s *PictureService) removeObjects(ctx context.Context, accountID string, pic Picture) error {
	t := pictureTarget(accountID, pic.ID)
	for _, key := range []string{t.Staging, smallKey(t), largeKey(t)} {
		if err := s.Objects.Delete(ctx, key); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes the account's picture, both sizes and anything declared; it
// reports whether there was any. Removing none is no error.
func (s *PictureService) Remove(ctx context.Context, accountID string) (bool, error) {
	ps, err := s.Store.GetPictures(ctx, accountID)
	if err != nil {
		return false, err
	}
	if _, err := s.Objects.DeleteUnder(ctx, "pictures/"+accountID+"/", time.Time{}); err != nil {
		return false, err
	}
	if _, err := s.Objects.DeleteUnder(ctx, PictureStaging+accountID+"/", time.Time{}); err != nil {
		return false, err
	}
	return ps.Current != nil || ps.Pending != nil, s.Store.DeletePictures(ctx, accountID)
}

// Links returns short-lived links to the account's picture, nil when it has
// none. Callers hand them only to readers who may see the profile.
func (s *PictureService) Links(ctx context.Context, accountID string, ttl time.Duration) (*Links, error) {
	ps, err := s.Store.GetPictures(ctx, accountID)
	if err != nil {
		return nil, err
	}
	return s.LinksOf(ctx, accountID, ps, ttl)
}

// LinksOf is Links for the account's picture record ps, read already (with the
// profile, Service.Member).
func (s *PictureService) LinksOf(ctx context.Context, accountID string, ps Pictures, ttl time.Duration) (*Links, error) {
	if ps.Current == nil {
		return nil, nil
	}
	t := pictureTarget(accountID, ps.Current.ID)
	small, err := s.Objects.PresignGet(ctx, smallKey(t), "picture-small.jpg", upload.TypeJPEG, ttl)
	if err != nil {
		return nil, err
	}
	large, err := s.Objects.PresignGet(ctx, largeKey(t), "picture-large.jpg", upload.TypeJPEG, ttl)
	if err != nil {
		return nil, err
	}
	return &Links{Small: small, Large: large, ExpiresAt: s.Now().Add(ttl)}, nil
}

// pictureProblem turns an upload's rejection into the picture's problem.
func pictureProblem(err error) error {
	return upload.Problem(err, upload.Codes{Type: CodePictureType, TooLarge: CodePictureTooLarge,
		NotAccepted: CodePictureNotAccepted, NotUploaded: CodePictureNotUploaded})
}
