// Package imagetest makes the images the upload tests send: what no encoder of
// the standard library or golang.org/x/image writes (a WebP), made by hand.
package imagetest

import (
	"encoding/binary"
	"image/color"
)

// WebP returns a lossless WebP (VP8L) of w × h pixels (1 to 16384 each), every
// one of colour c, in the extended format (VP8X) with an EXIF chunk holding exif
// and an XMP chunk holding xmp after the image, as cameras and editors write
// them. A picture of one colour needs no pixel data: each of its prefix codes has
// a single symbol, which takes no bits, so even 16384 × 16384 pixels (a
// decompression bomb) is a file of a few dozen bytes.
func WebP(w, h int, c color.NRGBA, exif, xmp []byte) []byte {
	var b bitWriter
	b.put(0x2f, 8)                 // VP8L signature
	b.put(uint32(w-1), 14)         // #nosec G115 -- 14 bits are written: w is 1 to 16384
	b.put(uint32(h-1), 14)         // #nosec G115 -- 14 bits are written: h is 1 to 16384
	b.put(boolBit(c.A != 0xFF), 1) // alpha is used
	b.put(0, 3)                    // version
	b.put(0, 1)                    // no transform
	b.put(0, 1)                    // no colour cache
	b.put(0, 1)                    // no meta prefix codes
	// Green, red, blue and alpha: a simple code of one 8-bit symbol each.
	for _, v := range []uint8{c.G, c.R, c.B, c.A} {
		b.put(1, 1) // simple code
		b.put(0, 1) // one symbol
		b.put(1, 1) // of 8 bits
		b.put(uint32(v), 8)
	}
	// Distance: one symbol of 1 bit, never used (no backward references).
	b.put(1, 1)
	b.put(0, 1)
	b.put(0, 1)
	b.put(0, 1)

	flags := byte(0x08 | 0x04) // EXIF, XMP
	if c.A != 0xFF {
		flags |= 0x10
	}
	vp8x := []byte{flags, 0, 0, 0}
	vp8x = append(vp8x, le24(w-1)...)
	vp8x = append(vp8x, le24(h-1)...)
	body := []byte("WEBP")
	body = append(body, chunk("VP8X", vp8x)...)
	body = append(body, chunk("VP8L", b.buf)...)
	body = append(body, chunk("EXIF", exif)...)
	body = append(body, chunk("XMP ", xmp)...)
	out := append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...) // #nosec G115 -- a test image of a few bytes
	return append(out, body...)
}

// bitWriter writes bits least significant first, as VP8L reads them.
type bitWriter struct {
	buf []byte
	n   uint
}

func (b *bitWriter) put(v uint32, width uint) {
	for i := range width {
		if b.n%8 == 0 {
			b.buf = append(b.buf, 0)
		}
		if v>>i&1 == 1 {
			b.buf[len(b.buf)-1] |= 1 << (b.n % 8)
		}
		b.n++
	}
}

func boolBit(v bool) uint32 {
	if v {
		return 1
	}
	return 0
}

func le24(v int) []byte {
	return []byte{byte(v), byte(v >> 8), byte(v >> 16)} // #nosec G115 -- 24-bit fields
}

// chunk is a RIFF chunk, padded to an even length.
func chunk(fourCC string, data []byte) []byte {
	out := append([]byte(fourCC), binary.LittleEndian.AppendUint32(nil, uint32(len(data)))...) // #nosec G115 -- a test image of a few bytes
	out = append(out, data...)
	if len(data)%2 == 1 {
		out = append(out, 0)
	}
	return out
}
