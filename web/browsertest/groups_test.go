package browsertest

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// groupMember is a network member (with extra roles, "staff" for staff) whose
// profile is complete under first name first, so that others see their name;
// it returns the address, the id and an API client signed in as them.
func groupMember(t *testing.T, lang, first string, roles ...string) (string, string, *apiClient) {
	t.Helper()
	addr, id := invitedAccount(t, "network", lang, append([]string{"network"}, roles...)...)
	c := newAPIClient(t).signIn(addr, password)
	c.call(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 0, "firstName": first, "lastName": "Probst", "gender": "unspecified",
		"company": first + " GmbH", "roleInCompany": "CEO", "companyWebsite": "https://firma.example", "street": "Hafenstraße",
		"houseNumber": "1", "postalCode": "20457", "city": "Hamburg", "country": "DE", "phone": "+49 40 1234", "fax": "+49 40 1235",
		"email": "kontakt@firma.example"}, http.StatusOK, nil)
	return addr, id, c
}

// postID is the id of the first post the page shows (its element is post-<id>).
func (tb *tab) postID() string {
	return strings.TrimPrefix(tb.eval(`document.querySelector('#posts > li.post').id`), "post-")
}

// Staff create a closed group; a member asks to join and staff approve; the
// member posts a text with markup and a web address (shown as text, the address
// a link); another member comments; the author edits (a stale version is
// refused with "reload"); staff remove the comment with a reason; the feed shows
// the post with its group; the commenter leaves and is offered to join again.
func TestNetworkGroupFromCreationToLeaving(t *testing.T) {
	texts := map[string]map[string]string{
		"de": {"created": "Angelegt", "ask": "Beitritt anfragen", "asked": "Anfrage", "approved": "aufgenommen", "comments1": "Kommentare: 1",
			"edited": "bearbeitet", "conflict": "Laden Sie die Seite neu", "reason": "Wählen Sie einen Grund", "removed": "Der Kommentar ist entfernt",
			"left": "verlassen", "missing": "nicht gefunden oder kein Zugriff", "video": "Video: ", "closed": "Geschlossene Gruppe", "moderator": "Moderation"},
		"en": {"created": "Created", "ask": "Ask to join", "asked": "request", "approved": "approved", "comments1": "Comments: 1",
			"edited": "edited", "conflict": "Reload the page", "reason": "Choose a reason", "removed": "The comment is removed",
			"left": "left", "missing": "not found or no access", "video": "Video: ", "closed": "Closed group", "moderator": "Moderator"},
	}
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			w := texts[l.lang]
			staff, _, _ := groupMember(t, l.lang, "Stefanie", "staff")
			author, _, authorAPI := groupMember(t, l.lang, "Anton")
			commenter, commenterID, commenterAPI := groupMember(t, l.lang, "Clara")
			name := "Teehandel " + l.lang + " " + uuid()[:8]

			// Staff create the closed group from the list of groups, which the home page links.
			st := openTab(t, l.accept)
			st.signIn(l.lang, staff, password)
			st.do(chromedp.Navigate(base+"/"+l.lang+"/"), chromedp.WaitVisible(css("#for-network")))
			st.do(chromedp.Click(css(`#for-network a[href$="/network/groups"]`)), chromedp.WaitVisible(css("#create-form")))
			st.visible("#mine-none")
			st.axe("groups, staff, none yet")
			st.submit("create-form")
			if got := st.summary(); got == "" || !st.invalid("name") {
				t.Errorf("a group without a name: summary %q, name invalid %v", got, st.invalid("name"))
			}
			st.axe("groups, create refused")
			st.do(chromedp.SetValue(css("#kind"), "group"), chromedp.SetValue(css("#access"), "closed"))
			st.fill("name", name)
			st.fill("description", "Rund um Tee.\nAuch Kaffee.")
			st.submit("create-form")
			st.shownWithFocus("groups-done")
			if got := st.text("#groups-done"); !strings.Contains(got, w["created"]) || !strings.Contains(got, name) {
				t.Errorf("creation confirmed as %q", got)
			}
			st.axe("groups, created")
			st.do(chromedp.Click(css("#groups-done a")), chromedp.WaitVisible(css("#group")))
			groupURL := st.location()
			if got := st.text("#title"); got != name {
				t.Errorf("group page heading %q, want %q", got, name)
			}
			if got := st.text("#group-kind"); got != w["closed"] {
				t.Errorf("kind %q", got)
			}
			st.visible("#requests-none")
			st.axe("group, staff, no requests")

			// The author asks to join from the list of groups.
			at := networkPage(t, l.accept, l.lang, author, "groups")
			at.visible("#others")
			btn := `#others li:has(a[href="` + strings.TrimPrefix(groupURL, base) + `"]) button`
			if got := at.text(btn); got != w["ask"] {
				t.Errorf("button %q, want %q", got, w["ask"])
			}
			at.axe("groups, member, may ask")
			at.do(chromedp.Click(css(btn)))
			at.shownWithFocus("groups-done")
			if got := at.text("#groups-done"); !strings.Contains(strings.ToLower(got), strings.ToLower(w["asked"])) {
				t.Errorf("request confirmed as %q", got)
			}
			at.axe("groups, asked")
			at.do(chromedp.Navigate(groupURL), chromedp.WaitVisible(css("#requested")))
			if at.eval(`String(document.getElementById('posts-section').hidden && document.getElementById('write').hidden)`) != "true" {
				t.Error("posts or the post form shown before the request is approved")
			}
			at.axe("group, requested")

			// Staff approve the request on the group page.
			st.do(chromedp.Reload())
			st.visible("#requests li button")
			if got := st.text("#requests"); !strings.Contains(got, "Anton Probst") {
				t.Errorf("requests %q", got)
			}
			st.axe("group, a request")
			st.do(chromedp.Click(css("#requests li form:first-child button")))
			st.waitFor(`document.getElementById('requests').textContent.includes(` + jsString(w["approved"]) + `)`)
			st.waitFor(`document.getElementById('members').textContent.includes('Anton Probst')`)
			if got := st.text("#group-members"); got != "1" {
				t.Errorf("member count %q after approval", got)
			}
			st.axe("group, approved")

			// The commenter joins the same way, through the API.
			commenterAPI.call(http.MethodPut, "/v1/groups/"+groupID(groupURL)+"/members/"+commenterID, map[string]any{}, http.StatusAccepted, nil)
			st.do(chromedp.Reload())
			st.visible("#requests li button")
			st.do(chromedp.Click(css("#requests li form:first-child button")))
			st.waitFor(`document.getElementById('members').textContent.includes('Clara Probst')`)

			// The author posts markup and a web address, by keyboard. (A tab lives
			// 90 seconds at most, so each part of the story opens its own.)
			at = networkPage(t, l.accept, l.lang, author, "group?id="+groupID(groupURL))
			at.visible("#post-form")
			at.tabTo("#post-text")
			at.do(chromedp.KeyEvent(`Neu: <script>alert(1)</script> <b>fett</b> siehe https://tee.example/sorten`))
			at.fill("post-links", "https://www.youtube.com/watch?v=abc123 Teeernte\nhttps://tee.example/preise")
			at.tabTo(`#post-form button[type="submit"]`)
			at.do(chromedp.KeyEvent("\r"))
			at.waitFor(`!!document.querySelector('#posts > li.post')`)
			body := at.text("#posts > li.post .post-body")
			if !strings.Contains(body, "<script>alert(1)</script>") || !strings.Contains(body, "<b>fett</b>") {
				t.Errorf("the markup is not shown as text: %q", body)
			}
			if at.eval(`String(document.querySelectorAll('#posts script, #posts b').length)`) != "0" {
				t.Error("the post's markup became elements")
			}
			if got := at.eval(`document.querySelector('#posts .post-body a[href="https://tee.example/sorten"]')?.rel || ''`); !strings.Contains(got, "nofollow") || !strings.Contains(got, "noopener") {
				t.Errorf("the address in the text is no link with rel nofollow noopener (rel %q)", got)
			}
			links := at.text("#posts .post-links")
			if !strings.Contains(links, w["video"]+"Teeernte") || !strings.Contains(links, "https://tee.example/preise") {
				t.Errorf("links %q", links)
			}
			if got := at.eval(`document.querySelector('#posts .post-links a').rel`); got != "nofollow noopener noreferrer ugc" {
				t.Errorf("link rel %q", got)
			}
			if f := at.focused(); !strings.HasPrefix(f, "post-") {
				t.Errorf("focus on %q after posting, want the new post", f)
			}
			if got := at.eval(`document.querySelector('#posts .post-meta a')?.textContent || ''`); got != "Anton Probst" {
				t.Errorf("author %q", got)
			}
			at.axe("group, posted")
			postID := at.postID()

			// The commenter comments.
			ct := networkPage(t, l.accept, l.lang, commenter, "group?id="+groupID(groupURL))
			ct.visible("#posts > li.post")
			ct.do(chromedp.Click(css(`#post-` + postID + ` button[aria-controls]`)))
			ct.visible(`#post-` + postID + `-comments form`)
			if ct.eval(`document.querySelector('#post-`+postID+` button[aria-controls]').getAttribute('aria-expanded')`) != "true" {
				t.Error("the comments toggle does not say it is expanded")
			}
			ct.fill("post-"+postID+"-comment", "Gute Idee!")
			ct.do(chromedp.Click(css(`#post-` + postID + `-comments form button[type="submit"]`)))
			ct.waitFor(`document.getElementById('post-` + postID + `-comments').textContent.includes('Gute Idee!')`)
			if got := ct.text("#post-" + postID + " article > p.hint"); got != w["comments1"] {
				t.Errorf("comment count %q", got)
			}
			ct.axe("group, commented")

			// The author edits; a version changed meanwhile is refused with "reload".
			at.do(chromedp.Click(css(`#post-` + postID + ` .button-group button:nth-child(2)`)))
			at.visible("#post-" + postID + "-edit-text")
			var p struct{ Version int }
			authorAPI.call(http.MethodGet, "/v1/posts/"+postID, nil, http.StatusOK, &p)
			authorAPI.call(http.MethodPatch, "/v1/posts/"+postID, map[string]any{"version": p.Version, "text": "Zwischendurch geändert"}, http.StatusOK, nil)
			at.fill("post-"+postID+"-edit-text", "Neu und besser")
			at.do(chromedp.Click(css(`#post-` + postID + ` > form button[type="submit"]`)))
			if got := at.summary(); !strings.Contains(got, w["conflict"]) {
				t.Errorf("stale edit: summary %q", got)
			}
			at.axe("group, edit refused as stale")
			at.do(chromedp.Reload())
			at.visible("#post-" + postID)
			at.do(chromedp.Click(css(`#post-` + postID + ` .button-group button:nth-child(2)`)))
			at.visible("#post-" + postID + "-edit-text")
			if got := at.value("post-" + postID + "-edit-text"); got != "Zwischendurch geändert" {
				t.Errorf("the edit form holds %q, want the post's current text", got)
			}
			at.fill("post-"+postID+"-edit-text", "Neu und besser")
			at.do(chromedp.Click(css(`#post-` + postID + ` > form button[type="submit"]`)))
			at.waitFor(`document.querySelector('#post-` + postID + ` .post-body').textContent.includes('Neu und besser')`)
			if got := at.text("#post-" + postID + " .post-meta"); !strings.Contains(got, w["edited"]) {
				t.Errorf("not marked edited: %q", got)
			}
			at.axe("group, edited")

			// Staff remove the comment with a reason, after a confirmation.
			st = networkPage(t, l.accept, l.lang, staff, "group?id="+groupID(groupURL))
			st.visible("#post-" + postID)
			st.do(chromedp.Click(css(`#post-` + postID + ` button[aria-controls]`)))
			st.visible(`#post-` + postID + `-comments li.post button`)
			commentRemove := `#post-` + postID + `-comments li.post .button-group button`
			st.do(chromedp.Click(css(commentRemove)))
			st.waitFor(`document.activeElement.matches('#post-` + postID + `-comments .panel')`)
			st.axe("group, comment removal to confirm")
			st.do(chromedp.Click(css(`#post-` + postID + `-comments .panel button[type="submit"]`)))
			if got := st.summary(); !strings.Contains(strings.ToLower(got), strings.ToLower(w["reason"])) {
				t.Errorf("removal without a reason: summary %q", got)
			}
			if st.eval(`document.querySelector('#post-`+postID+`-comments select').getAttribute('aria-invalid')`) != "true" {
				t.Error("the reason is not marked invalid")
			}
			st.axe("group, removal without a reason refused")
			st.do(chromedp.SetValue(css(`#post-`+postID+`-comments select`), "offensive"))
			st.do(chromedp.Click(css(`#post-` + postID + `-comments .panel button[type="submit"]`)))
			st.waitFor(`document.getElementById('post-` + postID + `-comments').textContent.includes(` + jsString(w["removed"]) + `)`)
			if strings.Contains(st.text("#post-"+postID+"-comments"), "Gute Idee!") {
				t.Error("the removed comment is still shown")
			}
			st.axe("group, comment removed")
			var cs struct{ Comments []any }
			authorAPI.call(http.MethodGet, "/v1/posts/"+postID+"/comments", nil, http.StatusOK, &cs)
			if len(cs.Comments) != 0 {
				t.Errorf("the API still has %d comments", len(cs.Comments))
			}

			// The feed shows the post with its group.
			at = networkPage(t, l.accept, l.lang, author, "feed")
			at.visible("#post-" + postID)
			if got := at.eval(`document.querySelector('#post-` + postID + ` .post-meta a[href*="/network/group?id="]')?.textContent || ''`); got != name {
				t.Errorf("feed names the group %q, want %q", got, name)
			}
			if got := at.text("#post-" + postID + " .post-body"); !strings.Contains(got, "Neu und besser") {
				t.Errorf("feed shows %q", got)
			}
			at.axe("feed")

			// The commenter leaves and is offered to ask again.
			ct = networkPage(t, l.accept, l.lang, commenter, "group?id="+groupID(groupURL))
			ct.visible("#leave-form")
			ct.tabTo(`#leave-form button`)
			ct.do(chromedp.KeyEvent("\r"))
			ct.shownWithFocus("membership-done")
			if got := ct.text("#membership-done"); !strings.Contains(got, w["left"]) {
				t.Errorf("leaving confirmed as %q", got)
			}
			ct.visible("#join-form")
			if got := ct.text("#join-button"); got != w["ask"] {
				t.Errorf("after leaving the button says %q, want %q", got, w["ask"])
			}
			if ct.eval(`String(document.getElementById('posts-section').hidden)`) != "true" {
				t.Error("posts still shown after leaving")
			}
			ct.axe("group, left")

			// Staff change the description, then delete the group.
			st = networkPage(t, l.accept, l.lang, staff, "group?id="+groupID(groupURL))
			st.visible("#settings-form")
			if got := st.value("name"); got != name {
				t.Errorf("settings show the name %q", got)
			}
			st.fill("description", "Nur noch Tee.")
			st.submit("settings-form")
			st.shownWithFocus("settings-done")
			if got := st.text("#group-description"); got != "Nur noch Tee." {
				t.Errorf("description %q after saving", got)
			}
			st.axe("group, settings saved")
			st.do(chromedp.Click(css("#delete-open")))
			st.shownWithFocus("delete-confirm")
			st.axe("group, deletion to confirm")
			st.do(chromedp.Click(css(`#delete-confirm button[type="submit"]`)))
			st.shownWithFocus("deleted")
			if st.eval(`String(document.getElementById('group').hidden)`) != "true" {
				t.Error("the deleted group is still shown")
			}
			st.axe("group, deleted")

			// The deleted group, like any unknown one, is "not found or no access".
			ct.do(chromedp.Navigate(groupURL), chromedp.WaitVisible(css("#missing")))
			if got := ct.text("#missing"); !strings.Contains(got, w["missing"]) {
				t.Errorf("deleted group: %q", got)
			}
			ct.do(chromedp.Navigate(base+"/"+l.lang+"/network/group?id=0190a5b0-0000-7000-8000-000000000000"), chromedp.WaitVisible(css("#missing")))
			if got := ct.text("#missing"); !strings.Contains(got, w["missing"]) {
				t.Errorf("unknown group: %q", got)
			}
			ct.axe("group, not found")
		})
	}
}

// groupID is the id in a group page's address.
func groupID(pageURL string) string {
	_, id, _ := strings.Cut(pageURL, "id=")
	return id
}

// Without the network role, the three group pages say "No access" (the API's
// 404) and show nothing.
func TestNetworkGroupPagesSayNoAccessWithoutTheRole(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			tb := openTab(t, l.accept)
			tb.signIn(l.lang, activeAccount(t, l.lang), password)
			tb.saysNoAccess(l.lang, "groups", "feed", "group?id=0190a5b0-0000-7000-8000-000000000000")
		})
	}
}

// A group's posts and a post's comments come a page at a time: "load more"
// brings the rest and moves the focus to the first one it added.
func TestNetworkGroupPostsAndCommentsLoadMore(t *testing.T) {
	for _, l := range languages {
		t.Run(l.lang, func(t *testing.T) {
			_, _, staffAPI := groupMember(t, l.lang, "Stefanie", "staff")
			member, memberID, memberAPI := groupMember(t, l.lang, "Anton")
			var g struct{ ID string }
			staffAPI.call(http.MethodPost, "/v1/groups", map[string]any{"kind": "group", "access": "open", "name": "Viele Beiträge " + uuid()[:8]}, http.StatusCreated, &g)
			memberAPI.call(http.MethodPut, "/v1/groups/"+g.ID+"/members/"+memberID, map[string]any{}, http.StatusCreated, nil)
			var newest struct{ ID string }
			for i := 1; i <= 21; i++ {
				memberAPI.call(http.MethodPost, "/v1/groups/"+g.ID+"/posts", map[string]any{"text": "Beitrag " + strconv.Itoa(i)}, http.StatusCreated, &newest)
			}
			for i := 1; i <= 21; i++ {
				memberAPI.call(http.MethodPost, "/v1/posts/"+newest.ID+"/comments", map[string]any{"text": "Kommentar " + strconv.Itoa(i)}, http.StatusCreated, nil)
			}

			tb := networkPage(t, l.accept, l.lang, member, "group?id="+g.ID)
			tb.visible("#posts-more")
			if got := tb.count("#posts > li"); got != "20" {
				t.Errorf("%s posts on the first page, want 20", got)
			}
			if got := tb.text("#posts > li:first-child .post-body"); got != "Beitrag 21" {
				t.Errorf("first post %q, want the newest", got)
			}
			tb.axe("group, first page of posts")
			tb.do(chromedp.Click(css("#posts-more")))
			tb.waitFor(`document.querySelectorAll('#posts > li').length === 21`)
			if got := tb.text("#posts > li:last-child .post-body"); got != "Beitrag 1" {
				t.Errorf("last post %q, want the oldest", got)
			}
			if f := tb.focused(); !strings.HasPrefix(f, "post-") || tb.eval(`String(document.activeElement === document.querySelector('#posts > li:last-child'))`) != "true" {
				t.Errorf("focus on %q after loading more, want the first post added", f)
			}
			tb.waitFor(`document.getElementById('posts-more').hidden`)

			comments := "#post-" + newest.ID + "-comments"
			tb.do(chromedp.Click(css("#post-" + newest.ID + " button[aria-controls]")))
			tb.visible(comments + " > button")
			if got := tb.count(comments + " ul > li"); got != "20" {
				t.Errorf("%s comments on the first page, want 20", got)
			}
			tb.do(chromedp.Click(css(comments + " > button")))
			tb.waitFor(`document.querySelectorAll(` + jsString(comments+" ul > li") + `).length === 21`)
			if got := tb.text(comments + " ul > li:last-child .post-body"); got != "Kommentar 21" {
				t.Errorf("last comment %q, want the newest (comments come oldest first)", got)
			}
			tb.axe("group, all comments")
			// Hidden again, the comments go away; the button says so.
			tb.do(chromedp.Click(css("#post-" + newest.ID + " button[aria-controls]")))
			if tb.eval(`String(document.getElementById(`+jsString(strings.TrimPrefix(comments, "#"))+`).hidden)`) != "true" {
				t.Error("the comments are still shown after hiding them")
			}
		})
	}
}
