package integration

import (
	"archive/zip"
	"bytes"
	"context"
	"image"
	"image/color"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/network"
	uploads "kontor/shared/upload"
	"kontor/shared/upload/imagetest"
)

// attachmentObjects lists the keys of a post's objects in the picture bucket,
// staged and checked.
func attachmentObjects(t *testing.T, postID string) []string {
	t.Helper()
	return bucketKeys(t, "PictureBucket", network.AttachmentStaging+postID+"/", "attachments/"+postID+"/")
}

// newAttachment is the answer to a declaration.
type newAttachment struct {
	Attachment struct {
		ID          string `json:"id"`
		FileName    string `json:"fileName"`
		ContentType string `json:"contentType"`
		Size        int64  `json:"size"`
	} `json:"attachment"`
	Upload uploads.URL `json:"upload"`
}

// declareAttachment declares a file of size bytes on a post.
func declareAttachment(t *testing.T, c *client, postID, name, contentType string, size int) newAttachment {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/posts/"+postID+"/attachments", map[string]any{"fileName": name, "contentType": contentType, "size": size})
	want(t, r, http.StatusCreated)
	var na newAttachment
	r.json(t, &na)
	return na
}

// sendAttachment declares data as contentType under name, sends it to its upload
// URL and asks for the check; it returns the declaration and the check's answer.
func sendAttachment(t *testing.T, c *client, postID, name, contentType string, data []byte) (newAttachment, response) {
	t.Helper()
	na := declareAttachment(t, c, postID, name, contentType, len(data))
	put(t, na.Upload, data)
	return na, completeAttachment(c, postID, na.Attachment.ID)
}

func completeAttachment(c *client, postID, id string) response {
	return c.do(http.MethodPost, "/v1/posts/"+postID+"/attachments/"+id+"/complete", nil)
}

// attachmentLink asks for a download link as c.
func attachmentLink(t *testing.T, c *client, postID, id string) map[string]any {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/posts/"+postID+"/attachments/"+id, nil)
	want(t, r, http.StatusOK)
	return object(t, r)
}

// downloadFile follows a download link and returns the body and the headers.
func downloadFile(t *testing.T, url string) ([]byte, http.Header) {
	t.Helper()
	resp, err := http.Get(url) // #nosec G107 -- a link the stack presigned
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("download %d: %s", resp.StatusCode, b)
	}
	return b, resp.Header
}

// shown lists the attachments a reader sees on a post.
func shown(t *testing.T, c *client, postID string) []any {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/posts/"+postID, nil)
	want(t, r, http.StatusOK)
	as, _ := object(t, r)["attachments"].([]any)
	return as
}

// docxFile is a small Word document built as Word writes one; docmFile the same
// with macros.
var (
	docxFile = officeZip(map[string]string{"word/document.xml": "<w:document>Tagesordnung</w:document>"},
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")
	docmFile = officeZip(map[string]string{"word/document.xml": "<w:document/>", "word/vbaProject.bin": "Attribute VB_Name"},
		"application/vnd.ms-word.document.macroEnabled.main+xml")
)

func officeZip(parts map[string]string, mainType string) []byte {
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	add := func(name, body string) {
		f, err := w.Create(name)
		if err != nil {
			panic(err)
		}
		_, _ = f.Write([]byte(body))
	}
	add("[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="`+mainType+`"/></Types>`)
	for name, body := range parts {
		add(name, body)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// stageDirectly writes data to a staging key as a client that ignores the signed
// length would (the emulator does not hold uploads to it), encrypted as signed.
func stageDirectly(t *testing.T, key string, data []byte) {
	t.Helper()
	stageIn(t, "PictureBucket", "NetworkKey", key, data)
}

// stageIn writes data to key in a stack bucket, encrypted with a stack key, as a
// client that ignores an upload URL's signed length would.
func stageIn(t *testing.T, bucket, kmsKey, key string, data []byte) {
	t.Helper()
	arn, err := stack.Resolve(kmsKey, "Arn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s3Client().PutObject(context.Background(), &s3.PutObjectInput{Bucket: aws.String(stack.Name(bucket)), Key: aws.String(key),
		Body: bytes.NewReader(data), ServerSideEncryption: "aws:kms", SSEKMSKeyId: aws.String(arn), BucketKeyEnabled: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
}

// Promise: HKC-6 — files on posts: a PDF, a Word document, a JPEG with EXIF GPS
// and a WebP too wide are checked by content and downloaded by another member (the
// JPEG re-encoded without APP1, the WebP as a PNG within 2,048 pixels a side, its
// aspect kept); the post lists them without links; a non-member, an account
// without the role and a member removed from the group get 404 for the link; a
// file whose bytes do not match its declaration (a ZIP declared as PDF, a docm
// declared as docx, more bytes than declared) is refused and gone; a completion
// replayed is refused and changes nothing, nor does the upload URL used again;
// moderators remove a file with a reason; deleting the post deletes its files.
func TestGroupsAttachmentsAreCheckedLinkedAndGoWithThePost(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	author, _ := groupMember(t, "Anna")
	reader, readerID := groupMember(t, "Rolf")
	moderator, moderatorID := groupMember(t, "Moritz")
	stranger, _ := groupMember(t, "Sven")
	outsider, _ := signUp(t, "nonetworkattach")
	group := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Zoll und Export", "moderators": []string{moderatorID}})
	for _, c := range []*client{author, reader} {
		want(t, c.do(http.MethodPut, "/v1/groups/"+group+"/members/"+profile(t, c).ID, nil), http.StatusCreated)
	}
	postID := post(t, author, group, "Unterlagen zur Sitzung")

	// Declarations outside the limits store nothing.
	base := "/v1/posts/" + postID + "/attachments"
	want(t, author.do(http.MethodPost, base, map[string]any{"fileName": "a.exe", "contentType": "application/x-msdownload", "size": 10}), http.StatusUnsupportedMediaType, "attachment_type_not_allowed")
	want(t, author.do(http.MethodPost, base, map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": network.MaxDocumentBytes + 1}), http.StatusRequestEntityTooLarge, "attachment_too_large")
	want(t, author.do(http.MethodPost, base, map[string]any{"fileName": "a.jpg", "contentType": "image/jpeg", "size": network.MaxImageBytes + 1}), http.StatusRequestEntityTooLarge, "attachment_too_large")
	// Only the author adds files: another member 403, a non-member 404.
	want(t, reader.do(http.MethodPost, base, map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": 10}), http.StatusForbidden, "forbidden")
	want(t, stranger.do(http.MethodPost, base, map[string]any{"fileName": "a.pdf", "contentType": "application/pdf", "size": 10}), http.StatusNotFound, "not_found")
	if keys := attachmentObjects(t, postID); len(keys) != 0 || len(shown(t, author, postID)) != 0 {
		t.Fatalf("refused declarations left %v", keys)
	}

	// A PDF, a Word document and a JPEG with a GPS position go through.
	pdf, r := sendAttachment(t, author, postID, `..\..\Protokoll`+"\u202e"+`fdp.pdf`, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)
	if a := object(t, r); a["fileName"] != "Protokollfdp.pdf" || a["contentType"] != "application/pdf" {
		t.Fatalf("checked PDF %v", a)
	}
	docx, r := sendAttachment(t, author, postID, "Tagesordnung.docx", uploads.TypeDOCX, docxFile)
	want(t, r, http.StatusOK)
	if !hasAPP1(jpegFile) || !bytes.Contains(jpegFile, []byte("GPS")) {
		t.Fatal("the test photo has no EXIF GPS segment")
	}
	photo, r := sendAttachment(t, author, postID, "Grüße aus Halle.jpg", "image/jpeg", jpegFile)
	want(t, r, http.StatusOK)
	// A WebP of 3000 × 1000 pixels with EXIF and XMP: kept as a PNG within 2,048
	// pixels a side, its aspect kept, nothing of its metadata.
	wide := imagetest.WebP(3000, 1000, color.NRGBA{R: 0x20, G: 0x60, B: 0xC0, A: 0xFF},
		[]byte("Exif\x00\x00MM\x00*GPS 53.55N 9.99E Lindenstrasse 4"), []byte(`<x:xmpmeta xmlns:x="adobe:ns:meta/">Lindenstrasse 4</x:xmpmeta>`))
	panorama, r := sendAttachment(t, author, postID, "Panorama.webp", "image/webp", wide)
	want(t, r, http.StatusOK)
	if a := object(t, r); a["contentType"] != "image/png" {
		t.Fatalf("checked WebP %v", a)
	}

	// The post lists them, without links, to every reader.
	as := shown(t, reader, postID)
	if len(as) != 4 || strings.Contains(toJSON(t, as), "http") {
		t.Fatalf("attachments as listed: %v", as)
	}
	if first := as[0].(map[string]any); first["id"] != pdf.Attachment.ID || first["size"] != float64(len(pdfFile)) {
		t.Fatalf("first attachment %v", first)
	}
	feed, _ := listOf(t, reader.do(http.MethodGet, "/v1/feed", nil), "posts")
	if len(feed) == 0 || len(feed[0]["attachments"].([]any)) != 4 {
		t.Fatalf("the feed does not list the files: %v", feed)
	}

	// Another member downloads each: the PDF and the document as sent, the photo
	// re-encoded without APP1 or GPS, each as an attachment of its detected type.
	l := attachmentLink(t, reader, postID, pdf.Attachment.ID)
	if !strings.Contains(l["url"].(string), "X-Amz-Expires=300") || l["expiresAt"] == nil {
		t.Fatalf("link %v", l)
	}
	body, h := downloadFile(t, l["url"].(string))
	if !bytes.Equal(body, pdfFile) || h.Get("Content-Type") != "application/pdf" || h.Get("Content-Disposition") != `attachment; filename="Protokollfdp.pdf"` {
		t.Fatalf("PDF served as %v", h)
	}
	body, h = downloadFile(t, attachmentLink(t, reader, postID, docx.Attachment.ID)["url"].(string))
	if !bytes.Equal(body, docxFile) || h.Get("Content-Type") != uploads.TypeDOCX {
		t.Fatalf("document served as %v", h)
	}
	body, h = downloadFile(t, attachmentLink(t, reader, postID, photo.Attachment.ID)["url"].(string))
	if hasAPP1(body) || bytes.Contains(body, []byte("GPS")) || h.Get("Content-Type") != "image/jpeg" ||
		!strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''Gr%C3%BC%C3%9Fe%20aus%20Halle.jpg") {
		t.Fatalf("photo served with metadata or as %v", h)
	}
	body, h = downloadFile(t, attachmentLink(t, reader, postID, panorama.Attachment.ID)["url"].(string))
	cfg, format, err := image.DecodeConfig(bytes.NewReader(body))
	if err != nil || format != "png" || cfg.Width != 2048 || cfg.Height != 682 || h.Get("Content-Type") != "image/png" ||
		!strings.Contains(h.Get("Content-Disposition"), `filename="Panorama.png"`) {
		t.Fatalf("WebP kept as %s %d×%d (%v), served as %v", format, cfg.Width, cfg.Height, err, h)
	}
	for _, leak := range []string{"GPS", "xmpmeta", "Lindenstrasse", "RIFF"} {
		if bytes.Contains(body, []byte(leak)) {
			t.Fatalf("the WebP kept %q", leak)
		}
	}

	// Non-members and accounts without the role get 404; so does a member once
	// removed, at once.
	link := "/v1/posts/" + postID + "/attachments/" + pdf.Attachment.ID
	want(t, stranger.do(http.MethodGet, link, nil), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodGet, link, nil), http.StatusNotFound, "not_found")
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+group+"/members/"+readerID, nil), http.StatusNoContent)
	want(t, reader.do(http.MethodGet, link, nil), http.StatusNotFound, "not_found")
	want(t, reader.do(http.MethodGet, "/v1/posts/"+postID+"/attachments/"+photo.Attachment.ID, nil), http.StatusNotFound, "not_found")

	// A completion replayed is refused and changes nothing; the upload URL used
	// again (refused by storage, or landing in staging) changes nothing either.
	want(t, completeAttachment(author, postID, pdf.Attachment.ID), http.StatusConflict, "attachment_complete")
	other := append(bytes.Clone(pdfFile[:len(pdfFile)-40]), bytes.Repeat([]byte("y"), 40)...)
	req, _ := http.NewRequest(pdf.Upload.Method, pdf.Upload.URL, bytes.NewReader(other))
	for k, v := range pdf.Upload.Headers {
		req.Header.Set(k, v)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	want(t, completeAttachment(author, postID, pdf.Attachment.ID), http.StatusConflict, "attachment_complete")
	if body, _ := downloadFile(t, attachmentLink(t, author, postID, pdf.Attachment.ID)["url"].(string)); !bytes.Equal(body, pdfFile) {
		t.Fatal("the upload URL used again changed the file")
	}

	// Bytes that do not match the declaration are refused and gone: a ZIP declared
	// as PDF, a docm declared as docx, more bytes than declared.
	before := attachmentObjects(t, postID)
	zipped := officeZip(map[string]string{"Protokoll.pdf": string(pdfFile)}, "application/xml")
	for _, c := range []struct {
		name, declared string
		data           []byte
		status         int
		code           string
	}{
		{"zip as pdf", "application/pdf", zipped, http.StatusUnsupportedMediaType, "attachment_type_not_allowed"},
		{"docm as docx", uploads.TypeDOCX, docmFile, http.StatusUnsupportedMediaType, "attachment_type_not_allowed"},
		{"pdf as jpeg", "image/jpeg", pdfFile, http.StatusUnsupportedMediaType, "attachment_type_not_allowed"},
	} {
		na, r := sendAttachment(t, author, postID, c.name, c.declared, c.data)
		want(t, r, c.status, c.code)
		if keys := attachmentObjects(t, postID); len(keys) != len(before) {
			t.Fatalf("%s: objects %v after the refusal, want %v", c.name, keys, before)
		}
		want(t, completeAttachment(author, postID, na.Attachment.ID), http.StatusNotFound, "not_found")
	}
	larger := declareAttachment(t, author, postID, "kurz.pdf", "application/pdf", len(pdfFile)-10)
	stageDirectly(t, network.AttachmentStaging+postID+"/"+larger.Attachment.ID, pdfFile)
	want(t, completeAttachment(author, postID, larger.Attachment.ID), http.StatusBadRequest, "attachment_not_accepted")
	if keys := attachmentObjects(t, postID); len(keys) != len(before) || len(shown(t, author, postID)) != 4 {
		t.Fatalf("the larger file was left behind: %v", keys)
	}
	// Not uploaded yet: it waits.
	waiting := declareAttachment(t, author, postID, "später.odt", uploads.TypeODT, 100)
	want(t, completeAttachment(author, postID, waiting.Attachment.ID), http.StatusConflict, "attachment_not_uploaded")

	// At most ten files a post, counting those declared.
	for range network.MaxAttachments - 5 {
		declareAttachment(t, author, postID, "x.pdf", "application/pdf", 100)
	}
	want(t, author.do(http.MethodPost, base, map[string]any{"fileName": "y.pdf", "contentType": "application/pdf", "size": 100}), http.StatusConflict, "too_many_attachments")

	// Editing the post keeps its files.
	want(t, author.do(http.MethodPatch, "/v1/posts/"+postID, map[string]any{"version": 1, "text": "Unterlagen (ergänzt)"}), http.StatusOK)
	if len(shown(t, author, postID)) != 4 {
		t.Fatal("editing the post lost its files")
	}

	// A moderator removes a file with a reason only; its objects go at once.
	photoPath := "/v1/posts/" + postID + "/attachments/" + photo.Attachment.ID
	want(t, moderator.do(http.MethodDelete, photoPath, nil), http.StatusBadRequest, "validation_failed")
	want(t, moderator.do(http.MethodDelete, photoPath+"?reason=off_topic", nil), http.StatusNoContent)
	want(t, author.do(http.MethodGet, photoPath, nil), http.StatusNotFound, "not_found")
	for _, k := range attachmentObjects(t, postID) {
		if strings.Contains(k, photo.Attachment.ID) {
			t.Fatalf("the removed photo's object %s is still there", k)
		}
	}

	// Deleting the post deletes every object of its files, staged and checked.
	want(t, author.do(http.MethodDelete, "/v1/posts/"+postID, nil), http.StatusNoContent)
	if keys := attachmentObjects(t, postID); len(keys) != 0 {
		t.Fatalf("after the post's deletion: %v", keys)
	}
}

// Promise: HKC-14 — files stay with the post of a member who left the network,
// and nothing of them names the uploader; the export holds the member's files
// with links valid 15 minutes; deleting the group deletes them.
func TestGroupsAttachmentsStayWithoutUploaderAndLeaveWithTheGroup(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	author, authorID := groupMember(t, "Paula")
	reader, _ := groupMember(t, "Rudi")
	group := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Handwerk"})
	for _, c := range []*client{author, reader} {
		want(t, c.do(http.MethodPut, "/v1/groups/"+group+"/members/"+profile(t, c).ID, nil), http.StatusCreated)
	}
	postID := post(t, author, group, "Preisliste")
	na, r := sendAttachment(t, author, postID, "Preise 2027.pdf", "application/pdf", pdfFile)
	want(t, r, http.StatusOK)

	var exported string
	for _, cat := range export(t, author).Categories {
		if cat.ID == "network.attachments" {
			exported = toJSON(t, cat.Data)
		}
	}
	if !strings.Contains(exported, "X-Amz-Expires=900") || !strings.Contains(exported, "Preise 2027.pdf") || !strings.Contains(exported, na.Attachment.ID) {
		t.Fatalf("export of the files: %s", exported)
	}

	want(t, author.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	r = reader.do(http.MethodGet, "/v1/posts/"+postID, nil)
	want(t, r, http.StatusOK)
	p := object(t, r)
	if a := p["author"].(map[string]any); a["former"] != true || len(p["attachments"].([]any)) != 1 {
		t.Fatalf("after the deactivation: %v", p)
	}
	if body, _ := downloadFile(t, attachmentLink(t, reader, postID, na.Attachment.ID)["url"].(string)); !bytes.Equal(body, pdfFile) {
		t.Fatal("the file did not stay with the post")
	}
	if strings.Contains(toJSON(t, p), authorID) {
		t.Fatal("the post names its former author")
	}
	for _, k := range attachmentObjects(t, postID) {
		head, err := s3Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(stack.Name("PictureBucket")), Key: aws.String(k)})
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(k, authorID) || strings.Contains(toJSON(t, head.Metadata), authorID) {
			t.Fatalf("%s names the uploader", k)
		}
	}

	want(t, staff.do(http.MethodDelete, "/v1/groups/"+group, nil), http.StatusNoContent)
	if keys := attachmentObjects(t, postID); len(keys) != 0 {
		t.Fatalf("after the group's deletion: %v", keys)
	}
}
