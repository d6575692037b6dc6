package integration

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"kontor/shared/access"
	"kontor/shared/network"
)

// networkRoute is the admin route that gives (PUT) and takes away (DELETE) the
// network role of the account id.
func networkRoute(id string) string { return "/v1/admin/members/" + id + "/network" }

// auditActions are the actions audited about an account, sorted.
func auditActions(t *testing.T, accountID string) []string {
	t.Helper()
	entries, err := privacyStore().AuditFor(context.Background(), accountID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Action)
	}
	slices.Sort(out)
	return out
}

// Staff and admins give an existing account the network role and take it away.
// Given, it works in the session the person is already signed in with; taken
// away, the same session meets 404 at once, the profile and picture are erased
// (through the network's privacy function) and other members no longer find it.
// Everyone else is refused; an unknown account is 404; both are audited.
func TestNetworkRoleIsGrantedAndRemovedByStaffAndAdmins(t *testing.T) {
	admin := adminClient(t)
	staff := invited(t, "staff")
	person, email := signUp(t, "joiner")
	personID := profile(t, person).ID
	reader, _ := networkMember(t)

	// Without the role, the network is hidden.
	want(t, person.do(http.MethodGet, "/v1/me/profile", nil), http.StatusNotFound, "not_found")

	// A plain member and a network member may not change anyone's role: 403 as
	// on the other admin routes, nothing changed.
	for _, c := range []*client{person, reader} {
		want(t, c.do(http.MethodPut, networkRoute(personID), nil), http.StatusForbidden, "forbidden")
		want(t, c.do(http.MethodDelete, networkRoute(personID), nil), http.StatusForbidden, "forbidden")
	}
	anon := newClient(t)
	anon.csrf()
	want(t, anon.do(http.MethodPut, networkRoute(personID), nil), http.StatusUnauthorized, "unauthenticated")

	// Unknown accounts and what is no account id at all.
	for _, id := range []string{"0190c8e2-7c1a-7abc-8def-0123456789ab", "x"} {
		want(t, staff.do(http.MethodPut, networkRoute(id), nil), http.StatusNotFound, "not_found")
		want(t, admin.do(http.MethodDelete, networkRoute(id), nil), http.StatusNotFound, "not_found")
	}

	// Staff grants; granting again is fine. The person's current session has it.
	want(t, staff.do(http.MethodPut, networkRoute(personID), nil), http.StatusNoContent)
	want(t, admin.do(http.MethodPut, networkRoute(personID), nil), http.StatusNoContent)
	if roles := profile(t, person).Roles; !slices.Equal(roles, []string{access.RoleMember, access.RoleNetwork}) {
		t.Fatalf("roles after granting twice: %v", roles)
	}
	want(t, person.do(http.MethodPatch, "/v1/me/profile", fullProfile(0)), http.StatusOK)
	want(t, person.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
	want(t, sendPicture(t, person, "image/jpeg", jpegFile), http.StatusOK)
	if v := memberView(t, reader, personID); v["lastName"] != "Großmann" {
		t.Fatalf("another member's view: %v", v)
	}
	if itemsOf(t, "NetworkTable", personID) != 2 || len(pictureObjects(t, personID)) != 2 {
		t.Fatal("profile and picture not stored where the test looks")
	}

	// The admin takes it away: at once the same session gets 404, the profile and
	// picture are gone, and another member no longer finds it.
	want(t, admin.do(http.MethodDelete, networkRoute(personID), nil), http.StatusNoContent)
	want(t, person.do(http.MethodGet, "/v1/me/profile", nil), http.StatusNotFound, "not_found")
	want(t, reader.do(http.MethodGet, "/v1/members/"+personID, nil), http.StatusNotFound, "not_found")
	if n, keys := itemsOf(t, "NetworkTable", personID), pictureObjects(t, personID); n != 0 || len(keys) != 0 {
		t.Fatalf("after removal: %d items, objects %v", n, keys)
	}
	if roles := profile(t, person).Roles; !slices.Equal(roles, []string{access.RoleMember}) {
		t.Fatalf("roles after removal: %v", roles)
	}
	// A new sign-in does not bring it back; removing again is harmless.
	fresh := newClient(t)
	login(t, fresh, email, goodPassword)
	want(t, fresh.do(http.MethodGet, "/v1/me/profile", nil), http.StatusNotFound, "not_found")
	want(t, staff.do(http.MethodDelete, networkRoute(personID), nil), http.StatusNoContent)

	wantActions := []string{"network.granted", "network.granted", "network.removed", "network.removed"}
	if got := auditActions(t, personID); !slices.Equal(got, wantActions) {
		t.Fatalf("audited %v, want %v", got, wantActions)
	}
}
