package upload

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"sync"
	"testing"
	"time"
)

var policy = Policy{Types: []string{TypePDF, TypeJPEG, TypePNG}, MaxBytes: 1 << 20, MaxPixels: 4_000_000}

// PDF is a minimal complete PDF.
var PDF = []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// testJPEG is a 40×20 JPEG, left half red, right half blue, with an EXIF segment
// carrying orientation o and a GPS marker string.
func testJPEG(t *testing.T, o int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			c := color.RGBA{R: 220, A: 255}
			if x >= 20 {
				c = color.RGBA{B: 220, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return withExif(buf.Bytes(), o)
}

// withExif inserts an APP1 EXIF segment (orientation o, and a GPS-looking string)
// right after the JPEG's SOI marker.
func withExif(j []byte, o int) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08")   // big-endian, IFD at 8
	tiff = append(tiff, 0x00, 0x01)                // one entry
	tiff = append(tiff, 0x01, 0x12, 0x00, 0x03)    // orientation, SHORT
	tiff = append(tiff, 0x00, 0x00, 0x00, 0x01)    // count 1
	tiff = append(tiff, 0x00, byte(o), 0x00, 0x00) // value
	tiff = append(tiff, 0x00, 0x00, 0x00, 0x00)    // no next IFD
	tiff = append(tiff, []byte("GPS 52.5163N 13.3777E")...)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, j[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, j[2:]...)
}

// testPNG is a 30×10 PNG with a text chunk naming a place.
func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	// Insert a tEXt chunk after IHDR (8-byte signature + 25-byte IHDR chunk).
	text := []byte("Comment\x00taken at Hauptstrasse 5, Halle")
	chunk := make([]byte, 8, 12+len(text))
	binary.BigEndian.PutUint32(chunk, uint32(len(text)))
	copy(chunk[4:], "tEXt")
	chunk = append(chunk, text...)
	crc := crc32.ChecksumIEEE(chunk[4:])
	chunk = binary.BigEndian.AppendUint32(chunk, crc)
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...)
}

func TestCheckKeepsPDFsAndReencodesImagesWithoutMetadata(t *testing.T) {
	kind, out, err := policy.Check(PDF)
	if err != nil || kind != TypePDF || !bytes.Equal(out, PDF) {
		t.Fatalf("pdf: %s %v", kind, err)
	}
	for _, in := range [][]byte{testJPEG(t, 1), testPNG(t, 30, 10)} {
		kind, out, err := policy.Check(in)
		if err != nil {
			t.Fatalf("%s: %v", Sniff(in), err)
		}
		if kind != Sniff(in) {
			t.Fatalf("kind %s for %s", kind, Sniff(in))
		}
		for _, leak := range []string{"GPS", "Exif", "Hauptstrasse"} {
			if bytes.Contains(out, []byte(leak)) {
				t.Fatalf("%s: %q survived re-encoding", kind, leak)
			}
		}
		if _, _, err := image.Decode(bytes.NewReader(out)); err != nil {
			t.Fatalf("%s: re-encoded image does not decode: %v", kind, err)
		}
	}
}

// A photo taken with the phone turned (EXIF orientation 6) is stored the right way
// up once its EXIF is gone: 20×40, red on top.
func TestCheckAppliesOrientationBeforeDroppingIt(t *testing.T) {
	_, out, err := policy.Check(testJPEG(t, 6))
	if err != nil {
		t.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 20 || b.Dy() != 40 {
		t.Fatalf("oriented size %v", b)
	}
	r, _, bl, _ := img.At(10, 5).RGBA()
	r2, _, bl2, _ := img.At(10, 35).RGBA()
	if r < bl || bl2 < r2 {
		t.Fatalf("orientation 6 not applied: top %d/%d, bottom %d/%d", r>>8, bl>>8, r2>>8, bl2>>8)
	}
}

func TestCheckRejectsWhatIsNotWhatItClaims(t *testing.T) {
	html := []byte("<html><script>alert(1)</script></html>")
	cases := map[string][]byte{
		"executable":           append([]byte("MZ\x90\x00"), make([]byte, 100)...),
		"html":                 html,
		"pdf without end":      []byte("%PDF-1.7\n1 0 obj << >> endobj\n"),
		"pdf with html padded": append(append([]byte{}, PDF...), bytes.Repeat(html, 40)...),
		"jpeg header only":     {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0x00, 0x42, 0x42},
		"png header only":      []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x07\x07"),
		"decompression bomb":   testPNG(t, 5000, 5000),
		"too large":            append(append([]byte{}, PDF[:20]...), make([]byte, policy.MaxBytes)...),
	}
	for name, data := range cases {
		if _, _, err := policy.Check(data); err == nil {
			t.Errorf("%s: accepted", name)
		} else if _, ok := AsRejected(err); !ok {
			t.Errorf("%s: %v is not a rejection", name, err)
		}
	}
	// A type outside the policy is refused even when it is a fine file.
	pdfOnly := Policy{Types: []string{TypePDF}, MaxBytes: 1 << 20, MaxPixels: 1000}
	if _, _, err := pdfOnly.Check(testPNG(t, 3, 3)); err == nil {
		t.Error("png accepted by a PDF-only policy")
	}
}

func TestDeclareRefusesBeforeAnythingIsStored(t *testing.T) {
	for _, c := range []struct {
		ct   string
		size int64
		want Reason
	}{{"text/html", 10, TypeNotAllowed}, {TypePDF, policy.MaxBytes + 1, TooLarge}, {TypePDF, 0, BadSize}, {TypePDF, -5, BadSize}} {
		r, _ := AsRejected(policy.Declare(c.ct, c.size))
		if r != c.want {
			t.Errorf("%s/%d: %q, want %q", c.ct, c.size, r, c.want)
		}
	}
}

// memStore is a bucket in memory that honours If-None-Match on puts, as S3 does.
type memStore struct {
	mu      sync.Mutex
	objects map[string]memObject
}

type memObject struct {
	body []byte
	sse  string
	key  string
	ct   string
}

const keyARN = "arn:aws:kms:eu-central-1:123456789012:key/k-1"

func (m *memStore) client(key string, body []byte, sse, kmsKey string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objects[key]; ok {
		return ErrExists // the URL's If-None-Match: *
	}
	m.objects[key] = memObject{body: body, sse: sse, key: kmsKey}
	return nil
}

func (m *memStore) PresignPut(_ context.Context, key string, _ int64, _ string, _ map[string]string, ttl time.Duration) (URL, error) {
	return URL{URL: "mem://" + key, Method: "PUT", ExpiresAt: time.Now().Add(ttl)}, nil
}

func (m *memStore) Get(_ context.Context, key string, limit int64) ([]byte, Info, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.objects[key]
	if !ok {
		return nil, Info{}, ErrNoObject
	}
	info := Info{Size: int64(len(o.body)), SSE: o.sse, KeyARN: o.key}
	if info.Size > limit {
		return nil, info, nil
	}
	return append([]byte{}, o.body...), info, nil
}

func (m *memStore) PutChecked(_ context.Context, key, ct string, body []byte, _ map[string]string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.objects[key]; ok {
		return ErrExists
	}
	m.objects[key] = memObject{body: body, sse: "aws:kms", key: keyARN, ct: ct}
	return nil
}

func (m *memStore) Delete(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.objects, key)
	return nil
}

func (m *memStore) PresignGet(context.Context, string, string, string, time.Duration) (string, error) {
	return "", nil
}

func (m *memStore) KeyARN() string { return keyARN }

// What is downloaded is exactly what was checked: the upload URL reaches only
// staging, and while its staging object stays (until the URL expired) the URL
// cannot store again; bytes sent later never reach the stored key.
func TestCompleteStoresCheckedBytesOutOfTheUploadURLsReach(t *testing.T) {
	ctx := context.Background()
	s := &memStore{objects: map[string]memObject{}}
	tg := Target{Staging: "claims/incoming/c1/i1", Stored: "claims/c1/i1"}
	if _, err := Start(ctx, s, policy, tg, TypePDF, int64(len(PDF))); err != nil {
		t.Fatal(err)
	}
	if _, err := Complete(ctx, s, policy, tg, int64(len(PDF))); !isReason(err, Missing) {
		t.Fatalf("complete before upload: %v", err)
	}
	if err := s.client(tg.Staging, PDF, "aws:kms", keyARN); err != nil {
		t.Fatal(err)
	}
	st, err := Complete(ctx, s, policy, tg, int64(len(PDF)))
	if err != nil || st.ContentType != TypePDF || st.Size != int64(len(PDF)) {
		t.Fatalf("complete: %+v %v", st, err)
	}
	// The replay: the same URL with other bytes.
	if err := s.client(tg.Staging, []byte("<html><script>alert(1)</script>"), "aws:kms", keyARN); !errors.Is(err, ErrExists) {
		t.Fatalf("replayed upload: %v", err)
	}
	if _, err := Complete(ctx, s, policy, tg, int64(len(PDF))); err != nil {
		t.Fatalf("second complete: %v", err)
	}
	if got := s.objects[tg.Stored]; !bytes.Equal(got.body, PDF) || got.ct != TypePDF {
		t.Fatalf("stored object changed: %q %s", got.body, got.ct)
	}
}

func TestCompleteRejectsAndLeavesNothing(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		body        []byte
		sse, key    string
		want        Reason
		storedAfter bool
	}{
		"not encrypted":   {PDF, "AES256", "", NotEncrypted, false},
		"other key":       {PDF, "aws:kms", "arn:aws:kms:eu-central-1:1:key/other", NotEncrypted, false},
		"disguised":       {[]byte("MZ\x90\x00 not a pdf at all"), "aws:kms", keyARN, TypeNotAllowed, false},
		"grown too large": {append(append([]byte{}, PDF...), make([]byte, policy.MaxBytes)...), "aws:kms", keyARN, TooLarge, false},
		"other size":      {PDF, "aws:kms", keyARN, SizeMismatch, false},
	} {
		s := &memStore{objects: map[string]memObject{}}
		tg := Target{Staging: "x/incoming/" + name, Stored: "x/" + name}
		_ = s.client(tg.Staging, c.body, c.sse, c.key)
		declared := int64(len(c.body))
		if c.want == SizeMismatch {
			declared--
		}
		if _, err := Complete(ctx, s, policy, tg, declared); !isReason(err, c.want) {
			t.Errorf("%s: %v, want %s", name, err, c.want)
		}
		if len(s.objects) != 0 {
			t.Errorf("%s: left %d objects", name, len(s.objects))
		}
	}
}

func isReason(err error, r Reason) bool {
	got, ok := AsRejected(err)
	return ok && got == r
}

// Promise: H4U-7 — invoice types are told by content, not by name or declared type.
func TestSniffTellsTypesByContentOnly(t *testing.T) {
	cases := map[string]string{
		"%PDF-1.7\n":                 "application/pdf",
		"\xff\xd8\xff\xe0\x00\x10JF": "image/jpeg",
		"\x89PNG\r\n\x1a\n\x00\x00":  "image/png",
		"MZ\x90\x00":                 "",
		"<html><body>%PDF-":          "",
		"GIF89a":                     "",
		"":                           "",
		"%PDF":                       "",
	}
	for head, want := range cases {
		if got := Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%q) = %q, want %q", head, got, want)
		}
	}
}
