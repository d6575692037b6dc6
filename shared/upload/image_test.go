package upload

import (
	"bytes"
	"context"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"runtime"
	"testing"

	"kontor/shared/upload/imagetest"
)

var picturePolicy = Policy{Types: []string{TypeJPEG, TypePNG, TypeWebP}, MaxBytes: 5 << 20, MaxPixels: 40_000_000}

// testWebP is a 40×20 WebP, all one red, carrying an EXIF chunk with a GPS
// position and an XMP chunk with an address, as a phone or an editor writes them.
func testWebP(w, h int) []byte {
	return imagetest.WebP(w, h, color.NRGBA{R: 0xC8, G: 0x10, B: 0x20, A: 0xFF},
		[]byte("Exif\x00\x00MM\x00*GPS 53.55N 9.99E Hauptstrasse"), []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/">Hauptstrasse 1</x:xmpmeta>`))
}

var squares = []Square{{Key: "p/a/1/small", Side: 96}, {Key: "p/a/1/large", Side: 400}}

func completeImage(t *testing.T, body []byte) (*memStore, Target, error) {
	t.Helper()
	s := &memStore{objects: map[string]memObject{}}
	tg := Target{Staging: "p/incoming/a/1", Stored: "p/a/1"}
	if err := s.client(tg.Staging, body, "aws:kms", keyARN); err != nil {
		t.Fatal(err)
	}
	return s, tg, CompleteImage(context.Background(), s, picturePolicy, tg, int64(len(body)), squares)
}

// Promise: HKC-5 — a picture is kept as fresh JPEG squares of the sizes asked for, turned as its
// EXIF said, with nothing of its metadata; the staged original is deleted.
func TestCompleteImageKeepsFreshSquaresOnly(t *testing.T) {
	webp := testWebP(40, 20)
	if !bytes.Contains(webp, []byte("GPS")) || !bytes.Contains(webp, []byte("xmpmeta")) {
		t.Fatal("the test WebP carries no EXIF or XMP")
	}
	for name, body := range map[string][]byte{"jpeg": testJPEG(t, 6), "png": testPNG(t, 30, 10), "webp": webp} {
		s, tg, err := completeImage(t, body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if _, ok := s.objects[tg.Staging]; ok || len(s.objects) != 2 {
			t.Fatalf("%s: objects %d, staging kept %v", name, len(s.objects), ok)
		}
		for _, sq := range squares {
			o := s.objects[sq.Key]
			for _, leak := range []string{"Exif", "GPS", "Hauptstrasse", "xmpmeta", "XMP", "RIFF"} {
				if bytes.Contains(o.body, []byte(leak)) {
					t.Errorf("%s %s keeps %q", name, sq.Key, leak)
				}
			}
			img, err := jpeg.Decode(bytes.NewReader(o.body))
			if err != nil || o.ct != TypeJPEG || img.Bounds().Dx() != sq.Side || img.Bounds().Dy() != sq.Side {
				t.Fatalf("%s %s: %v %s %v", name, sq.Key, err, o.ct, img.Bounds())
			}
		}
	}
	// The WebP's pixels survive: its squares are its red.
	s, _, _ := completeImage(t, webp)
	img, _ := jpeg.Decode(bytes.NewReader(s.objects["p/a/1/small"].body))
	if r, g, b, _ := img.At(48, 48).RGBA(); r>>8 < 0xB0 || g>>8 > 0x40 || b>>8 > 0x40 {
		t.Errorf("the WebP's square is not its red: %d %d %d", r>>8, g>>8, b>>8)
	}
	// Orientation 6 (turned 90° counter-clockwise) makes the 40×20 picture, red
	// left and blue right, red on top once upright: the square's top is red.
	s, _, _ = completeImage(t, testJPEG(t, 6))
	img, _ = jpeg.Decode(bytes.NewReader(s.objects["p/a/1/large"].body))
	if r, _, b, _ := img.At(200, 20).RGBA(); r < b {
		t.Errorf("top of the upright square is not red: r %d b %d", r, b)
	}
}

// bombPNG is a tiny PNG whose header declares w × h pixels.
func bombPNG(w, h uint32) []byte {
	chunk := func(kind string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(append(c, kind...), data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := append(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h), 8, 2, 0, 0, 0)
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// Promise: HKC-5 — a decompression bomb is refused from its header: decoding 50000×50000 RGB
// pixels would take 7.5 GB, the refusal takes next to nothing, and nothing stays.
//
// The same for a WebP: 16384 × 16384 pixels of one colour (a valid file of a few
// dozen bytes that would decode into 1 GB) is refused from its header.
func TestCompleteImageRefusesABombFromItsHeader(t *testing.T) {
	for name, bomb := range map[string][]byte{"png": bombPNG(50000, 50000), "webp": testWebP(16384, 16384)} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		s, _, err := completeImage(t, bomb)
		runtime.ReadMemStats(&after)
		if !isReason(err, TypeNotAllowed) || len(s.objects) != 0 {
			t.Fatalf("%s bomb: %v, %d objects left", name, err, len(s.objects))
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 1<<20 {
			t.Fatalf("refusing the %s bomb allocated %d bytes: it was decoded", name, grown)
		}
	}
	for name, body := range map[string][]byte{"pdf": PDF, "noise": bytes.Repeat([]byte{0xFF, 0xD8, 0xFF, 0x00}, 100)} {
		if s, _, err := completeImage(t, body); !isReason(err, TypeNotAllowed) || len(s.objects) != 0 {
			t.Errorf("%s: %v, %d objects left", name, err, len(s.objects))
		}
	}
}

// BenchmarkCompleteImage12MP re-encodes a 12-megapixel camera JPEG (4000×3000)
// into the two squares of a profile picture.
func BenchmarkCompleteImage12MP(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 4000, 3000))
	for y := range 3000 {
		for x := range 4000 {
			img.Set(x, y, color.RGBA{R: uint8(x), G: uint8(y), B: uint8(x ^ y), A: 0xFF}) // #nosec G115 -- wrapping test pattern
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	body := buf.Bytes()
	b.ResetTimer()
	for range b.N {
		s := &memStore{objects: map[string]memObject{}}
		tg := Target{Staging: "s", Stored: "p"}
		_ = s.client(tg.Staging, body, "aws:kms", keyARN)
		if err := CompleteImage(context.Background(), s, picturePolicy, tg, int64(len(body)), squares); err != nil {
			b.Fatal(err)
		}
	}
}
