package integration

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// groupMember is a network member with a complete profile (first name given),
// and their account id.
func groupMember(t *testing.T, first string, roles ...string) (*client, string) {
	t.Helper()
	c := invited(t, "network", roles...)
	id := profile(t, c).ID
	p := fullProfile(0)
	p["firstName"] = first
	want(t, c.do(http.MethodPatch, "/v1/me/profile", p), http.StatusOK)
	return c, id
}

// object decodes a JSON object answer.
func object(t *testing.T, r response) map[string]any {
	t.Helper()
	var v map[string]any
	r.json(t, &v)
	return v
}

// newGroup makes a committee or group as staff and returns its id.
func newGroup(t *testing.T, staff *client, body map[string]any) string {
	t.Helper()
	r := staff.do(http.MethodPost, "/v1/groups", body)
	want(t, r, http.StatusCreated)
	return object(t, r)["id"].(string)
}

// post writes a post in a group and returns its id.
func post(t *testing.T, c *client, groupID, text string) string {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/groups/"+groupID+"/posts", map[string]any{"text": text})
	want(t, r, http.StatusCreated)
	return object(t, r)["id"].(string)
}

// listOf reads a listing's entries under name.
func listOf(t *testing.T, r response, name string) ([]map[string]any, string) {
	t.Helper()
	want(t, r, http.StatusOK)
	var v struct {
		Items map[string]any
	}
	_ = v
	var raw map[string]any
	r.json(t, &raw)
	var out []map[string]any
	for _, it := range raw[name].([]any) {
		out = append(out, it.(map[string]any))
	}
	next, _ := raw["next"].(string)
	return out, next
}

// Promise: HKC-6 — members meet in committees and groups: staff make a committee
// and appoint its members; only its members read and write in it, and every other
// network member, an account without the role and a stranger get 404 (or 401)
// for the committee, its posts and comments, never a title or a count; a member
// removed loses access at once.
func TestGroupsCommitteeAccessMatrix(t *testing.T) {
	staff, _ := groupMember(t, "Stefanie", "staff")
	moderator, moderatorID := groupMember(t, "Moritz")
	member, memberID := groupMember(t, "Mia")
	other, _ := groupMember(t, "Olaf")
	outsider, _ := signUp(t, "nonetwork")
	anon := newClient(t)
	anon.csrf()

	committee := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Ausschuss Außenwirtschaft", "description": "Export und Zoll", "moderators": []string{moderatorID}})
	want(t, staff.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+memberID, nil), http.StatusCreated)
	// Only staff appoint to a committee, not its moderators, not its members.
	otherID := profile(t, other).ID
	want(t, moderator.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+otherID, nil), http.StatusForbidden, "forbidden")
	want(t, member.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+otherID, nil), http.StatusForbidden, "forbidden")

	postID := post(t, member, committee, "Zolltarife 2027: <script>alert(1)</script> siehe https://example.org/zoll.")
	r := moderator.do(http.MethodPost, "/v1/posts/"+postID+"/comments", map[string]any{"text": "Danke!"})
	want(t, r, http.StatusCreated)
	commentID := object(t, r)["id"].(string)

	routes := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/v1/groups/" + committee, nil},
		{http.MethodPatch, "/v1/groups/" + committee, map[string]any{"version": 1, "name": "x"}},
		{http.MethodDelete, "/v1/groups/" + committee, nil},
		{http.MethodGet, "/v1/groups/" + committee + "/members", nil},
		{http.MethodPut, "/v1/groups/" + committee + "/members/" + otherID, nil},
		{http.MethodDelete, "/v1/groups/" + committee + "/members/" + memberID, nil},
		{http.MethodGet, "/v1/groups/" + committee + "/requests", nil},
		{http.MethodGet, "/v1/groups/" + committee + "/posts", nil},
		{http.MethodPost, "/v1/groups/" + committee + "/posts", map[string]any{"text": "hallo"}},
		{http.MethodGet, "/v1/posts/" + postID, nil},
		{http.MethodPatch, "/v1/posts/" + postID, map[string]any{"version": 1, "text": "x"}},
		{http.MethodDelete, "/v1/posts/" + postID + "?reason=spam", nil},
		{http.MethodGet, "/v1/posts/" + postID + "/comments", nil},
		{http.MethodPost, "/v1/posts/" + postID + "/comments", map[string]any{"text": "x"}},
		{http.MethodPatch, "/v1/comments/" + commentID, map[string]any{"version": 1, "text": "x"}},
		{http.MethodDelete, "/v1/comments/" + commentID + "?reason=spam", nil},
	}
	for _, rt := range routes {
		want(t, anon.do(rt.method, rt.path, rt.body), http.StatusUnauthorized, "unauthenticated")
		want(t, outsider.do(rt.method, rt.path, rt.body), http.StatusNotFound, "not_found")
		r := other.do(rt.method, rt.path, rt.body)
		want(t, r, http.StatusNotFound, "not_found")
		if strings.Contains(string(r.Body), "Außenwirtschaft") || strings.Contains(string(r.Body), "Zoll") {
			t.Fatalf("%s %s tells a non-member about the committee: %s", rt.method, rt.path, r.Body)
		}
	}
	for _, path := range []string{"/v1/groups", "/v1/feed"} {
		for _, c := range []*client{anon, outsider} {
			if got := c.do(http.MethodGet, path, nil); got.Status != http.StatusUnauthorized && got.Status != http.StatusNotFound {
				t.Fatalf("%s: %d", path, got.Status)
			}
		}
		if strings.Contains(string(other.do(http.MethodGet, path, nil).Body), committee) {
			t.Fatalf("%s lists the committee to a non-member", path)
		}
	}

	// Members read it; the post's text comes back as written and as HTML in which
	// the script is text and the address a link that opens nothing by itself.
	for _, c := range []*client{member, moderator, staff} {
		r := c.do(http.MethodGet, "/v1/posts/"+postID, nil)
		want(t, r, http.StatusOK)
		p := object(t, r)
		if !strings.Contains(p["text"].(string), "<script>") || strings.Contains(p["html"].(string), "<script") ||
			!strings.Contains(p["html"].(string), `<a href="https://example.org/zoll" rel="nofollow noopener noreferrer ugc">`) {
			t.Fatalf("post as read: %v", p)
		}
		if a := p["author"].(map[string]any); a["id"] != memberID || a["name"] != "Mia Großmann" {
			t.Fatalf("author: %v", a)
		}
	}
	feed, _ := listOf(t, member.do(http.MethodGet, "/v1/feed", nil), "posts")
	if len(feed) != 1 || feed[0]["id"] != postID || feed[0]["groupName"] != "Ausschuss Außenwirtschaft" || feed[0]["comments"] != 1.0 {
		t.Fatalf("feed: %v", feed)
	}

	// Another member cannot edit; the moderator removes only with a reason.
	want(t, moderator.do(http.MethodPatch, "/v1/posts/"+postID, map[string]any{"version": 1, "text": "x"}), http.StatusForbidden, "forbidden")
	want(t, moderator.do(http.MethodDelete, "/v1/comments/"+commentID, nil), http.StatusNoContent)

	// Removed, the member loses access to the committee and its posts at once.
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+committee+"/members/"+memberID, nil), http.StatusNoContent)
	want(t, member.do(http.MethodGet, "/v1/posts/"+postID, nil), http.StatusNotFound, "not_found")
	want(t, member.do(http.MethodGet, "/v1/groups/"+committee, nil), http.StatusNotFound, "not_found")
	if feed, _ := listOf(t, member.do(http.MethodGet, "/v1/feed", nil), "posts"); len(feed) != 0 {
		t.Fatalf("feed after removal: %v", feed)
	}
	// The moderator removes the post only with a reason from the list.
	want(t, moderator.do(http.MethodDelete, "/v1/posts/"+postID, nil), http.StatusBadRequest, "validation_failed")
	want(t, moderator.do(http.MethodDelete, "/v1/posts/"+postID+"?reason=because", nil), http.StatusBadRequest, "validation_failed")
	want(t, moderator.do(http.MethodDelete, "/v1/posts/"+postID+"?reason=off_topic", nil), http.StatusNoContent)
	want(t, staff.do(http.MethodGet, "/v1/posts/"+postID, nil), http.StatusNotFound, "not_found")
}

// Promise: HKC-6 — groups are open to join or closed: a join request that the
// group's moderators approve or decline; members leave when they like.
func TestGroupsOpenAndClosedGroupsJoinRequestsAndLeaving(t *testing.T) {
	staff, _ := groupMember(t, "Sven", "staff")
	moderator, moderatorID := groupMember(t, "Mareike")
	asker, askerID := groupMember(t, "Anton")
	declined, declinedID := groupMember(t, "Dora")
	want(t, moderator.do(http.MethodPost, "/v1/groups", map[string]any{"kind": "group", "access": "open", "name": "x"}), http.StatusForbidden, "forbidden")
	open := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Stammtisch Digitalisierung"})
	closed := newGroup(t, staff, map[string]any{"kind": "group", "access": "closed", "name": "Arbeitskreis Nachfolge", "moderators": []string{moderatorID}})

	// Both groups are listed to a member who is in neither.
	groups, _ := listOf(t, asker.do(http.MethodGet, "/v1/groups?limit=100", nil), "groups")
	seen := map[string]map[string]any{}
	for _, g := range groups {
		seen[g["id"].(string)] = g
	}
	if seen[open] == nil || seen[closed] == nil || seen[closed]["myRole"] != nil {
		t.Fatalf("groups listed: %v", groups)
	}
	// An open group is joined at once; joining again changes nothing.
	want(t, asker.do(http.MethodPut, "/v1/groups/"+open+"/members/"+askerID, nil), http.StatusCreated)
	want(t, asker.do(http.MethodPut, "/v1/groups/"+open+"/members/"+askerID, nil), http.StatusOK)
	post(t, asker, open, "Hallo zusammen")
	// A closed group: a request, not a membership; its posts stay hidden.
	postID := post(t, moderator, closed, "Nur für den Arbeitskreis")
	r := asker.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, nil)
	want(t, r, http.StatusAccepted)
	if object(t, r)["status"] != "requested" {
		t.Fatalf("request: %s", r.Body)
	}
	want(t, asker.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, map[string]any{"role": "moderator"}), http.StatusForbidden, "forbidden")
	want(t, asker.do(http.MethodGet, "/v1/posts/"+postID, nil), http.StatusNotFound, "not_found")
	want(t, asker.do(http.MethodGet, "/v1/groups/"+closed+"/posts", nil), http.StatusNotFound, "not_found")
	want(t, asker.do(http.MethodGet, "/v1/groups/"+closed+"/requests", nil), http.StatusNotFound, "not_found")
	if g := object(t, asker.do(http.MethodGet, "/v1/groups/"+closed, nil)); g["requested"] != true || g["myRole"] != nil {
		t.Fatalf("closed group as the asker sees it: %v", g)
	}
	want(t, declined.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+declinedID, nil), http.StatusAccepted)
	reqs, _ := listOf(t, moderator.do(http.MethodGet, "/v1/groups/"+closed+"/requests", nil), "requests")
	if len(reqs) != 2 || reqs[0]["name"] == nil {
		t.Fatalf("requests: %v", reqs)
	}
	// The moderator approves one and declines the other; only staff make moderators.
	want(t, moderator.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, map[string]any{"role": "moderator"}), http.StatusForbidden, "forbidden")
	want(t, moderator.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, nil), http.StatusCreated)
	want(t, moderator.do(http.MethodDelete, "/v1/groups/"+closed+"/members/"+declinedID, nil), http.StatusNoContent)
	want(t, moderator.do(http.MethodDelete, "/v1/groups/"+closed+"/members/"+declinedID, nil), http.StatusNotFound, "not_found")
	want(t, asker.do(http.MethodGet, "/v1/posts/"+postID, nil), http.StatusOK)
	want(t, declined.do(http.MethodGet, "/v1/posts/"+postID, nil), http.StatusNotFound, "not_found")
	if reqs, _ := listOf(t, moderator.do(http.MethodGet, "/v1/groups/"+closed+"/requests", nil), "requests"); len(reqs) != 0 {
		t.Fatalf("requests left: %v", reqs)
	}
	members, _ := listOf(t, asker.do(http.MethodGet, "/v1/groups/"+closed+"/members", nil), "members")
	if len(members) != 2 {
		t.Fatalf("members: %v", members)
	}
	// A member cannot remove a moderator or another member.
	want(t, asker.do(http.MethodDelete, "/v1/groups/"+closed+"/members/"+moderatorID, nil), http.StatusForbidden, "forbidden")
	// The feed holds the posts of both of the asker's groups, newest first.
	feed, _ := listOf(t, asker.do(http.MethodGet, "/v1/feed", nil), "posts")
	if len(feed) != 2 || feed[0]["id"] != postID || feed[1]["groupName"] != "Stammtisch Digitalisierung" {
		t.Fatalf("feed: %v", feed)
	}
	// Leaving: the group's posts are gone from the feed at once.
	want(t, asker.do(http.MethodDelete, "/v1/groups/"+closed+"/members/"+askerID, nil), http.StatusNoContent)
	feed, _ = listOf(t, asker.do(http.MethodGet, "/v1/feed", nil), "posts")
	if len(feed) != 1 || feed[0]["groupId"] != open {
		t.Fatalf("feed after leaving: %v", feed)
	}
	// Staff delete the closed group: it and its posts are gone for everyone.
	want(t, staff.do(http.MethodDelete, "/v1/groups/"+closed, nil), http.StatusNoContent)
	want(t, moderator.do(http.MethodGet, "/v1/groups/"+closed, nil), http.StatusNotFound, "not_found")
	want(t, moderator.do(http.MethodGet, "/v1/posts/"+postID, nil), http.StatusNotFound, "not_found")
	if n := itemsOf(t, "NetworkTable", closed); n != 0 {
		t.Fatalf("%d items of the deleted group left", n)
	}
}

// Bad input to the group routes gets a clear problem and changes nothing.
func TestGroupsRefuseBadInput(t *testing.T) {
	staff, _ := groupMember(t, "Sabine", "staff")
	member, memberID := groupMember(t, "Malte")
	g := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Bad input"})
	want(t, member.do(http.MethodPut, "/v1/groups/"+g+"/members/"+memberID, nil), http.StatusCreated)
	base := "/v1/groups/" + g + "/posts"
	for _, tc := range []struct {
		body  any
		field string
		code  string
	}{
		{map[string]any{"text": ""}, "text", "required"},
		{map[string]any{"text": strings.Repeat("x", 10001)}, "text", "too_long"},
		{map[string]any{"text": "a\u0000b"}, "text", "control_characters"},
		{map[string]any{"text": "ok", "links": []any{map[string]any{"url": "javascript:alert(1)"}}}, "links", "invalid_url"},
		{map[string]any{"text": "ok", "links": []any{map[string]any{"url": "data:text/html,<script>x</script>"}}}, "links", "invalid_url"},
		{map[string]any{"text": "ok", "links": []any{map[string]any{"url": "https://user:pw@example.org"}}}, "links", "invalid_url"},
		{map[string]any{"text": "ok", "version": 3}, "version", "invalid_value"},
	} {
		r := member.do(http.MethodPost, base, tc.body)
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) == 0 || p.Errors[0].Field != tc.field || p.Errors[0].Code != tc.code {
			t.Errorf("%v: %+v", tc.body, p.Errors)
		}
	}
	for _, raw := range []string{`{"text":"ok","extra":1}`, `{"text":["x"]}`, `[1]`, "{\"text\":\"\xff\xfe\"}", strings.Repeat(`{"text":`, 200) + `"x"` + strings.Repeat("}", 200)} {
		want(t, member.raw(http.MethodPost, base, "application/json", []byte(raw), nil), http.StatusBadRequest, "invalid_json")
	}
	want(t, member.raw(http.MethodPost, base, "application/json", []byte(`{"text":"`+strings.Repeat("x", 70<<10)+`"}`), nil), http.StatusRequestEntityTooLarge, "body_too_large")
	for _, body := range []map[string]any{{"kind": "club", "name": "x"}, {"kind": "committee", "access": "open", "name": "x"}, {"kind": "group", "name": "x"}, {"kind": "group", "access": "open", "name": "a\nb"},
		{"kind": "group", "access": "open", "name": "x", "moderators": []string{memberID + "0"}}, {"kind": "group", "access": "open", "name": "x", "moderators": []string{"0190c8e2-7c1a-7abc-8def-0123456789ab"}}} {
		want(t, staff.do(http.MethodPost, "/v1/groups", body), http.StatusBadRequest, "validation_failed")
	}
	// Nothing of it was stored.
	if posts, _ := listOf(t, member.do(http.MethodGet, base, nil), "posts"); len(posts) != 0 {
		t.Fatalf("posts stored from bad input: %v", posts)
	}
	// A change on an old version, and ids that are no one's.
	id := post(t, member, g, "eins")
	want(t, member.do(http.MethodPatch, "/v1/posts/"+id, map[string]any{"version": 1, "text": "zwei"}), http.StatusOK)
	want(t, member.do(http.MethodPatch, "/v1/posts/"+id, map[string]any{"version": 1, "text": "drei"}), http.StatusConflict, "conflict")
	for _, path := range []string{"/v1/posts/" + g, "/v1/posts/nope", "/v1/posts/" + g + "/comments", "/v1/groups/" + id} {
		want(t, member.do(http.MethodGet, path, nil), http.StatusNotFound, "not_found")
	}
	want(t, member.do(http.MethodDelete, "/v1/groups/"+g+"/members/nope", nil), http.StatusNotFound, "not_found")
	want(t, member.do(http.MethodPatch, "/v1/comments/"+id, map[string]any{"version": 1, "text": "x"}), http.StatusNotFound, "not_found")
	want(t, member.do(http.MethodGet, base+"?cursor=!!", nil), http.StatusBadRequest, "validation_failed")
	want(t, member.do(http.MethodGet, "/v1/feed?limit=51", nil), http.StatusBadRequest, "validation_failed")
}

// scanFor lists the items of a table that hold any of the needles anywhere in
// their attributes.
func scanFor(t *testing.T, logicalID string, needles ...string) []string {
	t.Helper()
	var hits []string
	p := dynamodb.NewScanPaginator(db(), &dynamodb.ScanInput{TableName: aws.String(stack.Name(logicalID)), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			var v any
			if err := attributevalue.UnmarshalMap(it, &v); err != nil {
				t.Fatal(err)
			}
			b, _ := json.Marshal(v)
			for _, n := range needles {
				if strings.Contains(strings.ToLower(string(b)), strings.ToLower(n)) {
					hits = append(hits, string(b))
					break
				}
			}
		}
	}
	return hits
}

// Promise: HKC-14 — when a member leaves the network, their profile, picture,
// memberships and voluntary data are deleted, and their posts and comments stay
// without anything that names them or links them to each other.
// Promise: HKC-16 — the export holds the member's memberships, posts and comments.
func TestGroupsDeactivationLeavesPostsUnattributable(t *testing.T) {
	staff, _ := groupMember(t, "Svenja", "staff")
	leaver, leaverID := groupMember(t, "Quirinius")
	reader, readerID := groupMember(t, "Rita")
	email := profile(t, leaver).Email
	g := newGroup(t, staff, map[string]any{"kind": "group", "access": "open", "name": "Nachhaltigkeit"})
	for _, c := range []struct {
		c  *client
		id string
	}{{leaver, leaverID}, {reader, readerID}} {
		want(t, c.c.do(http.MethodPut, "/v1/groups/"+g+"/members/"+c.id, nil), http.StatusCreated)
	}
	first := post(t, leaver, g, "Erster Beitrag")
	second := post(t, leaver, g, "Zweiter Beitrag")
	mine := post(t, reader, g, "Ein Beitrag von Rita")
	r := leaver.do(http.MethodPost, "/v1/posts/"+mine+"/comments", map[string]any{"text": "Ein Kommentar"})
	want(t, r, http.StatusCreated)
	commentID := object(t, r)["id"].(string)

	d := export(t, leaver)
	got := map[string]string{}
	for _, cat := range d.Categories {
		got[cat.ID] = toJSON(t, cat.Data)
	}
	if !strings.Contains(got["network.memberships"], g) || !strings.Contains(got["network.posts"], "Zweiter Beitrag") || !strings.Contains(got["network.posts"], "Ein Kommentar") {
		t.Fatalf("export: %v", got)
	}
	if strings.Contains(got["network.posts"], "Ein Beitrag von Rita") {
		t.Fatal("the export holds another member's post")
	}

	want(t, leaver.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)

	// The posts and the comment stay, from a former member: no id, no name.
	for _, id := range []string{first, second} {
		p := object(t, reader.do(http.MethodGet, "/v1/posts/"+id, nil))
		if a := p["author"].(map[string]any); a["former"] != true || a["id"] != nil || a["name"] != nil {
			t.Fatalf("post %s after the deactivation: %v", id, p)
		}
	}
	cs, _ := listOf(t, reader.do(http.MethodGet, "/v1/posts/"+mine+"/comments", nil), "comments")
	if len(cs) != 1 || cs[0]["id"] != commentID || cs[0]["author"].(map[string]any)["former"] != true {
		t.Fatalf("comments: %v", cs)
	}
	feed, _ := listOf(t, reader.do(http.MethodGet, "/v1/feed", nil), "posts")
	if len(feed) != 3 {
		t.Fatalf("feed: %v", feed)
	}
	members, _ := listOf(t, reader.do(http.MethodGet, "/v1/groups/"+g+"/members", nil), "members")
	if len(members) != 1 || object(t, reader.do(http.MethodGet, "/v1/groups/"+g, nil))["members"] != 1.0 {
		t.Fatalf("members after the deactivation: %v", members)
	}
	// Nothing in the network table or the picture bucket names the person.
	if hits := scanFor(t, "NetworkTable", leaverID, "Quirinius", email); len(hits) > 0 {
		t.Fatalf("the network table still names the former member: %v", hits)
	}
	if keys := pictureObjects(t, leaverID); len(keys) > 0 {
		t.Fatalf("picture objects left: %v", keys)
	}
}
