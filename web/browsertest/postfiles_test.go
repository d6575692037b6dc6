package browsertest

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// attachmentBucket is where the uploads and downloads of files on posts lead on
// the local stack (the picture bucket, path style).
func attachmentBucket() string {
	return stack.EndpointURL + "/" + stack.Name("PictureBucket") + "/attachments/"
}

// smallPNG is a real 60×40 PNG of two colours.
func smallPNG(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, gradient(60, 40)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// attach puts the file (data as name) into the post's file field and submits its form.
func (tb *tab) attach(postID, name string, data []byte) {
	tb.t.Helper()
	tb.do(chromedp.SetUploadFiles(css("#post-"+postID+"-file"), []string{writeFile(tb.t, name, data)}))
	tb.submit("post-" + postID + "-attach")
}

// fileID is the id of the post's file item whose text names name ("" when none).
func (tb *tab) fileID(postID, name string) string {
	return strings.TrimPrefix(tb.eval(`(([...document.querySelectorAll('#post-`+postID+` .post-files > li')].find((li) => li.textContent.includes(`+jsString(name)+`)) || {}).id || '')`), "file-")
}

// A member writes a post and attaches a PDF and a PNG to it (double clicks send
// one declaration; an image over 10 MB is refused in the browser before
// anything is sent; an .exe named .pdf is refused by the check after upload,
// next to the field; a 429 shows there with when to try again); another member
// sees both, downloads the PDF byte for byte, and is told "not found or no
// access" for a file the author removed meanwhile; staff remove the PDF with a
// reason.
func TestNetworkPostFilesAttachedDownloadedRemoved(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"size": "größer als 10 MB", "refused": "Die Prüfung nach dem Hochladen hat „tool.pdf“ abgelehnt", "pdf": "PDF-Dokument",
			"png": "PNG-Bild", "added": "ist angehängt", "removed": "„map.png“ wurde gelöscht", "missing": "nicht gefunden oder Sie haben keinen Zugriff",
			"busy": "Zu viele Versuche.", "later": "in 2 Minuten erneut", "reason": "Wählen Sie einen Grund", "pdfRemoved": "„plan.pdf“ wurde gelöscht"},
		"en": {"size": "larger than 10 MB", "refused": "The check after the upload refused “tool.pdf”", "pdf": "PDF document",
			"png": "PNG image", "added": "is attached", "removed": "“map.png” was deleted", "missing": "not found or you have no access",
			"busy": "Too many attempts.", "later": "try again in 2 minutes", "reason": "Choose a reason", "pdfRemoved": "“plan.pdf” was deleted"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			staff, _, staffAPI := groupMember(t, l.lang, "Stefanie", "staff")
			author, authorID, authorAPI := groupMember(t, l.lang, "Anton")
			reader, readerID, readerAPI := groupMember(t, l.lang, "Berta")
			var g struct{ ID string }
			staffAPI.call(http.MethodPost, "/v1/groups", map[string]any{"kind": "group", "access": "open", "name": "Dateien " + l.lang + " " + uuid()[:8]}, http.StatusCreated, &g)
			authorAPI.call(http.MethodPut, "/v1/groups/"+g.ID+"/members/"+authorID, map[string]any{}, http.StatusCreated, nil)
			readerAPI.call(http.MethodPut, "/v1/groups/"+g.ID+"/members/"+readerID, map[string]any{}, http.StatusCreated, nil)

			// The author writes a post; it comes with the field to attach files.
			at := networkPage(t, l.accept, l.lang, author, "group?id="+g.ID)
			at.allow(attachmentBucket())
			at.visible("#post-form")
			at.fill("post-text", "Die Unterlagen zum Treffen")
			at.submit("post-form")
			at.waitFor(`document.querySelector('#posts > li.post form[id$="-attach"]')`)
			pid := at.postID()
			declare := base + "/v1/posts/" + pid + "/attachments"
			if got := at.eval(`document.getElementById('post-` + pid + `-file').accept`); got != ".pdf,.docx,.xlsx,.pptx,.odt,.ods,.odp,.jpg,.jpeg,.png,.webp" {
				t.Errorf("the file input accepts %q", got)
			}
			at.axe("group, own post with the file field")

			// An image over 10 MB is refused before anything is sent.
			at.attach(pid, "big.png", append(smallPNG(t), make([]byte, 10<<20)...))
			if got := at.summary(); !strings.Contains(got, w["size"]) || !at.invalid("post-"+pid+"-file") {
				t.Errorf("too large: summary %q, field invalid %v", got, at.invalid("post-"+pid+"-file"))
			}
			if n := at.requestCount(declare); n != 0 {
				t.Errorf("%d declarations for a file refused in the browser", n)
			}
			at.axe("group, file too large refused in the browser")

			// A program named .pdf is declared and sent, and refused by the check after upload.
			at.attach(pid, "tool.pdf", notAPDF)
			at.waitFor(`document.getElementById('post-` + pid + `-file-error').textContent.includes(` + jsString(w["refused"]) + `)`)
			if got := at.summary(); !strings.Contains(got, w["refused"]) {
				t.Errorf("wrong type: summary %q lacks %q", got, w["refused"])
			}
			if got := at.text("#post-" + pid + "-file-error"); !strings.Contains(got, w["refused"]) || !at.invalid("post-"+pid+"-file") {
				t.Errorf("wrong type: field error %q", got)
			}
			at.axe("group, file refused after upload")

			// A PDF (the submit button clicked twice: one declaration) and a PNG are attached.
			at.do(chromedp.SetUploadFiles(css("#post-"+pid+"-file"), []string{writeFile(t, "plan.pdf", invoicePDF)}))
			at.eval(`const b = document.querySelector('#post-` + pid + `-attach button[type="submit"]'); b.click(); b.click(); ''`)
			at.waitFor(`document.querySelectorAll('#post-` + pid + ` .post-files > li').length === 1`)
			if n := at.requestCount(declare); n != 2 {
				t.Errorf("%d declarations after the refused file and a double click, want 2", n)
			}
			at.attach(pid, "map.png", smallPNG(t))
			at.waitFor(`document.querySelectorAll('#post-` + pid + ` .post-files > li').length === 2`)
			if got := at.text("#post-" + pid + " .post-files"); !strings.Contains(got, "plan.pdf · "+w["pdf"]) || !strings.Contains(got, "map.png · "+w["png"]) {
				t.Errorf("files listed: %q", got)
			}
			if got := at.text("#post-" + pid + "-attach [role=status]"); !strings.Contains(got, w["added"]) {
				t.Errorf("status after attaching: %q", got)
			}
			at.axe("group, two files attached")

			// Too many uploads (a 429 made in the network layer) shows on the file field, with when to try again.
			body := `{"type":"https://kontor.example/problems/too_many_attempts","title":"` + w["busy"] + `","status":429,"detail":"` + w["busy"] + `","code":"too_many_attempts"}`
			in, stop := at.intercept("POST", "/v1/posts/"+pid+"/attachments", func(ctx context.Context, ev *fetch.EventRequestPaused) {
				_, _ = chromedp.Call(ctx, fetch.FulfillRequest, fetch.FulfillRequestParams{
					RequestID: ev.RequestID, ResponseCode: 429, Body: []byte(body),
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/problem+json"}, {Name: "Retry-After", Value: "120"}},
				})
			})
			at.attach(pid, "more.png", smallPNG(t))
			in.waitSeen(t, 1)
			if got := at.summary(); !strings.Contains(got, w["busy"]) || !strings.Contains(got, w["later"]) {
				t.Errorf("429: summary %q, want the problem and %q", got, w["later"])
			}
			if got := at.text("#post-" + pid + "-file-error"); !strings.Contains(got, w["busy"]) {
				t.Errorf("429: field error %q", got)
			}
			at.axe("group, too many uploads")
			stop()

			// The other member sees both, may neither add nor remove, and downloads the PDF.
			rt := networkPage(t, l.accept, l.lang, reader, "group?id="+g.ID)
			rt.allow(attachmentBucket())
			rt.waitFor(`document.querySelectorAll('#post-` + pid + ` .post-files > li').length === 2`)
			if rt.count("#post-"+pid+" form[id$='-attach']") != "0" || rt.count("#post-"+pid+" .post-files button") != "2" {
				t.Errorf("the reader is offered %s file forms and %s file buttons, want none and two downloads",
					rt.count("#post-"+pid+" form[id$='-attach']"), rt.count("#post-"+pid+" .post-files button"))
			}
			rt.axe("group, another member's post with files")
			dir := t.TempDir()
			rt.downloadsTo(dir)
			rt.do(chromedp.Click(css("#file-" + rt.fileID(pid, "plan.pdf") + " button")))
			got, err := os.ReadFile(waitForFile(t, dir, "plan*.pdf"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, invoicePDF) {
				t.Errorf("downloaded %d bytes, want the %d sent", len(got), len(invoicePDF))
			}

			// The feed lists the files too and downloads them under the site's CSP (a
			// navigation, which connect-src does not govern); it offers no file field.
			ft := networkPage(t, l.accept, l.lang, reader, "feed")
			ft.allow(attachmentBucket())
			ft.waitFor(`document.querySelectorAll('#post-` + pid + ` .post-files > li').length === 2`)
			if n := ft.count("#post-" + pid + " form[id$='-attach']"); n != "0" {
				t.Errorf("the feed offers %s file forms", n)
			}
			ft.axe("feed, post with files")
			feedDir := t.TempDir()
			ft.downloadsTo(feedDir)
			ft.do(chromedp.Click(css("#file-" + ft.fileID(pid, "plan.pdf") + " button")))
			if got, err := os.ReadFile(waitForFile(t, feedDir, "plan*.pdf")); err != nil || !bytes.Equal(got, invoicePDF) {
				t.Errorf("downloaded from the feed: %d bytes, %v", len(got), err)
			}

			// The author removes the PNG after a confirmation.
			pngID := at.fileID(pid, "map.png")
			at.do(chromedp.Click(css("#file-" + pngID + " .button-group button:nth-child(2)")))
			at.visible("#file-" + pngID + "-confirm")
			if f := at.focused(); f != "file-"+pngID+"-confirm" {
				t.Errorf("focus on %q, want the confirmation", f)
			}
			at.axe("group, file removal to confirm")
			at.do(chromedp.Click(css("#file-" + pngID + `-confirm button[type="submit"]`)))
			at.waitFor(`document.getElementById('file-` + pngID + `').textContent.includes(` + jsString(w["removed"]) + `)`)
			at.axe("group, file removed")

			// The reader, whose page still lists it, is told it is gone.
			rt.do(chromedp.Click(css("#file-" + pngID + " button")))
			if got := rt.summary(); !strings.Contains(got, w["missing"]) {
				t.Errorf("removed file: summary %q lacks %q", got, w["missing"])
			}
			rt.axe("group, removed file not found")

			// Staff remove the PDF with a reason (none chosen is refused first); the API no longer has it.
			pdfID := rt.fileID(pid, "plan.pdf")
			st := networkPage(t, l.accept, l.lang, staff, "group?id="+g.ID)
			st.visible("#file-" + pdfID)
			st.do(chromedp.Click(css("#file-" + pdfID + " .button-group button:nth-child(2)")))
			st.visible("#file-" + pdfID + "-confirm")
			st.do(chromedp.Click(css("#file-" + pdfID + `-confirm button[type="submit"]`)))
			if got := st.summary(); !strings.Contains(got, w["reason"]) || !st.invalid("file-"+pdfID+"-reason") {
				t.Errorf("removal without a reason: summary %q", got)
			}
			st.axe("group, file removal without a reason refused")
			st.do(chromedp.SetValue(css("#file-"+pdfID+"-reason"), "spam"))
			st.do(chromedp.Click(css("#file-" + pdfID + `-confirm button[type="submit"]`)))
			st.waitFor(`document.getElementById('file-` + pdfID + `').textContent.includes(` + jsString(w["pdfRemoved"]) + `)`)
			st.axe("group, file removed by staff")
			readerAPI.call(http.MethodGet, "/v1/posts/"+pid+"/attachments/"+pdfID, nil, http.StatusNotFound, nil)
		})
	}
}
