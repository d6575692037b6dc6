package upload

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/webp"
)

// errImage is any image that cannot be taken: undecodable or too large.
var errImage = errors.New("upload: not a usable image")

// JPEGQuality is the quality images are re-encoded with: invoices and photos stay
// legible, the file stays small.
const JPEGQuality = 90

// reencode decodes an image and encodes it afresh, so only pixels survive: EXIF
// (camera, time, GPS position), comments and any bytes appended to the file are gone.
// A JPEG's EXIF orientation is applied to the pixels first, so the image still shows
// the right way up; an image larger than maxSide (when not 0) is scaled down to it.
// A JPEG stays a JPEG; a PNG, and a WebP (the standard library encodes none),
// become a PNG: it returns the type written.
func reencode(kind string, data []byte, maxPixels, maxSide int) (string, []byte, error) {
	img, err := decodeImage(kind, data, maxPixels)
	if err != nil {
		return "", nil, err
	}
	img = fit(img, maxSide)
	var out bytes.Buffer
	if kind == TypeJPEG {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: JPEGQuality})
	} else {
		kind = TypePNG
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, img)
	}
	if err != nil {
		return "", nil, err
	}
	return kind, out.Bytes(), nil
}

// decodeImage decodes a JPEG, PNG or WebP after its header has shown dimensions
// of at most maxPixels, so a small file declaring huge dimensions (a
// decompression bomb) is refused before a pixel is allocated. (A WebP's frame
// must have the size its header declares: golang.org/x/image/webp refuses one
// that differs, so the header's dimensions bound what is decoded.) A JPEG is
// turned as its EXIF orientation says; a WebP's metadata (EXIF, XMP, ICC chunks)
// is never read, and nothing of it is written again.
func decodeImage(kind string, data []byte, maxPixels int) (image.Image, error) {
	decodeConfig, decode := jpeg.DecodeConfig, jpeg.Decode
	switch kind {
	case TypeJPEG:
	case TypePNG:
		decodeConfig, decode = png.DecodeConfig, png.Decode
	case TypeWebP:
		decodeConfig, decode = webp.DecodeConfig, webp.Decode
	default:
		return nil, errImage
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > maxPixels/cfg.Height {
		return nil, errImage
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, errImage
	}
	if kind == TypeJPEG {
		img = orient(img, jpegOrientation(data))
	}
	return img, nil
}

// PictureQuality is the JPEG quality of the fixed sizes of a picture.
const PictureQuality = 85

// encodeSquare cuts the centre square out of img and encodes it as a JPEG of
// side × side pixels: each target pixel is the average of the source pixels it
// covers (a larger source), or the one it falls on (a smaller one). Transparent
// parts of a PNG show on white.
func encodeSquare(img image.Image, side int) ([]byte, error) {
	b := img.Bounds()
	n := min(b.Dx(), b.Dy())
	ox, oy := b.Min.X+(b.Dx()-n)/2, b.Min.Y+(b.Dy()-n)/2
	dst := boxScale(img, image.Rect(ox, oy, ox+n, oy+n), side, side)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: PictureQuality}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// jpegOrientation reads the EXIF orientation (1–8) of a JPEG, 1 when there is none.
func jpegOrientation(data []byte) int {
	p := 2 // after SOI
	for p+4 <= len(data) {
		if data[p] != 0xFF {
			return 1
		}
		marker := data[p+1]
		if marker == 0xDA || marker == 0xD9 { // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[p+2:]))
		if n < 2 || p+2+n > len(data) {
			return 1
		}
		seg := data[p+4 : p+2+n]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		p += 2 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in the first IFD of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for i := range count {
		e := off + 2 + 12*i
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			if v := int(bo.Uint16(t[e+8:])); v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient returns img as EXIF orientation o says it is meant to be seen.
func orient(img image.Image, o int) image.Image {
	if o <= 1 || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 { // the four orientations that swap width and height
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	at := pixelReader(img)
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored
				dx, dy = w-1-x, y
			case 3: // upside down
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored upside down
				dx, dy = x, h-1-y
			case 5: // mirrored, turned 90° counter-clockwise
				dx, dy = y, x
			case 6: // turned 90° counter-clockwise: turn it clockwise
				dx, dy = h-1-y, x
			case 7: // mirrored, turned 90° clockwise
				dx, dy = h-1-y, w-1-x
			case 8: // turned 90° clockwise: turn it counter-clockwise
				dx, dy = y, w-1-x
			}
			i := dst.PixOffset(dx, dy)
			r, g, bl := at(b.Min.X+x, b.Min.Y+y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = r, g, bl, 0xFF
		}
	}
	return dst
}

// pixelReader returns a fast reader of RGB values for the image types JPEG decodes
// to, and the generic one otherwise.
func pixelReader(img image.Image) func(x, y int) (uint8, uint8, uint8) {
	switch m := img.(type) {
	case *image.YCbCr:
		return func(x, y int) (uint8, uint8, uint8) {
			yi, ci := m.YOffset(x, y), m.COffset(x, y)
			return color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
		}
	case *image.Gray:
		return func(x, y int) (uint8, uint8, uint8) {
			v := m.Pix[m.PixOffset(x, y)]
			return v, v, v
		}
	}
	// Premultiplied colour over white: a transparent pixel shows white, not the
	// black its zero colour would give.
	return func(x, y int) (uint8, uint8, uint8) {
		c, _ := color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
		return c.R + (0xFF - c.A), c.G + (0xFF - c.A), c.B + (0xFF - c.A)
	}
}
