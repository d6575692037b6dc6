package integration

import (
	"net/http"
	"strings"
	"testing"
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
