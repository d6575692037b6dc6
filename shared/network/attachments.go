package network

import (
	"context"
	"errors"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
	"kontor/shared/upload"
)

// Attachment limits (docs/network.md): up to 10 files a post; a document (PDF,
// Word, Excel, PowerPoint, OpenDocument) of at most 20 MB, an image (JPEG, PNG,
// WebP) of at most 10 MB and 40 megapixels, kept re-encoded within 2,048 pixels a
// side (a WebP as a PNG: the standard library encodes no WebP).
const (
	MaxAttachments      = 10
	MaxDocumentBytes    = 20 << 20
	MaxImageBytes       = 10 << 20
	MaxAttachmentPixels = 40_000_000
	MaxImageSide        = 2048
	// AttachmentLinkTTL is how long a download link stays valid; a member removed
	// from the group can use a link handed out before for at most this long.
	AttachmentLinkTTL = 5 * time.Minute
	// ExportAttachmentTTL is the validity of the links in an export.
	ExportAttachmentTTL = 15 * time.Minute
	// MaxAttachmentBody bounds the body of a declaration.
	MaxAttachmentBody = 1 << 10
)

// AttachmentStaging is the prefix of every attachment upload not yet checked; a
// bucket lifecycle rule expires it after a day as a backstop.
const AttachmentStaging = "attachments/incoming/"

// DocumentTypes and ImageTypes are the types an attachment may be.
var (
	DocumentTypes = []string{upload.TypePDF, upload.TypeDOCX, upload.TypeXLSX, upload.TypePPTX, upload.TypeODT, upload.TypeODS, upload.TypeODP}
	ImageTypes    = []string{upload.TypeJPEG, upload.TypePNG, upload.TypeWebP}
)

// attachmentPolicy is what a file declared as contentType must be: exactly that
// type by its content, within the limit of documents or images.
func attachmentPolicy(contentType string) (upload.Policy, bool) {
	p := upload.Policy{Types: []string{contentType}, MaxBytes: MaxDocumentBytes}
	switch {
	case slices.Contains(ImageTypes, contentType):
		p.MaxBytes, p.MaxPixels, p.MaxSide = MaxImageBytes, MaxAttachmentPixels, MaxImageSide
	case !slices.Contains(DocumentTypes, contentType):
		return upload.Policy{}, false
	}
	return p, true
}

// Attachment is a file on a post, kept in the post's item. It names no one: who
// uploaded it is the post's author, so an attachment stays with the anonymised
// post when its author leaves the network (HKC-14). Until it is checked (Ready)
// it is shown to no one and Size is the declared size.
type Attachment struct {
	ID          string    `dynamodbav:"id" json:"id"`
	FileName    string    `dynamodbav:"fileName" json:"fileName"`
	ContentType string    `dynamodbav:"contentType" json:"contentType"`
	Size        int64     `dynamodbav:"size" json:"size"`
	Ready       bool      `dynamodbav:"ready,omitempty" json:"-"`
	CreatedAt   time.Time `dynamodbav:"createdAt" json:"-"`
}

// Checked returns the checked attachments of as, never nil.
func Checked(as []Attachment) []Attachment {
	out := []Attachment{}
	for _, a := range as {
		if a.Ready {
			out = append(out, a)
		}
	}
	return out
}

// AttachmentKeys are the objects of an attachment: its staging key (the only one
// its upload URL reaches) and the checked file.
func AttachmentKeys(postID, id string) []string {
	t := attachmentTarget(postID, id)
	return []string{t.Staging, t.Stored}
}

// attachmentTarget is where an attachment is uploaded and kept, encrypted with a
// context naming the post and the attachment, never a person.
func attachmentTarget(postID, id string) upload.Target {
	return upload.Target{
		Staging: AttachmentStaging + postID + "/" + id,
		Stored:  "attachments/" + postID + "/" + id,
		Context: map[string]string{"kontor:post": postID, "kontor:attachment": id},
	}
}

// ErrFull is a post that holds MaxAttachments already.
var ErrFull = errors.New("network: the post has all its attachments")

// AttachmentStore keeps attachments in their post's item.
type AttachmentStore interface {
	// AddAttachment appends a to the post while the post exists, holds fewer than
	// MaxAttachments (ErrFull) and its author is a member of its group
	// (ErrNotFound otherwise).
	AddAttachment(ctx context.Context, p Post, a Attachment) error
	// SetAttachment replaces the attachment at index i if it is still the one of
	// a.ID and not yet ready; ErrConflict otherwise (ErrNotFound: no post).
	SetAttachment(ctx context.Context, postID string, i int, a Attachment) error
	// RemoveAttachment removes the attachment at index i if it is still the one
	// of id; ErrConflict otherwise (ErrNotFound: no post).
	RemoveAttachment(ctx context.Context, postID string, i int, id string) error
}

// AttachmentService takes, links and removes the attachments of posts. Access is
// the post's: every call reads the reader's membership afresh.
type AttachmentService struct {
	Posts   *PostService
	Store   AttachmentStore
	Objects upload.Store
	Now     func() time.Time
}

// AttachmentInput declares a file: its name as the sender calls it, its type
// and size in bytes.
type AttachmentInput struct {
	FileName    *string `json:"fileName"`
	ContentType *string `json:"contentType"`
	Size        *int64  `json:"size"`
}

// AttachmentLink is a short-lived link to download an attachment.
type AttachmentLink struct {
	Attachment
	PostID    string    `json:"postId"`
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// own opens a post for a change of its attachments by its author, who must be a
// member of its group (403 for others who can see the post, 404 for the rest).
func (s *AttachmentService) own(ctx context.Context, r Reader, postID string) (Post, error) {
	p, _, m, err := s.Posts.open(ctx, r, postID)
	if err != nil {
		return Post{}, err
	}
	if p.AuthorID == "" || p.AuthorID != r.AccountID || m.Role == "" {
		return Post{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	return p, nil
}

// find returns the index of attachment id in p, -1 without it.
func find(p Post, id string) int {
	return slices.IndexFunc(p.Attachments, func(a Attachment) bool { return a.ID == id })
}

// Declare starts the upload of a file to one's own post and returns the
// attachment (not shown until checked) and its upload URL. Nothing is stored of
// a declaration that fails: a type not taken (415), a size over its limit (413)
// or of no file (400), a post that has MaxAttachments (409).
func (s *AttachmentService) Declare(ctx context.Context, r Reader, postID string, in AttachmentInput) (Attachment, upload.URL, error) {
	p, err := s.own(ctx, r, postID)
	if err != nil {
		return Attachment{}, upload.URL{}, err
	}
	var fe fieldErrors
	name := ""
	switch {
	case in.FileName == nil:
		fe.add("fileName", problem.FieldRequired)
	default:
		if name = upload.CleanFileName(*in.FileName); name == "" {
			fe.add("fileName", problem.FieldInvalidValue)
		}
	}
	if in.ContentType == nil {
		fe.add("contentType", problem.FieldRequired)
	}
	if in.Size == nil {
		fe.add("size", problem.FieldRequired)
	}
	if len(fe) > 0 {
		return Attachment{}, upload.URL{}, problem.Invalid(fe...)
	}
	pol, ok := attachmentPolicy(*in.ContentType)
	if !ok {
		return Attachment{}, upload.URL{}, problem.New(http.StatusUnsupportedMediaType, CodeAttachmentType)
	}
	if err := pol.Declare(*in.ContentType, *in.Size); err != nil {
		return Attachment{}, upload.URL{}, attachmentProblem(err)
	}
	if len(p.Attachments) >= MaxAttachments {
		return Attachment{}, upload.URL{}, problem.New(http.StatusConflict, CodeTooManyAttachments)
	}
	now := s.Now()
	a := Attachment{ID: ids.NewV7(now), FileName: name, ContentType: *in.ContentType, Size: *in.Size, CreatedAt: now}
	switch err := s.Store.AddAttachment(ctx, p, a); {
	case errors.Is(err, ErrFull):
		return Attachment{}, upload.URL{}, problem.New(http.StatusConflict, CodeTooManyAttachments)
	case errors.Is(err, ErrNotFound):
		return Attachment{}, upload.URL{}, notFound()
	case err != nil:
		return Attachment{}, upload.URL{}, err
	}
	up, err := upload.Start(ctx, s.Objects, pol, attachmentTarget(p.ID, a.ID), a.ContentType, a.Size)
	if err != nil {
		return Attachment{}, upload.URL{}, err
	}
	return a, up, nil
}

// Complete checks an uploaded file by its content (upload.Complete) and shows it
// on the post: exactly the declared type, of the declared size, within its limit,
// encrypted with the module's key; an image re-encoded within MaxImageSide. A
// file that fails is deleted with its attachment (415, 413, 400), so nothing of it
// stays; one not uploaded yet waits (409 attachment_not_uploaded). Completing a
// checked attachment again changes nothing and is 409 attachment_complete.
func (s *AttachmentService) Complete(ctx context.Context, r Reader, postID, id string) (Attachment, error) {
	p, err := s.own(ctx, r, postID)
	if err != nil {
		return Attachment{}, err
	}
	i := find(p, id)
	if i < 0 {
		return Attachment{}, notFound()
	}
	a := p.Attachments[i]
	if a.Ready {
		return Attachment{}, problem.New(http.StatusConflict, CodeAttachmentComplete)
	}
	pol, _ := attachmentPolicy(a.ContentType)
	t := attachmentTarget(p.ID, a.ID)
	st, err := upload.Complete(ctx, s.Objects, pol, t, a.Size)
	if reason, ok := upload.AsRejected(err); ok && reason != upload.Missing {
		if err := s.Store.RemoveAttachment(ctx, p.ID, i, a.ID); err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) {
			return Attachment{}, err
		}
		return Attachment{}, attachmentProblem(err)
	}
	if err != nil {
		return Attachment{}, attachmentProblem(err)
	}
	a.ContentType, a.Size, a.Ready = st.ContentType, st.Size, true
	if err := s.Store.SetAttachment(ctx, p.ID, i, a); errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return s.afterLostRace(ctx, p.ID, a)
	} else if err != nil {
		return Attachment{}, err
	}
	return a, nil
}

// afterLostRace settles a completion whose attachment changed meanwhile: checked
// by a second completion (409 as any replay), or removed with its post or by
// itself — then the file just stored is deleted too (404).
func (s *AttachmentService) afterLostRace(ctx context.Context, postID string, a Attachment) (Attachment, error) {
	p, err := s.Posts.Store.Post(ctx, postID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Attachment{}, err
	}
	if i := find(p, a.ID); err == nil && i >= 0 && p.Attachments[i].Ready {
		return Attachment{}, problem.New(http.StatusConflict, CodeAttachmentComplete)
	}
	if err := upload.Remove(ctx, s.Objects, attachmentTarget(postID, a.ID)); err != nil {
		return Attachment{}, err
	}
	return Attachment{}, notFound()
}

// Link returns a download link to a checked attachment, valid AttachmentLinkTTL,
// for a reader who may read the post now (404 for anyone else, and for an
// attachment not checked yet).
func (s *AttachmentService) Link(ctx context.Context, r Reader, postID, id string) (AttachmentLink, error) {
	p, _, _, err := s.Posts.open(ctx, r, postID)
	if err != nil {
		return AttachmentLink{}, err
	}
	i := find(p, id)
	if i < 0 || !p.Attachments[i].Ready {
		return AttachmentLink{}, notFound()
	}
	return link(ctx, s.Objects, p.ID, p.Attachments[i], s.Now(), AttachmentLinkTTL)
}

// link presigns the download of a checked attachment, served as a file of the
// detected type under its name.
func link(ctx context.Context, objects upload.Store, postID string, a Attachment, now time.Time, ttl time.Duration) (AttachmentLink, error) {
	url, err := objects.PresignGet(ctx, attachmentTarget(postID, a.ID).Stored, downloadName(a), a.ContentType, ttl)
	if err != nil {
		return AttachmentLink{}, err
	}
	return AttachmentLink{Attachment: a, PostID: postID, URL: url, ExpiresAt: now.Add(ttl)}, nil
}

// AttachmentLinks returns links to the checked attachments of posts, valid ttl
// (the export's).
func AttachmentLinks(ctx context.Context, objects upload.Store, posts []Post, now time.Time, ttl time.Duration) ([]AttachmentLink, error) {
	out := []AttachmentLink{}
	for _, p := range posts {
		for _, a := range Checked(p.Attachments) {
			l, err := link(ctx, objects, p.ID, a, now, ttl)
			if err != nil {
				return nil, err
			}
			out = append(out, l)
		}
	}
	return out, nil
}

// downloadName is the name a file is served under: its display name, its
// extension made that of its detected type — replaced when it is another type's
// taken here (a WebP kept as PNG), added otherwise.
func downloadName(a Attachment) string {
	ext := upload.Extension(a.ContentType)
	got := strings.ToLower(path.Ext(a.FileName))
	if got == ext || (ext == ".jpg" && got == ".jpeg") {
		return a.FileName
	}
	taken := got == ".jpeg" || got == ".webp"
	for _, t := range slices.Concat(DocumentTypes, ImageTypes) {
		taken = taken || (got != "" && got == upload.Extension(t))
	}
	if taken {
		return strings.TrimSuffix(a.FileName, path.Ext(a.FileName)) + ext
	}
	return a.FileName + ext
}

// Remove deletes an attachment with its files: the post's author, or a moderator
// of the group or staff with a reason (logged with ids only, as for posts).
func (s *AttachmentService) Remove(ctx context.Context, r Reader, postID, id, reason string) error {
	p, g, m, err := s.Posts.open(ctx, r, postID)
	if err != nil {
		return err
	}
	i := find(p, id)
	if i < 0 {
		return notFound()
	}
	if err := s.Posts.mayRemove(ctx, r, g, m, p.AuthorID, "attachment", id, reason); err != nil {
		return err
	}
	if err := upload.Remove(ctx, s.Objects, attachmentTarget(p.ID, id)); err != nil {
		return err
	}
	for range maxTries {
		err := s.Store.RemoveAttachment(ctx, p.ID, i, id)
		if !errors.Is(err, ErrConflict) {
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			return err
		}
		// Another attachment went meanwhile and this one moved: read again.
		if p, err = s.Posts.Store.Post(ctx, postID); errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		if i = find(p, id); i < 0 {
			return nil
		}
	}
	return ErrConflict
}

// maxTries bounds the rereads of a change that races others.
const maxTries = 5

// attachmentProblem turns an upload's rejection into the attachment's problem.
func attachmentProblem(err error) error {
	return upload.Problem(err, upload.Codes{Type: CodeAttachmentType, TooLarge: CodeAttachmentTooLarge,
		NotAccepted: CodeAttachmentNotAccepted, NotUploaded: CodeAttachmentNotUploaded})
}
