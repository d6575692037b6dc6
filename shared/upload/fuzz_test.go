package upload

import (
	"bytes"
	"image"
	"testing"
)

// An upload's type is told by its first bytes alone: a magic number gives its type
// whatever follows, anything else is no allowed type.
func FuzzSniff(f *testing.F) {
	for _, s := range []string{"%PDF-1.7\n", "\xff\xd8\xff\xe0\x00\x10JFIF", "\x89PNG\r\n\x1a\n\x00", "%PDF", "GIF89a", "<html>%PDF-", ""} {
		f.Add([]byte(s))
	}
	magic := map[string]string{"%PDF-": "application/pdf", "\xff\xd8\xff": "image/jpeg", "\x89PNG\r\n\x1a\n": "image/png"}
	f.Fuzz(func(t *testing.T, head []byte) {
		got := Sniff(head)
		want := ""
		for m, typ := range magic {
			if bytes.HasPrefix(head, []byte(m)) {
				want = typ
			}
		}
		if got != want {
			t.Fatalf("Sniff(%q) = %q, want %q", head, got, want)
		}
		if got != "" && Sniff(append(head[:len(head):len(head)], "trailing"...)) != got {
			t.Fatalf("Sniff(%q) changes with what follows", head)
		}
	})
}

// Whatever bytes arrive, Check either rejects them as an upload (never another
// error, never a panic) or returns a type the policy allows and, for an image, bytes
// that decode as that image again and carry no metadata segment.
func FuzzCheck(f *testing.F) {
	f.Add(PDF)
	f.Add([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"))
	f.Add([]byte{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x08, 'E', 'x', 'i', 'f', 0, 0})
	small := Policy{Types: []string{TypePDF, TypeJPEG, TypePNG}, MaxBytes: 1 << 16, MaxPixels: 1 << 16}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, out, err := small.Check(data)
		if err != nil {
			if _, ok := AsRejected(err); !ok {
				t.Fatalf("Check(%q): %v is not a rejection", data, err)
			}
			return
		}
		if kind != Sniff(out) {
			t.Fatalf("Check says %s, the stored bytes are %q", kind, Sniff(out))
		}
		if kind == TypePDF {
			return
		}
		if _, format, err := image.Decode(bytes.NewReader(out)); err != nil || "image/"+format != kind {
			t.Fatalf("re-encoded %s does not decode: %v", kind, err)
		}
		if bytes.Contains(out, []byte("Exif")) {
			t.Fatal("metadata survived")
		}
	})
}
