package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"kontor/shared/contact"
	"kontor/shared/contact/contactdb"
)

// staffClient invites a staff member through the API, signs in with the mailed
// temporary password and changes it.
func staffClient(t *testing.T) *client {
	t.Helper()
	return invited(t, "staff")
}

func contactStore() *contactdb.Store {
	return &contactdb.Store{DB: db(), Table: stack.Name("ContactTable")}
}

// Promise: CP-3 — a valid email is required, everything else is voluntary and consent-based; deleted automatically once resolved.
// Promise: H4U-8 — other requests are stored to handle them and deleted after final handling unless a legal retention duty applies; sharing the app's log file is optional.
func TestContactRequestLifecycle(t *testing.T) {
	anon := newClient(t)
	anon.csrf()
	want(t, anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"message": "hi"}), http.StatusBadRequest, "validation_failed")
	r := anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": newEmail("asker"), "message": "Wo ist mein Vertrag?"})
	want(t, r, http.StatusBadRequest, "validation_failed")
	if !strings.Contains(string(r.Body), "consentVersion") {
		t.Fatalf("missing consent not named: %s", r.Body)
	}
	var plain, withLog, retained struct{ ID string }
	r = anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": newEmail("bare")})
	want(t, r, http.StatusCreated)
	r.json(t, &plain)
	r = anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": newEmail("withlog"), "subject": "App stürzt ab",
		"message": "Beim Hochladen.", "appLog": "2026-11-23T10:00:00Z upload failed\n", "consentVersion": contact.ConsentVersion})
	want(t, r, http.StatusCreated)
	r.json(t, &withLog)
	r = anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": newEmail("retained"), "message": "Kündigung", "consentVersion": contact.ConsentVersion})
	want(t, r, http.StatusCreated)
	r.json(t, &retained)

	member, _ := signUp(t, "contactmember")
	r = member.do(http.MethodPost, "/v1/me/contact-requests", map[string]any{"subject": "Frage", "message": "Mit Konto.", "consentVersion": contact.ConsentVersion})
	want(t, r, http.StatusCreated)
	if d := export(t, member); !strings.Contains(toJSON(t, d.Categories), "Mit Konto.") {
		t.Fatal("the signed-in request is not in the export")
	}
	want(t, member.do(http.MethodGet, "/v1/staff/contact-requests", nil), http.StatusForbidden, "forbidden")

	staff := staffClient(t)
	r = staff.do(http.MethodGet, "/v1/staff/contact-requests", nil)
	want(t, r, http.StatusOK)
	for _, id := range []string{plain.ID, withLog.ID, retained.ID} {
		if !strings.Contains(string(r.Body), id) {
			t.Fatalf("open list lacks %s", id)
		}
	}
	want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/"+withLog.ID+"/resolve", map[string]any{}), http.StatusOK)
	want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/"+withLog.ID+"/resolve", map[string]any{}), http.StatusConflict, "conflict")
	want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/"+retained.ID+"/resolve", map[string]any{"retainYears": 2}), http.StatusBadRequest, "validation_failed")
	want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/"+retained.ID+"/resolve", map[string]any{"retainYears": 2, "retainReason": "§ 257 HGB"}), http.StatusOK)
	want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/not-an-id/resolve", map[string]any{}), http.StatusNotFound, "not_found")

	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	st := contactStore()
	if _, err := st.Get(context.Background(), withLog.ID); err == nil {
		t.Fatal("resolved request survived the sweep")
	}
	for _, id := range []string{plain.ID, retained.ID} {
		if _, err := st.Get(context.Background(), id); err != nil {
			t.Fatalf("request %s swept too early: %v", id, err)
		}
	}
}

// myRequests is a page of GET /v1/me/contact-requests.
type myRequests struct {
	Requests []struct {
		ID, Email, Subject, Message, Status string
	}
	Next string
}

// A signed-in person lists their own contact requests, newest first and paged;
// another person's requests are never among them, whatever the cursor, and the
// staff member who resolved one is not named.
func TestMyContactRequestsListsOnlyMine(t *testing.T) {
	a, _ := signUp(t, "mine-a")
	b, _ := signUp(t, "mine-b")
	post := func(c *client, subject string) string {
		t.Helper()
		var rec struct{ ID string }
		r := c.do(http.MethodPost, "/v1/me/contact-requests", map[string]any{"subject": subject, "consentVersion": contact.ConsentVersion})
		want(t, r, http.StatusCreated)
		r.json(t, &rec)
		return rec.ID
	}
	first, second, third := post(a, "A1"), post(a, "A2"), post(a, "A3")
	theirs := post(b, "B1")
	anon := newClient(t)
	want(t, anon.do(http.MethodGet, "/v1/me/contact-requests", nil), http.StatusUnauthorized, "unauthenticated")

	list := func(c *client, query string) myRequests {
		t.Helper()
		var l myRequests
		r := c.do(http.MethodGet, "/v1/me/contact-requests"+query, nil)
		want(t, r, http.StatusOK)
		r.json(t, &l)
		return l
	}
	page := list(a, "?limit=2")
	if len(page.Requests) != 2 || page.Requests[0].ID != third || page.Requests[1].ID != second || page.Next == "" {
		t.Fatalf("first page %+v, want %s, %s and a next", page, third, second)
	}
	if page.Requests[0].Subject != "A3" || page.Requests[0].Status != contact.StatusOpen || page.Requests[0].Email == "" {
		t.Fatalf("request shown as %+v", page.Requests[0])
	}
	page = list(a, "?limit=2&cursor="+page.Next)
	if len(page.Requests) != 1 || page.Requests[0].ID != first || page.Next != "" {
		t.Fatalf("last page %+v, want %s only", page, first)
	}
	// A cursor of another person's request pages through the caller's own only.
	if l := list(a, "?cursor="+theirs); len(l.Requests) != 3 {
		t.Fatalf("with B's id as cursor: %+v", l)
	}
	if l := list(b, ""); len(l.Requests) != 1 || l.Requests[0].ID != theirs {
		t.Fatalf("B sees %+v, want only their own", l)
	}
	wantFieldError(t, a.do(http.MethodGet, "/v1/me/contact-requests?limit=0", nil), "limit", "invalid_value")
	wantFieldError(t, a.do(http.MethodGet, "/v1/me/contact-requests?cursor=x", nil), "cursor", "invalid_value")

	staff := staffClient(t)
	want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/"+second+"/resolve", map[string]any{}), http.StatusOK)
	r := a.do(http.MethodGet, "/v1/me/contact-requests", nil)
	want(t, r, http.StatusOK)
	var l myRequests
	r.json(t, &l)
	if len(l.Requests) != 3 || l.Requests[1].ID != second || l.Requests[1].Status != contact.StatusResolved {
		t.Fatalf("resolved request shown as %+v", l.Requests)
	}
	if strings.Contains(string(r.Body), "resolvedBy") {
		t.Fatalf("the staff member is named to the sender: %s", r.Body)
	}
}
