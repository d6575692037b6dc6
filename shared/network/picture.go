package network

import (
	"context"
	"net/http"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/upload"
)

// Profile picture limits (docs/network.md): a JPEG or PNG of at most 5 MB and 40
// megapixels, kept as two JPEG squares, the centre of the picture.
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

// PicturePolicy is what a profile picture may be. WebP is not taken: the
// standard library decodes only JPEG and PNG (image/jpeg, image/png).
var PicturePolicy = upload.Policy{
	Types:     []string{upload.TypeJPEG, upload.TypePNG},
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
// checked.
type Pictures struct {
	Current *Picture `dynamodbav:"current,omitempty"`
	Pending *Picture `dynamodbav:"pending,omitempty"`
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
	PutPictures(ctx context.Context, accountID string, p Pictures) error
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
// returns its URL. The picture shown stays until the new one is checked. Without
// the consent PurposeVoluntary (the picture is a voluntary detail, HKC-5) it is
// 403; a type other than JPEG or PNG 415, a size over 5 MB 413.
func (s *PictureService) Declare(ctx context.Context, accountID, contentType string, size int64, consented bool) (upload.URL, error) {
	if !consented {
		return upload.URL{}, problem.New(http.StatusForbidden, CodeVoluntaryConsentRequired)
	}
	if err := PicturePolicy.Declare(contentType, size); err != nil {
		return upload.URL{}, pictureProblem(err)
	}
	ps, err := s.Store.GetPictures(ctx, accountID)
	if err != nil {
		return upload.URL{}, err
	}
	if ps.Pending != nil {
		if err := upload.Remove(ctx, s.Objects, pictureTarget(accountID, ps.Pending.ID)); err != nil {
			return upload.URL{}, err
		}
	}
	now := s.Now()
	pic := Picture{ID: ids.NewV7(now), ContentType: contentType, Size: size, CreatedAt: now}
	up, err := upload.Start(ctx, s.Objects, PicturePolicy, pictureTarget(accountID, pic.ID), contentType, size)
	if err != nil {
		return upload.URL{}, pictureProblem(err)
	}
	ps.Pending = &pic
	return up, s.Store.PutPictures(ctx, accountID, ps)
}

// Complete checks the declared picture by its content and keeps it in its two
// sizes (upload.CompleteImage), replacing the one shown. Anything that is not a
// JPEG or PNG by content, larger than declared or allowed, or of more than 40
// megapixels is deleted and refused; with no picture declared (a completed
// upload replayed) whatever reached staging is deleted and it is 409.
func (s *PictureService) Complete(ctx context.Context, accountID string, consented bool) error {
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
	if !consented {
		return s.dropPending(ctx, accountID, ps, problem.New(http.StatusForbidden, CodeVoluntaryConsentRequired))
	}
	err = upload.CompleteImage(ctx, s.Objects, PicturePolicy, t, pic.Size,
		[]upload.Square{{Key: smallKey(t), Side: SmallPicture}, {Key: largeKey(t), Side: LargePicture}})
	if r, ok := upload.AsRejected(err); ok && r != upload.Missing {
		return s.dropPending(ctx, accountID, ps, pictureProblem(err))
	}
	if err != nil {
		return pictureProblem(err)
	}
	old := ps.Current
	ps.Current, ps.Pending = &pic, nil
	if err := s.Store.PutPictures(ctx, accountID, ps); err != nil {
		return err
	}
	if old != nil {
		return s.removeObjects(ctx, accountID, *old)
	}
	return nil
}

// dropPending forgets the declared picture, deletes whatever was sent for it and
// returns refusal.
func (s *PictureService) dropPending(ctx context.Context, accountID string, ps Pictures, refusal error) error {
	if err := upload.Remove(ctx, s.Objects, pictureTarget(accountID, ps.Pending.ID)); err != nil {
		return err
	}
	ps.Pending = nil
	if err := s.Store.PutPictures(ctx, accountID, ps); err != nil {
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
	if err != nil || ps.Current == nil {
		return nil, err
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
	return uploadProblem(err, uploadCodes{Type: CodePictureType, TooLarge: CodePictureTooLarge,
		NotAccepted: CodePictureNotAccepted, NotUploaded: CodePictureNotUploaded})
}
