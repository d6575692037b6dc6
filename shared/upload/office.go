package upload

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Office documents Kontor accepts, told apart by their content: Office Open XML
// (Word, Excel, PowerPoint without macros) and OpenDocument (text, spreadsheet,
// presentation). Both are ZIP archives; their names say nothing.
const (
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeODS  = "application/vnd.oasis.opendocument.spreadsheet"
	TypeODP  = "application/vnd.oasis.opendocument.presentation"
)

// Bounds of an office document's archive, checked before and while it is read: a
// ZIP bomb (a few kilobytes unpacking to gigabytes, or millions of entries) is
// refused from its directory, and each entry is read through a limit, so what its
// directory claims cannot be exceeded either.
const (
	MaxArchiveEntries = 2000
	MaxUnpackedBytes  = 200 << 20
	// maxManifestBytes bounds the one part that is parsed, [Content_Types].xml.
	maxManifestBytes = 1 << 20
)

// ooxmlMain names the content type of each Office Open XML document's main part,
// as [Content_Types].xml declares it. The macro-enabled variants (docm, xlsm,
// pptm) and templates declare other types and so are no document here.
var ooxmlMain = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   TypeDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         TypeXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": TypePPTX,
}

// odfTypes are the OpenDocument types taken, as their mimetype entry states them.
var odfTypes = map[string]bool{TypeODT: true, TypeODS: true, TypeODP: true}

// isDocument reports whether kind is an office document type.
func isDocument(kind string) bool {
	return odfTypes[kind] || kind == TypeDOCX || kind == TypeXLSX || kind == TypePPTX
}

// allowsDocuments reports whether the policy takes any office document.
func (p Policy) allowsDocuments() bool {
	for _, t := range p.Types {
		if isDocument(t) {
			return true
		}
	}
	return false
}

// documentType returns the office document type of data, or "" when it is none
// (or the policy takes none, so no archive is opened for it): a ZIP archive within
// the bounds above, every entry intact (its CRC checked as it is read), that is
// either an OpenDocument — its first entry "mimetype" stored uncompressed, naming
// one of the three types, with a content.xml and no macros (Basic/, Scripts/) — or
// an Office Open XML document, whose [Content_Types].xml names exactly one main
// part of a known type that the archive holds, and no macros (no VBA project, no
// ActiveX part, no macro-enabled main part).
func (p Policy) documentType(data []byte) string {
	if !p.allowsDocuments() || !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		return ""
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil || !withinBounds(zr) || !intact(zr) {
		return ""
	}
	if kind, ok := odfType(zr); ok {
		return kind
	}
	return ooxmlType(zr)
}

// withinBounds checks the archive's directory: few enough entries, and what they
// declare to unpack to within MaxUnpackedBytes in all.
func withinBounds(zr *zip.Reader) bool {
	if len(zr.File) == 0 || len(zr.File) > MaxArchiveEntries {
		return false
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if f.UncompressedSize64 > MaxUnpackedBytes || total > MaxUnpackedBytes {
			return false
		}
	}
	return true
}

// intact reads every entry to its end through a limit of what it declares (the
// archive reader fails an entry longer or shorter than declared, or with another
// CRC), so a damaged or lying archive is refused and no entry unpacks beyond the
// bounds. Nothing is kept in memory.
func intact(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if f.Flags&0x1 != 0 { // encrypted entry: its content cannot be checked
			return false
		}
		rc, err := f.Open()
		if err != nil {
			return false
		}
		n, err := io.Copy(io.Discard, io.LimitReader(rc, int64(f.UncompressedSize64)+1)) // #nosec G110 G115 -- bounded by the declared size, itself at most MaxUnpackedBytes (withinBounds)
		_ = rc.Close()
		if err != nil || uint64(n) != f.UncompressedSize64 { // #nosec G115 -- n is at most the declared size plus one
			return false
		}
	}
	return true
}

// odfType reads an OpenDocument's mimetype entry: ok when the archive is one
// (kind "" when it is one that is refused).
func odfType(zr *zip.Reader) (string, bool) {
	first := zr.File[0]
	if first.Name != "mimetype" {
		return "", false
	}
	body, err := readEntry(first, 100)
	if err != nil || first.Method != zip.Store || !odfTypes[string(body)] {
		return "", true
	}
	var content bool
	for _, f := range zr.File {
		name := strings.ToLower(f.Name)
		if strings.HasPrefix(name, "basic/") || strings.HasPrefix(name, "scripts/") {
			return "", true
		}
		content = content || f.Name == "content.xml"
	}
	if !content {
		return "", true
	}
	return string(body), true
}

// contentTypes is the part of [Content_Types].xml that is read.
type contentTypes struct {
	Defaults []struct {
		Extension   string `xml:"Extension,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Default"`
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

// ooxmlType reads an Office Open XML document's [Content_Types].xml.
func ooxmlType(zr *zip.Reader) string {
	names := map[string]*zip.File{}
	for _, f := range zr.File {
		names[f.Name] = f
		if strings.HasSuffix(strings.ToLower(f.Name), "vbaproject.bin") {
			return ""
		}
	}
	manifest, ok := names["[Content_Types].xml"]
	if !ok {
		return ""
	}
	body, err := readEntry(manifest, maxManifestBytes)
	if err != nil {
		return ""
	}
	var ct contentTypes
	if err := xml.Unmarshal(body, &ct); err != nil {
		return ""
	}
	for _, d := range ct.Defaults {
		if macro(d.ContentType) {
			return ""
		}
	}
	kind := ""
	for _, o := range ct.Overrides {
		if macro(o.ContentType) {
			return ""
		}
		t, main := ooxmlMain[o.ContentType]
		if !main {
			continue
		}
		if _, present := names[strings.TrimPrefix(o.PartName, "/")]; kind != "" || !present {
			return "" // two main parts, or one that is not there
		}
		kind = t
	}
	return kind
}

// macro reports whether a part's content type is executable content: a VBA
// project, an ActiveX control, or a macro-enabled main part.
func macro(contentType string) bool {
	c := strings.ToLower(contentType)
	return strings.Contains(c, "vbaproject") || strings.Contains(c, "activex") || strings.Contains(c, "macroenabled")
}

// readEntry reads an entry of at most limit bytes.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) { // #nosec G115 -- limit is a small positive constant
		return nil, errImage
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

// MaxFileName bounds a file's display name, in characters.
const MaxFileName = 120

// CleanFileName is the name a file is shown and served under, made from what the
// sender called it: without a path (only what follows the last / or \), without
// control or direction-changing characters, invalid UTF-8 or surrounding spaces and
// dots, at most MaxFileName characters (the extension kept). "" when nothing is
// left.
func CleanFileName(name string) string {
	name = strings.ToValidUTF8(name, "")
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError || unicode.In(r, unicode.Cf) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(name, " .")
	if utf8.RuneCountInString(name) <= MaxFileName {
		return name
	}
	ext := path.Ext(name)
	if utf8.RuneCountInString(ext) > 10 {
		ext = ""
	}
	stem := []rune(strings.TrimSuffix(name, ext))
	return strings.TrimRight(string(stem[:MaxFileName-utf8.RuneCountInString(ext)]), " .") + ext
}

// ContentDisposition is the Content-Disposition of a download served as an
// attachment under filename: an ASCII name for every client (other characters
// replaced by _), and the name as given in UTF-8 (RFC 6266, RFC 8187) where it
// has other characters.
func ContentDisposition(filename string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" .-_()+,", r)) {
			return r
		}
		return '_'
	}, filename)
	out := `attachment; filename="` + ascii + `"`
	if ascii != filename {
		out += "; filename*=UTF-8''" + percentEncode(filename)
	}
	return out
}

// percentEncode encodes every byte of s that is not an attr-char of RFC 8187.
func percentEncode(s string) string {
	var b strings.Builder
	for i := range len(s) {
		c := s[i]
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// documentExtensions are the file name extensions of the office document types.
var documentExtensions = map[string]string{
	TypeDOCX: ".docx", TypeXLSX: ".xlsx", TypePPTX: ".pptx",
	TypeODT: ".odt", TypeODS: ".ods", TypeODP: ".odp",
}
