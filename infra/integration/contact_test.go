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
