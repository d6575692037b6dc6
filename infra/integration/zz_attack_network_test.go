package integration

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// Attacks on the members' network's groups, posts, comments, the feed, files on
// posts and the one-click unsubscribe, from outside over HTTP: each names what an
// attacker tries and what must hold.

// joinOpen lets c join an open group.
func joinOpen(t *testing.T, c *client, group string) {
	t.Helper()
	want(t, c.do(http.MethodPut, "/v1/groups/"+group+"/members/"+profile(t, c).ID, nil), http.StatusCreated)
}

// comment writes a comment and returns its id.
func comment(t *testing.T, c *client, postID, text string) string {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/posts/"+postID+"/comments", map[string]any{"text": text})
	want(t, r, http.StatusCreated)
	return object(t, r)["id"].(string)
}

// Attack: a group's moderator may not remove another moderator (403). Putting
// the other moderator "as member" (no body) must not demote them, which would
// open the way to removing them.
func TestAttackModeratorCannotDemoteOrRemoveAnotherModerator(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	m1, _ := groupMember(t, "Mona")
	_, m2ID := groupMember(t, "Max")
	group := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Vorstand Nord",
		"moderators": []string{profile(t, m1).ID, m2ID}})
	members := "/v1/groups/" + group + "/members/"
	want(t, m1.do(http.MethodDelete, members+m2ID, nil), http.StatusForbidden, "forbidden")
	want(t, m1.do(http.MethodPut, members+m2ID, map[string]any{"role": "member"}), http.StatusForbidden, "forbidden")
	r := m1.do(http.MethodPut, members+m2ID, nil)
	if r.Status == http.StatusOK {
		if role := object(t, r)["membership"].(map[string]any)["role"]; role != "moderator" {
			t.Fatalf("a moderator demoted another moderator with an empty PUT: %s", r.Body)
		}
	} else {
		want(t, r, http.StatusForbidden, "forbidden")
	}
	want(t, m1.do(http.MethodDelete, members+m2ID, nil), http.StatusForbidden, "forbidden")
	roles, _ := listOf(t, staff.do(http.MethodGet, "/v1/groups/"+group+"/members", nil), "members")
	for _, m := range roles {
		if m["accountId"] == m2ID && m["role"] != "moderator" {
			t.Fatalf("second moderator is now %v", m)
		}
	}
}

// Attack: GET /v1/groups pages through the directory; a member of no committee
// must not learn any committee's id (or how many there are) from the cursors.
func TestAttackDirectoryCursorRevealsNoCommittee(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	stranger, _ := groupMember(t, "Sven")
	insider, insiderID := groupMember(t, "Ines")
	committee := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Geheimer Ausschuss"})
	newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Nach dem Ausschuss"})
	want(t, staff.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+insiderID, nil), http.StatusCreated)
	// Its members and staff find it on the first page of their list.
	for _, c := range []*client{staff, insider} {
		if r := c.do(http.MethodGet, "/v1/groups?limit=1", nil); !strings.Contains(string(r.Body), committee) {
			t.Fatalf("the committee is missing from the first page of its member's or staff's list: %s", r.Body)
		}
	}
	cursor := ""
	for range 1000 {
		path := "/v1/groups?limit=1"
		if cursor != "" {
			path += "&cursor=" + cursor
		}
		r := stranger.do(http.MethodGet, path, nil)
		if strings.Contains(string(r.Body), committee) {
			t.Fatalf("the answer names the committee: %s", r.Body)
		}
		_, next := listOf(t, r, "groups")
		if next == "" {
			return
		}
		if b, _ := base64.RawURLEncoding.DecodeString(next); strings.Contains(string(b), committee) {
			t.Fatalf("the directory cursor %q names committee %s", b, committee)
		}
		cursor = next
	}
}

// Attack: ids of one thing under another's path, and a member of another group,
// a removed member and staff reading: everything they may not see is 404, what
// they see but may not change 403; a removed member loses posts, comments, files
// and feed at once.
func TestAttackCrossIDsAndRemovedMember(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	author, authorID := groupMember(t, "Anna")
	other, otherID := groupMember(t, "Otto")
	outsider, outsiderID := groupMember(t, "Olga")
	a := newGroup(t, staff, map[string]any{"kind": "group", "access": "closed", "name": "Gruppe A"})
	b := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Gruppe B"})
	c := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Ausschuss C"})
	for _, g := range []string{a, c} {
		want(t, staff.do(http.MethodPut, "/v1/groups/"+g+"/members/"+authorID, nil), http.StatusCreated)
		want(t, staff.do(http.MethodPut, "/v1/groups/"+g+"/members/"+otherID, nil), http.StatusCreated)
	}
	joinOpen(t, outsider, b)
	postA := post(t, author, a, "Beitrag in A")
	postC := post(t, author, c, "Beitrag im Ausschuss")
	postB := post(t, outsider, b, "Beitrag in B")
	comA := comment(t, author, postA, "Kommentar in A")
	comB := comment(t, outsider, postB, "Kommentar in B")
	pdfA, r := sendAttachment(t, author, postA, "A.pdf", "application/pdf", pdfFile)
	want(t, r, http.StatusOK)
	pdfB, r := sendAttachment(t, outsider, postB, "B.pdf", "application/pdf", pdfFile)
	want(t, r, http.StatusOK)

	// The outsider (in B only) sees nothing of A and C, by any id.
	for _, p := range []string{
		"/v1/groups/" + c, "/v1/groups/" + a + "/posts", "/v1/groups/" + a + "/members", "/v1/groups/" + c + "/posts",
		"/v1/posts/" + postA, "/v1/posts/" + postC, "/v1/posts/" + postA + "/comments",
		"/v1/posts/" + postA + "/attachments/" + pdfA.Attachment.ID,
		"/v1/posts/" + postB + "/attachments/" + pdfA.Attachment.ID, // A's file under B's post
		"/v1/groups/" + a + "/subscription", "/v1/groups/" + c + "/requests",
	} {
		want(t, outsider.do(http.MethodGet, p, nil), http.StatusNotFound, "not_found")
	}
	want(t, outsider.do(http.MethodPatch, "/v1/comments/"+comA, map[string]any{"version": 1, "text": "x"}), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodDelete, "/v1/comments/"+comA+"?reason=spam", nil), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodPost, "/v1/posts/"+postC+"/comments", map[string]any{"text": "rein"}), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodDelete, "/v1/posts/"+postB+"/attachments/"+pdfA.Attachment.ID, nil), http.StatusNotFound, "not_found")
	want(t, outsider.do(http.MethodPost, "/v1/posts/"+postB+"/attachments/"+pdfA.Attachment.ID+"/complete", nil), http.StatusNotFound, "not_found")
	// A member of A: B's file under A's post path, another's comment.
	want(t, author.do(http.MethodGet, "/v1/posts/"+postA+"/attachments/"+pdfB.Attachment.ID, nil), http.StatusNotFound, "not_found")
	want(t, author.do(http.MethodDelete, "/v1/posts/"+postA+"/attachments/"+pdfB.Attachment.ID, nil), http.StatusNotFound, "not_found")
	want(t, other.do(http.MethodPatch, "/v1/comments/"+comA, map[string]any{"version": 1, "text": "x"}), http.StatusForbidden, "forbidden")
	want(t, other.do(http.MethodPatch, "/v1/posts/"+postA, map[string]any{"version": 1, "text": "x"}), http.StatusForbidden, "forbidden")
	want(t, other.do(http.MethodDelete, "/v1/posts/"+postA+"/attachments/"+pdfA.Attachment.ID, nil), http.StatusForbidden, "forbidden")
	// A member of A may not add the outsider to A (not a moderator) nor to C.
	want(t, other.do(http.MethodPut, "/v1/groups/"+a+"/members/"+outsiderID, nil), http.StatusForbidden, "forbidden")
	want(t, other.do(http.MethodPut, "/v1/groups/"+c+"/members/"+outsiderID, nil), http.StatusForbidden, "forbidden")
	// Staff not in B read it but do not post.
	want(t, staff.do(http.MethodGet, "/v1/posts/"+postB, nil), http.StatusOK)
	want(t, staff.do(http.MethodPost, "/v1/groups/"+b+"/posts", map[string]any{"text": "Staff"}), http.StatusForbidden, "forbidden")
	if strings.Contains(string(outsider.do(http.MethodGet, "/v1/groups?limit=100", nil).Body), "Ausschuss C") {
		t.Fatal("the committee is listed to a non-member")
	}

	// The author keeps a link, then is removed from A.
	link := attachmentLink(t, author, postA, pdfA.Attachment.ID)["url"].(string)
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+a+"/members/"+authorID, nil), http.StatusNoContent)
	for _, p := range []string{"/v1/posts/" + postA, "/v1/posts/" + postA + "/comments", "/v1/groups/" + a + "/posts",
		"/v1/posts/" + postA + "/attachments/" + pdfA.Attachment.ID} {
		want(t, author.do(http.MethodGet, p, nil), http.StatusNotFound, "not_found")
	}
	want(t, author.do(http.MethodPatch, "/v1/posts/"+postA, map[string]any{"version": 1, "text": "nach Austritt"}), http.StatusNotFound, "not_found")
	want(t, author.do(http.MethodPatch, "/v1/comments/"+comA, map[string]any{"version": 1, "text": "nach Austritt"}), http.StatusNotFound, "not_found")
	want(t, author.do(http.MethodPost, "/v1/posts/"+postA+"/attachments", map[string]any{"fileName": "x.pdf", "contentType": "application/pdf", "size": 10}), http.StatusNotFound, "not_found")
	want(t, author.do(http.MethodPost, "/v1/groups/"+a+"/posts", map[string]any{"text": "nach Austritt"}), http.StatusNotFound, "not_found")
	feed, _ := listOf(t, author.do(http.MethodGet, "/v1/feed", nil), "posts")
	for _, p := range feed {
		if p["id"] == postA {
			t.Fatal("the removed member's feed still shows A's post")
		}
	}
	// The link fetched before is documented to work for its 5 minutes.
	downloadFile(t, link)
	// A removed author's file removal: a new link after removal of the file is gone.
	want(t, staff.do(http.MethodDelete, "/v1/posts/"+postA+"/attachments/"+pdfA.Attachment.ID+"?reason=other", nil), http.StatusNoContent)
	resp, err := http.Get(link) // #nosec G107 -- a link the stack presigned
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Fatal("a link to a removed file still downloads")
	}
	_ = comB
}

// forged makes a feed cursor.
func forged(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Attack: forged feed and group cursors — naming groups one is not in, huge and
// negative chunk numbers, garbage — show nothing of other groups and never fail
// with a 500.
func TestAttackForgedFeedCursors(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	member, memberID := groupMember(t, "Mia")
	spy, _ := groupMember(t, "Spion")
	secret := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Geheim"})
	mine := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Offen"})
	want(t, staff.do(http.MethodPut, "/v1/groups/"+secret+"/members/"+memberID, nil), http.StatusCreated)
	secretPost := post(t, member, secret, "Geheimer Beitrag")
	joinOpen(t, spy, mine)
	post(t, spy, mine, "Offener Beitrag")
	const maxInt = int(^uint(0) >> 1)
	cursors := []any{
		map[string]any{"b": "ffffffff-ffff-7fff-bfff-ffffffffffff", "a": map[string]int{secret: 0, mine: 5}},
		map[string]any{"b": "ffffffff-ffff-7fff-bfff-ffffffffffff", "r": map[string]int{secret: 0, mine: maxInt}},
		map[string]any{"b": "ffffffff-ffff-7fff-bfff-ffffffffffff", "r": map[string]int{mine: -maxInt - 1}},
		map[string]any{"b": "ffffffff-ffff-7fff-bfff-ffffffffffff", "a": map[string]int{mine: maxInt}},
		map[string]any{"b": "ffffffff-ffff-7fff-bfff-ffffffffffff", "a": map[string]int{mine: -5}, "r": map[string]int{mine: 3}},
		map[string]any{"b": "zzzz", "a": map[string]any{mine: "x"}},
		map[string]any{"b": 1},
	}
	for i, c := range cursors {
		for _, path := range []string{"/v1/feed?cursor=", "/v1/groups/" + mine + "/posts?cursor="} {
			r := spy.do(http.MethodGet, path+forged(c), nil)
			if r.Status != http.StatusOK && r.Status != http.StatusBadRequest {
				t.Fatalf("cursor %d on %s: %d %s", i, path, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), secretPost) || strings.Contains(string(r.Body), "Geheim") {
				t.Fatalf("cursor %d shows the committee: %s", i, r.Body)
			}
		}
	}
	for _, bad := range []string{"!!!", strings.Repeat("A", 5000), base64.RawURLEncoding.EncodeToString([]byte("GROUP#" + secret))} {
		want(t, spy.do(http.MethodGet, "/v1/feed?cursor="+bad, nil), http.StatusBadRequest)
	}
	// A directory cursor pointing at the committee's key shows nothing of it.
	r := spy.do(http.MethodGet, "/v1/groups?cursor="+base64.RawURLEncoding.EncodeToString([]byte("GROUP#"+secret[:len(secret)-1])), nil)
	if strings.Contains(string(r.Body), "Geheim") {
		t.Fatalf("forged directory cursor: %s", r.Body)
	}
	// A member-list cursor naming another group's members.
	r = spy.do(http.MethodGet, "/v1/groups/"+mine+"/members?cursor="+base64.RawURLEncoding.EncodeToString([]byte("MEMBER#")), nil)
	if strings.Contains(string(r.Body), memberID) {
		t.Fatalf("forged member cursor: %s", r.Body)
	}
}

// Attack: markup in every text field comes back escaped in html; the raw fields
// are JSON strings as written; a file name cannot inject into the download's
// header fields.
func TestAttackMarkupInEveryField(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	author, _ := groupMember(t, "<img src=x onerror=alert(1)>")
	evil := `<script>alert(1)</script><img src=x onerror=alert(2)>"'`
	group := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": evil, "description": evil + "\n" + evil})
	joinOpen(t, author, group)
	r := author.do(http.MethodPost, "/v1/groups/"+group+"/posts", map[string]any{
		"text":  evil + "\n\nhttps://example.org/\"><script>x</script> javascript:alert(1) <a href=javascript:alert(1)>x</a>",
		"links": []map[string]any{{"url": "https://example.org/?q=%22%3E%3Cscript%3E", "title": evil}},
	})
	want(t, r, http.StatusCreated)
	p := object(t, r)
	checkHTML := func(h string) {
		t.Helper()
		low := strings.ToLower(h)
		for _, bad := range []string{"<script", "<img", "onerror=\"", "href=\"javascript"} {
			if strings.Contains(low, bad) {
				t.Fatalf("html holds %q: %s", bad, h)
			}
		}
		for _, tag := range strings.Split(low, "<")[1:] {
			name := strings.FieldsFunc(tag, func(r rune) bool { return r == ' ' || r == '>' || r == '/' })
			if len(name) > 0 && name[0] != "p" && name[0] != "br" && name[0] != "a" {
				t.Fatalf("html holds tag %q: %s", name[0], h)
			}
		}
	}
	checkHTML(p["html"].(string))
	want(t, author.do(http.MethodPost, "/v1/groups/"+group+"/posts", map[string]any{"text": "x", "links": []map[string]any{{"url": "javascript:alert(1)"}}}), http.StatusBadRequest, "validation_failed")
	want(t, author.do(http.MethodPost, "/v1/groups/"+group+"/posts", map[string]any{"text": "x", "links": []map[string]any{{"url": "https://user:pw@example.org/"}}}), http.StatusBadRequest, "validation_failed")
	r = author.do(http.MethodPost, "/v1/posts/"+p["id"].(string)+"/comments", map[string]any{"text": evil + " https://a.example/<b>"})
	want(t, r, http.StatusCreated)
	checkHTML(object(t, r)["html"].(string))
	// A file name with quotes and header syntax.
	na, r := sendAttachment(t, author, p["id"].(string), `a"; filename=evil.html; x=".pdf`, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)
	_, h := downloadFile(t, attachmentLink(t, author, p["id"].(string), na.Attachment.ID)["url"].(string))
	if cd := h.Get("Content-Disposition"); strings.Count(cd, "filename=") != 1 || strings.Contains(cd, "evil.html\"") || !strings.HasPrefix(cd, "attachment;") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	if ct := h.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q", ct)
	}
	// A group name with a line break (would be a mail header) is refused.
	want(t, staff.do(http.MethodPost, "/v1/groups", map[string]any{"kind": "group", "access": "open", "name": "A\r\nBcc: x@example.org"}), http.StatusBadRequest, "validation_failed")
}

// Attack: replays and races on files: two completes at once (one wins, the other
// 409), the upload URL used again after the check (what is downloaded does not
// change), a declaration's bytes not matching (refused, nothing left).
func TestAttackAttachmentReplaysAndRaces(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	author, _ := groupMember(t, "Anna")
	group := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Dateien"})
	joinOpen(t, author, group)
	postID := post(t, author, group, "Mit Datei")
	na := declareAttachment(t, author, postID, "P.pdf", "application/pdf", len(pdfFile))
	put(t, na.Upload, pdfFile)
	var wg sync.WaitGroup
	statuses := make([]int, 4)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses[i] = completeAttachment(author, postID, na.Attachment.ID).Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		switch s {
		case http.StatusOK:
			ok++
		case http.StatusConflict, http.StatusNotFound:
		default:
			t.Fatalf("concurrent completes: %v", statuses)
		}
	}
	// The store's condition (attachments[i].ready absent) lets one completion
	// win in DynamoDB; the emulator does not make a condition and its write one
	// step under concurrent requests, so more than one 200 is possible here: what
	// must hold is the outcome — one file shown, the checked bytes downloaded.
	if ok < 1 {
		t.Fatalf("concurrent completes: %v, want a 200", statuses)
	}
	if as := shown(t, author, postID); len(as) != 1 {
		t.Fatalf("after concurrent completes the post shows %v", as)
	}
	// The upload URL again, with other bytes of the same length.
	other := []byte(strings.Repeat("X", len(pdfFile)))
	req, _ := http.NewRequest(http.MethodPut, na.Upload.URL, strings.NewReader(string(other)))
	for k, v := range na.Upload.Headers {
		req.Header.Set(k, v)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	want(t, completeAttachment(author, postID, na.Attachment.ID), http.StatusConflict, "attachment_complete")
	body, _ := downloadFile(t, attachmentLink(t, author, postID, na.Attachment.ID)["url"].(string))
	if string(body) != string(pdfFile) {
		t.Fatal("the upload URL used again changed the downloaded file")
	}
	// Declared PDF, sent HTML of the same length: refused, nothing left.
	html := []byte(fmt.Sprintf("%%PDF-1.4 <html><script>alert(1)</script>%s", strings.Repeat(" ", 10)))
	bad, r := sendAttachment(t, author, postID, "x.pdf", "application/pdf", html)
	if r.Status == http.StatusOK {
		t.Fatalf("an HTML file passed as PDF: %s", r.Body)
	}
	want(t, author.do(http.MethodGet, "/v1/posts/"+postID+"/attachments/"+bad.Attachment.ID, nil), http.StatusNotFound, "not_found")
	if as := shown(t, author, postID); len(as) != 1 {
		t.Fatalf("after a refused file the post shows %v", as)
	}
}

// Attack: leaving a group while posting in it: no post may be stored after the
// leave was answered, and the group's index stays consistent.
func TestAttackLeaveWhilePosting(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	m, mID := groupMember(t, "Lea")
	group := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Kommen und Gehen"})
	joinOpen(t, m, group)
	var wg sync.WaitGroup
	created := make(chan string, 8)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := m.do(http.MethodPost, "/v1/groups/"+group+"/posts", map[string]any{"text": "eilig"})
			if r.Status == http.StatusCreated {
				created <- object(t, r)["id"].(string)
			}
		}()
	}
	want(t, m.do(http.MethodDelete, "/v1/groups/"+group+"/members/"+mID, nil), http.StatusNoContent)
	wg.Wait()
	close(created)
	// Everything that was stored is in the group's listing for staff.
	listed, _ := listOf(t, staff.do(http.MethodGet, "/v1/groups/"+group+"/posts?limit=50", nil), "posts")
	ids := map[string]bool{}
	for _, p := range listed {
		ids[p["id"].(string)] = true
	}
	for id := range created {
		if !ids[id] {
			t.Fatalf("post %s answered 201 but is not listed", id)
		}
	}
	want(t, m.do(http.MethodPost, "/v1/groups/"+group+"/posts", map[string]any{"text": "danach"}), http.StatusNotFound, "not_found")
}
