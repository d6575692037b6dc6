package upload

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"
)

// documents is a policy taking every document type and images, as attachments do.
var documents = Policy{
	Types:    []string{TypePDF, TypeJPEG, TypePNG, TypeDOCX, TypeXLSX, TypePPTX, TypeODT, TypeODS, TypeODP},
	MaxBytes: 20 << 20, MaxPixels: 40_000_000, MaxSide: 64,
}

// entry is one file of a test archive; stored entries are not compressed.
type entry struct {
	name, body string
	stored     bool
}

// archive writes a ZIP of the entries, in order.
func archive(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		if e.stored {
			h.Method = zip.Store
		}
		f, err := w.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// contentTypesXML is a [Content_Types].xml naming main part part of type ct.
func contentTypesXML(part, ct string, more ...string) string {
	return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="` + part + `" ContentType="` + ct + `"/>` + strings.Join(more, "") + `
</Types>`
}

// ooxml is an Office Open XML document with main part part of type ct.
func ooxml(t testing.TB, part, ct string, extra ...entry) []byte {
	t.Helper()
	es := []entry{
		{name: "[Content_Types].xml", body: contentTypesXML(part, ct)},
		{name: "_rels/.rels", body: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="` + part[1:] + `"/></Relationships>`},
		{name: part[1:], body: "<document>Hallo</document>"},
	}
	return archive(t, append(es, extra...)...)
}

// odf is an OpenDocument of type mimetype, its mimetype entry stored or not.
func odf(t testing.TB, mimetype string, stored bool, extra ...entry) []byte {
	t.Helper()
	es := []entry{
		{name: "mimetype", body: mimetype, stored: stored},
		{name: "content.xml", body: "<office:document-content>Hallo</office:document-content>"},
		{name: "META-INF/manifest.xml", body: "<manifest:manifest/>"},
	}
	return archive(t, append(es, extra...)...)
}

const (
	wordMain  = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	excelMain = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	slideMain = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)

// Office and OpenDocument files are told by their content, whatever their name:
// each of the six kinds is recognised and kept byte for byte.
func TestCheckTellsOfficeDocumentsByContent(t *testing.T) {
	for want, data := range map[string][]byte{
		TypeDOCX: ooxml(t, "/word/document.xml", wordMain),
		TypeXLSX: ooxml(t, "/xl/workbook.xml", excelMain),
		TypePPTX: ooxml(t, "/ppt/presentation.xml", slideMain),
		TypeODT:  odf(t, TypeODT, true),
		TypeODS:  odf(t, TypeODS, true),
		TypeODP:  odf(t, TypeODP, true),
	} {
		kind, out, err := documents.Check(data)
		if err != nil || kind != want || !bytes.Equal(out, data) {
			t.Errorf("%s: got %q, %v", want, kind, err)
		}
		// A policy that does not take the type refuses it.
		if _, _, err := (Policy{Types: []string{TypePDF}, MaxBytes: 1 << 20}).Check(data); !isReason(err, TypeNotAllowed) {
			t.Errorf("%s passes a PDF-only policy: %v", want, err)
		}
		if Extension(want) == "" {
			t.Errorf("%s has no extension", want)
		}
	}
}

// Macro-enabled variants, templates, ZIPs that are no document, damaged and
// encrypted-looking archives are refused.
func TestCheckRefusesMacrosAndArchivesThatAreNoDocument(t *testing.T) {
	docx := ooxml(t, "/word/document.xml", wordMain)
	damaged := bytes.Clone(docx)
	damaged[len(docx)/2] ^= 0xFF
	for name, data := range map[string][]byte{
		"docm": ooxml(t, "/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml",
			entry{name: "word/vbaProject.bin", body: "\xd0\xcf\x11\xe0 Attribute VB_Name"}),
		"docm without its project": ooxml(t, "/word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml"),
		"xlsm":                     ooxml(t, "/xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
		"pptm":                     ooxml(t, "/ppt/presentation.xml", "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"),
		"docx with a VBA project":  ooxml(t, "/word/document.xml", wordMain, entry{name: "word/vbaProject.bin", body: "VBA"}),
		"docx with ActiveX": archive(t, entry{name: "[Content_Types].xml", body: contentTypesXML("/word/document.xml", wordMain,
			`<Override PartName="/word/activeX/activeX1.xml" ContentType="application/vnd.ms-office.activeX+xml"/>`)},
			entry{name: "word/document.xml", body: "<d/>"}),
		"dotx template":           ooxml(t, "/word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
		"main part missing":       archive(t, entry{name: "[Content_Types].xml", body: contentTypesXML("/word/document.xml", wordMain)}),
		"two main parts":          archive(t, entry{name: "[Content_Types].xml", body: contentTypesXML("/word/document.xml", wordMain, `<Override PartName="/xl/workbook.xml" ContentType="`+excelMain+`"/>`)}, entry{name: "word/document.xml", body: "<d/>"}, entry{name: "xl/workbook.xml", body: "<w/>"}),
		"manifest not XML":        archive(t, entry{name: "[Content_Types].xml", body: "<Types"}, entry{name: "word/document.xml", body: "<d/>"}),
		"plain zip":               archive(t, entry{name: "report.pdf", body: string(PDF)}, entry{name: "notes.txt", body: "hello"}),
		"odt mimetype compressed": odf(t, TypeODT, false),
		"odt mimetype not first":  archive(t, entry{name: "content.xml", body: "<c/>"}, entry{name: "mimetype", body: TypeODT, stored: true}),
		"odt of another type":     odf(t, "application/vnd.oasis.opendocument.graphics", true),
		"odt without content":     archive(t, entry{name: "mimetype", body: TypeODT, stored: true}),
		"odt with Basic macros":   odf(t, TypeODT, true, entry{name: "Basic/Standard/Module1.xml", body: "Sub Main"}),
		"odt with scripts":        odf(t, TypeODT, true, entry{name: "Scripts/python/run.py", body: "import os"}),
		"damaged":                 damaged,
		"truncated":               docx[:len(docx)-30],
		"empty zip":               archive(t),
	} {
		if _, _, err := documents.Check(data); !isReason(err, TypeNotAllowed) {
			t.Errorf("%s: %v, want refused as no allowed type", name, err)
		}
	}
}

// Promise: HKC-6 — a ZIP bomb is refused from its directory or while it is read
// through a limit: entries declaring more than 200 MB in all, more than 2,000
// entries, and an entry whose directory understates what it unpacks to. None
// costs more than a few megabytes to refuse.
func TestCheckRefusesZipBombs(t *testing.T) {
	// 201 MB of zeros deflate to about 200 kB.
	zeros := strings.Repeat("\x00", 201<<20)
	big := ooxml(t, "/word/document.xml", wordMain, entry{name: "word/media/zeros.bin", body: zeros})
	many := make([]entry, 0, MaxArchiveEntries+1)
	for i := range MaxArchiveEntries + 1 {
		many = append(many, entry{name: fmt.Sprintf("word/e%d.xml", i), body: "x"})
	}
	// An entry whose central directory claims a small size but unpacks to more.
	lying := ooxml(t, "/word/document.xml", wordMain, entry{name: "word/media/big.bin", body: strings.Repeat("A", 1<<20)})
	lying = understate(t, lying, "word/media/big.bin", 10)
	for name, data := range map[string][]byte{
		"201 MB unpacked":  big,
		"too many entries": ooxml(t, "/word/document.xml", wordMain, many...),
		"understated size": lying,
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		_, _, err := documents.Check(data)
		runtime.ReadMemStats(&after)
		if !isReason(err, TypeNotAllowed) {
			t.Errorf("%s (%d bytes): %v, want refused", name, len(data), err)
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 8<<20 {
			t.Errorf("%s: refusing it allocated %d bytes", name, grown)
		}
	}
}

// understate rewrites the uncompressed size of entry name in a ZIP's central
// directory (and local header) to size.
func understate(t *testing.T, data []byte, name string, size uint32) []byte {
	t.Helper()
	out := bytes.Clone(data)
	for _, sig := range []struct {
		magic      string
		sizeAt     int
		nameLenAt  int
		nameAt     int
		descriptor bool
	}{{"PK\x01\x02", 24, 28, 46, false}, {"PK\x03\x04", 22, 26, 30, true}} {
		for i := 0; ; {
			j := bytes.Index(out[i:], []byte(sig.magic))
			if j < 0 {
				break
			}
			p := i + j
			n := int(out[p+sig.nameLenAt]) | int(out[p+sig.nameLenAt+1])<<8
			if string(out[p+sig.nameAt:p+sig.nameAt+n]) == name {
				out[p+sig.sizeAt], out[p+sig.sizeAt+1], out[p+sig.sizeAt+2], out[p+sig.sizeAt+3] = byte(size), byte(size>>8), byte(size>>16), byte(size>>24) // #nosec G115 -- the four bytes of a uint32
			}
			i = p + 4
		}
	}
	return out
}

// Images are kept as fresh pixels within MaxSide, their aspect kept: a 40×20
// JPEG under a 16-pixel bound becomes 16×8, a 10×30 PNG 5×16 (here at 16);
// nothing of the EXIF or text chunks survives; a smaller image keeps its size.
func TestCheckBoundsImagesKeepingTheirAspect(t *testing.T) {
	p := Policy{Types: []string{TypeJPEG, TypePNG}, MaxBytes: 1 << 20, MaxPixels: 1 << 20, MaxSide: 16}
	for name, c := range map[string]struct {
		data []byte
		w, h int
	}{
		"wide jpeg":     {testJPEG(t, 1), 16, 8},
		"upright jpeg":  {testJPEG(t, 6), 8, 16},
		"tall png":      {testPNG(t, 10, 30), 5, 16},
		"small png":     {testPNG(t, 12, 9), 12, 9},
		"unbounded png": {testPNG(t, 30, 10), 16, 5},
	} {
		kind, out, err := p.Check(c.data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || "image/"+format != kind || cfg.Width != c.w || cfg.Height != c.h {
			t.Errorf("%s: %s %d×%d (%v), want %d×%d", name, format, cfg.Width, cfg.Height, err, c.w, c.h)
		}
		for _, leak := range []string{"Exif", "GPS", "Hauptstrasse"} {
			if bytes.Contains(out, []byte(leak)) {
				t.Errorf("%s keeps %q", name, leak)
			}
		}
	}
	// Without a bound the size stays.
	_, out, _ := policy.Check(testPNG(t, 30, 10))
	if img, _ := png.Decode(bytes.NewReader(out)); img.Bounds().Dx() != 30 {
		t.Fatalf("an unbounded policy changed the size: %v", img.Bounds())
	}
	// The bound keeps what the picture shows: the left of the wide JPEG stays red.
	_, out, _ = p.Check(testJPEG(t, 1))
	img, _ := jpeg.Decode(bytes.NewReader(out))
	if r, _, b, _ := img.At(2, 4).RGBA(); r < b {
		t.Fatalf("left of the scaled picture is not red: r %d b %d", r, b)
	}
}

// File names are shown without paths, control or direction characters, and
// bounded; the download header names them in ASCII and, when needed, UTF-8.
func TestCleanFileNameAndContentDisposition(t *testing.T) {
	long := strings.Repeat("ä", 200) + ".pdf"
	for in, want := range map[string]string{
		"Bericht 2026.pdf":                "Bericht 2026.pdf",
		"../../etc/passwd":                "passwd",
		`C:\Users\mia\Protokoll.docx`:     "Protokoll.docx",
		"Rechnung\u202Efdp.exe":           "Rechnungfdp.exe",
		"a\x00b\nc\td.odt":                "abcd.odt",
		"  .hidden. ":                     "hidden",
		"\xff\xfeName.pdf":                "Name.pdf",
		"/":                               "",
		long:                              strings.Repeat("ä", MaxFileName-4) + ".pdf",
		"Zoll\u200b.pdf":                  "Zoll.pdf",
		"Grüße & \"Tarife\"; 2027.xlsx":   "Grüße & \"Tarife\"; 2027.xlsx",
		strings.Repeat("x", 130) + ".odt": strings.Repeat("x", MaxFileName-4) + ".odt",
	} {
		if got := CleanFileName(in); got != want {
			t.Errorf("CleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"invoice-1.pdf":                 `attachment; filename="invoice-1.pdf"`,
		"Grüße & \"Tarife\"; 2027.xlsx": `attachment; filename="Gr__e _ _Tarife__ 2027.xlsx"; filename*=UTF-8''Gr%C3%BC%C3%9Fe%20&%20%22Tarife%22%3B%202027.xlsx`,
	} {
		if got := ContentDisposition(in); got != want {
			t.Errorf("ContentDisposition(%q) = %s, want %s", in, got, want)
		}
	}
}

// Whatever bytes arrive as a document, Check refuses them as an upload or
// returns a document type with the bytes unchanged; never a panic or another
// error.
func FuzzCheckDocument(f *testing.F) {
	f.Add(ooxml(f, "/word/document.xml", wordMain))
	f.Add(odf(f, TypeODS, true))
	f.Add(archive(f, entry{name: "a", body: "b"}))
	f.Add([]byte("PK\x03\x04"))
	small := Policy{Types: documents.Types, MaxBytes: 1 << 16, MaxPixels: 1 << 16, MaxSide: 32}
	f.Fuzz(func(t *testing.T, data []byte) {
		kind, out, err := small.Check(data)
		if err != nil {
			if _, ok := AsRejected(err); !ok {
				t.Fatalf("Check: %v is not a rejection", err)
			}
			return
		}
		if isDocument(kind) && !bytes.Equal(out, data) {
			t.Fatalf("%s changed", kind)
		}
	})
}
