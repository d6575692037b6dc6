package integration

import (
	"bytes"
	"image/color"
	"net/http"
	"testing"

	"kontor/shared/network"
	"kontor/shared/upload/imagetest"
)

// Promise: HKC-5 — a WebP picture is taken like a JPEG or PNG: checked by content,
// refused from its header when it would decode into more than 40 megapixels, and
// kept as fresh JPEG squares with nothing of its EXIF (GPS position) or XMP.
func TestNetworkPictureTakesWebPWithoutItsMetadata(t *testing.T) {
	c, id := pictureMember(t)
	webp := imagetest.WebP(300, 200, color.NRGBA{R: 0x20, G: 0x60, B: 0xC0, A: 0xFF},
		[]byte("Exif\x00\x00MM\x00*GPS 53.55N 9.99E Lindenstrasse 4"), []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/">Lindenstrasse 4</x:xmpmeta>`))
	for _, leak := range []string{"GPS", "xmpmeta", "Lindenstrasse"} {
		if !bytes.Contains(webp, []byte(leak)) {
			t.Fatalf("the test WebP lacks %q", leak)
		}
	}
	want(t, sendPicture(t, c, "image/webp", webp), http.StatusOK)
	keys := pictureObjects(t, id)
	wantPictureSizes(t, keys)
	for _, key := range keys {
		if got := bucketObject(t, "PictureBucket", key); bytes.Contains(got, []byte("xmpmeta")) || bytes.Contains(got, []byte("RIFF")) {
			t.Fatalf("%s keeps the WebP's XMP or container", key)
		}
	}
	// 16384 × 16384 pixels of one colour: a valid WebP of a few dozen bytes that
	// would decode into 1 GB, refused from its header; the picture shown stays.
	bomb := imagetest.WebP(16384, 16384, color.NRGBA{A: 0xFF}, nil, nil)
	want(t, sendPicture(t, c, "image/webp", bomb), http.StatusUnsupportedMediaType, network.CodePictureType.ID)
	if got := pictureObjects(t, id); len(got) != 2 {
		t.Fatalf("after the bomb: %v", got)
	}
}
