package integration

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"kontor/shared/contact"
	"kontor/shared/dynamo"
	"kontor/shared/ratelimit"
)

// storedFrom counts the stored contact requests whose address starts with prefix.
func storedFrom(t *testing.T, prefix string) int {
	t.Helper()
	n := 0
	err := contactStore().Each(context.Background(), func(r contact.Request) error {
		if strings.HasPrefix(r.Email, prefix) {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// wantFieldError checks that a 400 names field with code.
func wantFieldError(t *testing.T, r response, field, code string) {
	t.Helper()
	want(t, r, http.StatusBadRequest, "validation_failed")
	for _, e := range r.problem(t).Errors {
		if e.Field == field && e.Code == code && e.Message != "" {
			return
		}
	}
	t.Fatalf("%s %s not named: %s", field, code, r.Body)
}

// An anonymous contact request's fields have caps that fit a note to staff; a field
// over its cap is refused by name, a body larger than any valid one with 413, and
// neither stores anything (docs/contact.md).
func TestContactFieldsOverTheirCapsAreRefused(t *testing.T) {
	c := newClientFrom(t, "127.0.0.51")
	c.csrf()
	line := "2026-11-23T10:00:00Z upload failed: timeout\n"
	logOf := func(n int) string { return strings.Repeat(line, n/len(line)+1)[:n] }
	send := func(email string, fields map[string]any) response {
		body := map[string]any{"email": email, "consentVersion": contact.ConsentVersion}
		for k, v := range fields {
			body[k] = v
		}
		return c.do(http.MethodPost, "/v1/contact-requests", body)
	}
	wantFieldError(t, send("capped.applog@example.org", map[string]any{"appLog": logOf(contact.MaxAppLog + 1)}), "appLog", "too_long")
	wantFieldError(t, send("capped.name@example.org", map[string]any{"name": strings.Repeat("N", contact.MaxName+1)}), "name", "too_long")
	// What was accepted before (64 KiB of log) is now larger than any valid body.
	want(t, send("capped.body@example.org", map[string]any{"appLog": logOf(64 << 10)}), http.StatusRequestEntityTooLarge, "body_too_large")
	if n := storedFrom(t, "capped."); n != 0 {
		t.Fatalf("%d refused requests stored", n)
	}
	// At its cap, the log is taken.
	want(t, send("atcap.applog@example.org", map[string]any{"appLog": logOf(contact.MaxAppLog)}), http.StatusCreated)
}

// One client sending 100 contact requests within a minute stores exactly its limit;
// the rest are refused with 429 and Retry-After.
func TestOneClientStoresAtMostItsLimit(t *testing.T) {
	c := newClientFrom(t, "127.0.0.52")
	c.csrf()
	created, limited := 0, 0
	start := time.Now()
	for i := range 100 {
		r := c.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": "flood52." + strconv.Itoa(i) + "@example.org"})
		switch r.Status {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
			want(t, r, http.StatusTooManyRequests, "too_many_attempts")
			if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 || s > 3600 {
				t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
			}
			limited++
		default:
			t.Fatalf("request %d: status %d: %s", i, r.Status, r.Body)
		}
	}
	if took := time.Since(start); took > time.Minute {
		t.Logf("100 requests took %s (the limit's window is an hour, so they still fell in it)", took)
	}
	if created != ratelimit.ContactSubmit.Max || limited != 100-created {
		t.Fatalf("%d created, %d limited; want %d created", created, limited, ratelimit.ContactSubmit.Max)
	}
	if n := storedFrom(t, "flood52."); n != ratelimit.ContactSubmit.Max {
		t.Fatalf("%d stored, want %d", n, ratelimit.ContactSubmit.Max)
	}
}

// While contact.MaxOpen requests wait for staff, anonymous requests are refused with
// 503 contact_queue_full and Retry-After, and nothing is stored; signed-in customers
// still get through; a resolve frees a place.
func TestContactQueueFullRefusesUntilStaffResolve(t *testing.T) {
	ctx := context.Background()
	st := contactStore()
	// As if the queue held all but one: the counter is the only thing the cap reads.
	// Afterwards the store recounts the real open list, as the retention sweep does.
	t.Cleanup(func() {
		if err := st.RecountOpen(context.Background()); err != nil {
			t.Error(err)
		}
	})
	if err := (dynamo.Table{DB: db(), Name: stack.Name("ContactTable")}).Put(ctx, dynamo.Key("COUNT#open", "COUNT"),
		map[string]int{"n": contact.MaxOpen - 1}, time.Time{}, dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}
	anon := newClientFrom(t, "127.0.0.53")
	anon.csrf()
	var last struct{ ID string }
	r := anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": "queue.last@example.org"})
	want(t, r, http.StatusCreated)
	r.json(t, &last)
	r = anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": "queue.refused@example.org"})
	want(t, r, http.StatusServiceUnavailable, contact.CodeQueueFull.ID)
	if got := r.Header.Get("Retry-After"); got != strconv.Itoa(int(contact.QueueFullRetry/time.Second)) {
		t.Fatalf("Retry-After %q", got)
	}
	if n := storedFrom(t, "queue.refused"); n != 0 {
		t.Fatal("a refused request was stored")
	}
	member, _ := signUp(t, "queuemember")
	var mine struct{ ID string }
	r = member.do(http.MethodPost, "/v1/me/contact-requests", map[string]any{"subject": "Frage", "consentVersion": contact.ConsentVersion})
	want(t, r, http.StatusCreated)
	r.json(t, &mine)
	want(t, anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": "queue.refused@example.org"}), http.StatusServiceUnavailable, contact.CodeQueueFull.ID)

	staff := staffClient(t)
	for _, id := range []string{mine.ID, last.ID} {
		want(t, staff.do(http.MethodPost, "/v1/staff/contact-requests/"+id+"/resolve", map[string]any{}), http.StatusOK)
	}
	want(t, anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": "queue.freed@example.org"}), http.StatusCreated)
	want(t, anon.do(http.MethodPost, "/v1/contact-requests", map[string]any{"email": "queue.refused@example.org"}), http.StatusServiceUnavailable, contact.CodeQueueFull.ID)
}
