// Package upload is Kontor's one way to take files from people (invoices,
// profile pictures and files on posts today; listing photos later):
//
//  1. declare: the caller names type and size; anything outside the policy is
//     refused before a byte is stored, and an upload URL is issued for a staging
//     key, signed so that it cannot overwrite (If-None-Match: *) and stores only
//     encrypted with the module's key;
//  2. complete: the function reads what arrived, checks it by content (magic
//     bytes, whole structure; images are decoded and re-encoded so no EXIF or GPS
//     data survives) and writes exactly the checked bytes to the stored key, which
//     no upload URL can reach;
//  3. download: links to the stored key only, with the detected type.
//
// So whatever is sent to an upload URL later (a replay after complete, say) never
// reaches what others download: it lands in staging, where the sweep removes it.
package upload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Content types Kontor accepts in some upload.
const (
	TypePDF  = "application/pdf"
	TypeJPEG = "image/jpeg"
	TypePNG  = "image/png"
	TypeWebP = "image/webp"
)

// Policy says what one kind of upload may be.
type Policy struct {
	Types    []string // allowed content types, by content
	MaxBytes int64
	// MaxPixels bounds a decoded image (width × height), so a small file cannot
	// unpack into gigabytes.
	MaxPixels int
	// MaxSide, when not 0, bounds the longer side of a kept image: a larger one
	// is scaled down to it, keeping its aspect.
	MaxSide int
}

// StagingTTL is how long an upload URL is valid; staging objects older than this
// plus a grace are swept.
const StagingTTL = 10 * time.Minute

// Reason says why an upload was refused.
type Reason string

// Reasons for refusing an upload; modules map them to their problem codes.
const (
	TypeNotAllowed Reason = "type_not_allowed"
	TooLarge       Reason = "too_large"
	NotEncrypted   Reason = "not_encrypted"
	Missing        Reason = "missing"
	// BadSize is a declared size that no file has (zero or negative).
	BadSize Reason = "bad_size"
	// SizeMismatch is an object whose size is not the declared one: the emulator
	// and an unsigned Content-Length let other bytes through, so complete checks.
	SizeMismatch Reason = "size_mismatch"
)

// Rejected is an upload that failed its check; nothing of it is kept.
type Rejected struct{ Reason Reason }

func (r *Rejected) Error() string { return "upload rejected: " + string(r.Reason) }

// AsRejected reports whether err is a rejection and returns its reason.
func AsRejected(err error) (Reason, bool) {
	var r *Rejected
	if errors.As(err, &r) {
		return r.Reason, true
	}
	return "", false
}

// Declare checks a declared type and size against the policy.
func (p Policy) Declare(contentType string, size int64) error {
	switch {
	case !slices.Contains(p.Types, contentType):
		return &Rejected{TypeNotAllowed}
	case size > p.MaxBytes:
		return &Rejected{TooLarge}
	case size <= 0:
		return &Rejected{BadSize}
	}
	return nil
}

// Sniff returns the type of a file from its first bytes, or "" when it is none of
// the types Kontor knows, whatever its name or declared type says.
func Sniff(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return TypePDF
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return TypeJPEG
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return TypePNG
	case len(head) >= 12 && bytes.HasPrefix(head, []byte("RIFF")) && string(head[8:12]) == "WEBP":
		return TypeWebP
	}
	return ""
}

// Check examines a whole file and returns its type and the bytes to store: a PDF
// as sent (its header and end-of-file marker present), an image decoded and
// re-encoded (orientation applied, metadata gone; a WebP as a PNG, its type then). The detected type counts, not
// the declared one; anything else is rejected.
func (p Policy) Check(data []byte) (string, []byte, error) {
	if int64(len(data)) > p.MaxBytes {
		return "", nil, &Rejected{TooLarge}
	}
	kind := Sniff(data)
	if kind == "" {
		kind = p.documentType(data) // office.go: a ZIP by its content, within bounds
	}
	if kind == "" || !slices.Contains(p.Types, kind) {
		return "", nil, &Rejected{TypeNotAllowed}
	}
	switch kind {
	case TypePDF:
		if !pdfComplete(data) {
			return "", nil, &Rejected{TypeNotAllowed}
		}
		return kind, data, nil
	case TypeDOCX, TypeXLSX, TypePPTX, TypeODT, TypeODS, TypeODP:
		return kind, data, nil // checked whole by documentType
	default:
		kind, out, err := reencode(kind, data, p.MaxPixels, p.MaxSide)
		if err != nil {
			return "", nil, &Rejected{TypeNotAllowed}
		}
		return kind, out, nil
	}
}

// pdfComplete reports whether a PDF has a version header and its end-of-file marker
// within the last 1024 bytes, as PDF readers require: a truncated or padded file is
// not a PDF.
func pdfComplete(data []byte) bool {
	if len(data) < 8 || (data[5] != '1' && data[5] != '2') || data[6] != '.' {
		return false
	}
	return bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF"))
}

// Info is what storage reports about an object.
type Info struct {
	Size   int64
	SSE    string // "aws:kms"
	KeyARN string
}

// ErrNoObject is returned by Store.Get for a missing object.
var ErrNoObject = errors.New("upload: no such object")

// ErrExists is returned by Store.PutChecked when the key is taken.
var ErrExists = errors.New("upload: object exists")

// Target is where an upload goes and how it is encrypted.
type Target struct {
	Staging, Stored string
	// Context is the encryption context binding the object to its owner.
	Context map[string]string
}

// URL tells the client how to send a file directly to storage.
type URL struct {
	URL       string            `json:"url"`
	Method    string            `json:"method"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expiresAt"`
}

// Store is the bucket uploads go to.
type Store interface {
	// PresignPut returns a URL that stores at most one object under key (it fails
	// once the key exists), of the declared type and length, encrypted with the
	// module's key and the encryption context.
	PresignPut(ctx context.Context, key string, size int64, contentType string, encCtx map[string]string, ttl time.Duration) (URL, error)
	// Get reads a whole object of at most limit bytes (a larger one is reported by
	// its size only, with a nil body).
	Get(ctx context.Context, key string, limit int64) ([]byte, Info, error)
	// PutChecked stores checked bytes under key unless the key exists (ErrExists).
	PutChecked(ctx context.Context, key, contentType string, body []byte, encCtx map[string]string) error
	Delete(ctx context.Context, key string) error
	// PresignGet returns a download link that serves the object as an attachment
	// of contentType under filename.
	PresignGet(ctx context.Context, key, filename, contentType string, ttl time.Duration) (string, error)
	// KeyARN is the key every object must be encrypted with.
	KeyARN() string
}

// Start declares an upload and returns its URL to the staging key.
func Start(ctx context.Context, s Store, p Policy, t Target, contentType string, size int64) (URL, error) {
	if err := p.Declare(contentType, size); err != nil {
		return URL{}, err
	}
	return s.PresignPut(ctx, t.Staging, size, contentType, t.Context, StagingTTL)
}

// Stored is a checked file as kept.
type Stored struct {
	ContentType string
	Size        int64
}

// Complete checks what arrived in staging and stores exactly the checked bytes. A
// file that fails — larger than the policy allows, of another size than declared,
// not encrypted with the module's key, not of an allowed type by content — is
// deleted from staging and reported as Rejected. The staging
// object of a file that passes stays until its URL has expired, so the URL cannot
// be used again (If-None-Match), and is swept after. Completing twice is harmless:
// the stored object is kept as it is.
func Complete(ctx context.Context, s Store, p Policy, t Target, declared int64) (Stored, error) {
	data, err := receive(ctx, s, p, t, declared)
	if err != nil {
		return Stored{}, err
	}
	kind, body, err := p.Check(data)
	if r, ok := AsRejected(err); ok {
		return Stored{}, reject(ctx, s, t, r)
	}
	if err != nil {
		return Stored{}, err
	}
	if err := s.PutChecked(ctx, t.Stored, kind, body, t.Context); err != nil && !errors.Is(err, ErrExists) {
		return Stored{}, fmt.Errorf("store checked upload: %w", err)
	}
	return Stored{ContentType: kind, Size: int64(len(body))}, nil
}

// receive reads what arrived in staging and checks what storage says of it: at
// most the policy's size, of the declared size, encrypted with the module's key.
// A file that fails is deleted from staging and reported as Rejected.
func receive(ctx context.Context, s Store, p Policy, t Target, declared int64) ([]byte, error) {
	data, info, err := s.Get(ctx, t.Staging, p.MaxBytes)
	if errors.Is(err, ErrNoObject) {
		return nil, &Rejected{Missing}
	}
	if err != nil {
		return nil, err
	}
	switch {
	case info.Size > p.MaxBytes || data == nil:
		return nil, reject(ctx, s, t, TooLarge)
	case info.Size != declared:
		return nil, reject(ctx, s, t, SizeMismatch)
	case info.SSE != "aws:kms" || info.KeyARN != s.KeyARN():
		return nil, reject(ctx, s, t, NotEncrypted)
	}
	return data, nil
}

// reject deletes an upload's staging object and returns the rejection.
func reject(ctx context.Context, s Store, t Target, r Reason) error {
	if err := s.Delete(ctx, t.Staging); err != nil {
		return err
	}
	return &Rejected{r}
}

// Square is one size an image is kept in: a square of Side pixels under Key.
type Square struct {
	Key  string
	Side int
}

// CompleteImage is Complete for a picture kept in fixed sizes (a profile
// picture): what arrived must be a JPEG, PNG or WebP the policy allows, by content;
// its header's dimensions are checked against MaxPixels before any pixel is
// decoded; the picture is turned upright, cut to its centre square and stored
// as a fresh JPEG in each size (so only pixels survive: no EXIF, GPS position,
// camera serial or comment). Unlike Complete, the staging object is deleted
// once the sizes are stored, so nothing of the original is kept. A file that
// fails is deleted and reported as Rejected.
func CompleteImage(ctx context.Context, s Store, p Policy, t Target, declared int64, sizes []Square) error {
	data, err := receive(ctx, s, p, t, declared)
	if err != nil {
		return err
	}
	kind := Sniff(data)
	if !slices.Contains(p.Types, kind) || !slices.Contains([]string{TypeJPEG, TypePNG, TypeWebP}, kind) {
		return reject(ctx, s, t, TypeNotAllowed)
	}
	img, err := decodeImage(kind, data, p.MaxPixels)
	if err != nil {
		return reject(ctx, s, t, TypeNotAllowed)
	}
	for _, sq := range sizes {
		body, err := encodeSquare(img, sq.Side)
		if err != nil {
			return err
		}
		if err := s.PutChecked(ctx, sq.Key, TypeJPEG, body, t.Context); err != nil && !errors.Is(err, ErrExists) {
			return fmt.Errorf("store checked image: %w", err)
		}
	}
	return s.Delete(ctx, t.Staging)
}

// Remove deletes both the staging and the stored object of an upload.
func Remove(ctx context.Context, s Store, t Target) error {
	if err := s.Delete(ctx, t.Staging); err != nil {
		return err
	}
	return s.Delete(ctx, t.Stored)
}

// Extension returns the file name extension of a content type.
func Extension(contentType string) string {
	switch contentType {
	case TypePDF:
		return ".pdf"
	case TypeJPEG:
		return ".jpg"
	case TypePNG:
		return ".png"
	}
	return documentExtensions[contentType]
}
