package network

import (
	"testing"

	"kontor/shared/upload"
)

// Each declared type gets its own policy: exactly that type, within the limit of
// documents or images; anything else is no attachment.
func TestAttachmentPolicyIsTheDeclaredTypeWithinItsLimit(t *testing.T) {
	for _, ct := range DocumentTypes {
		p, ok := attachmentPolicy(ct)
		if !ok || p.MaxBytes != MaxDocumentBytes || len(p.Types) != 1 || p.Types[0] != ct || p.MaxSide != 0 {
			t.Errorf("%s: %+v %v", ct, p, ok)
		}
	}
	for _, ct := range ImageTypes {
		p, ok := attachmentPolicy(ct)
		if !ok || p.MaxBytes != MaxImageBytes || p.MaxPixels != MaxAttachmentPixels || p.MaxSide != MaxImageSide || p.Types[0] != ct {
			t.Errorf("%s: %+v %v", ct, p, ok)
		}
	}
	for _, ct := range []string{"", "application/zip", "application/vnd.ms-word.document.macroEnabled.12", "image/gif", "text/html"} {
		if _, ok := attachmentPolicy(ct); ok {
			t.Errorf("%q is taken", ct)
		}
	}
}

// A file is served under its name with the extension of its detected type: one of
// another type taken here is replaced, any other name gets it added.
func TestDownloadNameEndsInTheDetectedType(t *testing.T) {
	for _, c := range []struct{ name, ct, want string }{
		{"Protokoll.pdf", upload.TypePDF, "Protokoll.pdf"},
		{"Protokoll.PDF", upload.TypePDF, "Protokoll.PDF"},
		{"Foto.jpeg", upload.TypeJPEG, "Foto.jpeg"},
		{"Foto", upload.TypeJPEG, "Foto.jpg"},
		{"Liste.pdf.exe", upload.TypeXLSX, "Liste.pdf.exe.xlsx"},
		{"Folien.odp", upload.TypeODP, "Folien.odp"},
		{"Panorama.WebP", upload.TypePNG, "Panorama.png"},
		{"Scan.jpeg", upload.TypePNG, "Scan.png"},
		{"Bericht.docx", upload.TypePDF, "Bericht.pdf"},
	} {
		if got := downloadName(Attachment{FileName: c.name, ContentType: c.ct}); got != c.want {
			t.Errorf("%s as %s: %q, want %q", c.name, c.ct, got, c.want)
		}
	}
}
