package integration

import (
	"net/http"
	"testing"
)

// Promise: HKC-16 — a member who restricted the processing of their data (Art.
// 18) is not added to a committee or group by anyone else, nor is their join
// request admitted, while the restriction stands; their data stays as it is, and
// once they lift it the same request succeeds.
func TestGroupsRestrictedMemberIsNotAddedByOthers(t *testing.T) {
	staff, _ := groupMember(t, "Sabine", "staff")
	moderator, moderatorID := groupMember(t, "Malte")
	asker, askerID := groupMember(t, "Anke")
	appointed, appointedID := groupMember(t, "Arne")

	committee := newGroup(t, staff, map[string]any{"kind": "committee", "name": "Ausschuss Verkehr"})
	closed := newGroup(t, staff, map[string]any{"kind": "group", "access": "closed", "name": "Arbeitskreis Häfen", "moderators": []string{moderatorID}})
	want(t, asker.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, nil), http.StatusAccepted)

	want(t, appointed.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	want(t, asker.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	want(t, staff.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+appointedID, nil), http.StatusConflict, "processing_restricted")
	want(t, moderator.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, nil), http.StatusConflict, "processing_restricted")
	want(t, staff.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, nil), http.StatusConflict, "processing_restricted")
	// Nothing changed: neither is a member, the request is still waiting.
	members, _ := listOf(t, staff.do(http.MethodGet, "/v1/groups/"+committee+"/members", nil), "members")
	if len(members) != 0 {
		t.Fatalf("committee members while restricted: %v", members)
	}
	reqs, _ := listOf(t, moderator.do(http.MethodGet, "/v1/groups/"+closed+"/requests", nil), "requests")
	if len(reqs) != 1 || reqs[0]["accountId"] != askerID {
		t.Fatalf("join requests while restricted: %v", reqs)
	}

	want(t, appointed.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	want(t, asker.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	want(t, staff.do(http.MethodPut, "/v1/groups/"+committee+"/members/"+appointedID, nil), http.StatusCreated)
	want(t, moderator.do(http.MethodPut, "/v1/groups/"+closed+"/members/"+askerID, nil), http.StatusCreated)
}
