package upload

import "image"

// fit returns img scaled down, keeping its aspect, so that neither side exceeds
// maxSide pixels; an image within it (or maxSide 0) is returned as it is.
func fit(img image.Image, maxSide int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if maxSide <= 0 || (w <= maxSide && h <= maxSide) {
		return img
	}
	dw, dh := maxSide, max(1, h*maxSide/w)
	if h > w {
		dw, dh = max(1, w*maxSide/h), maxSide
	}
	return boxScale(img, b, dw, dh)
}

// boxScale draws the part src of img into a new dw × dh image: each target pixel
// is the average of the source pixels it covers (a larger source), or the one it
// falls on (a smaller one). Transparent parts show on white.
func boxScale(img image.Image, src image.Rectangle, dw, dh int) *image.RGBA {
	sw, sh := src.Dx(), src.Dy()
	at := pixelReader(img)
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		y0 := dy * sh / dh
		y1 := max(y0+1, (dy+1)*sh/dh)
		for dx := range dw {
			x0 := dx * sw / dw
			x1 := max(x0+1, (dx+1)*sw/dw)
			var r, g, bl, count int
			for y := y0; y < y1; y++ {
				for x := x0; x < x1; x++ {
					pr, pg, pb := at(src.Min.X+x, src.Min.Y+y)
					r, g, bl, count = r+int(pr), g+int(pg), bl+int(pb), count+1
				}
			}
			i := dst.PixOffset(dx, dy)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = uint8(r/count), uint8(g/count), uint8(bl/count), 0xFF // #nosec G115 -- averages of 8-bit values
		}
	}
	return dst
}
