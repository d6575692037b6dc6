package network

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRegisterNumbersHaveCourtRegisterAndNumber(t *testing.T) {
	for in, want := range map[string]string{
		"Amtsgericht Hamburg HRB 12345":                   "Amtsgericht Hamburg HRB 12345",
		"  Amtsgericht   München HRA 1 ":                  "Amtsgericht München HRA 1",
		"Amtsgericht Charlottenburg (Berlin) HRB 98765 B": "Amtsgericht Charlottenburg (Berlin) HRB 98765 B",
		"Amtsgericht Köln GnR 123":                        "Amtsgericht Köln GnR 123",
	} {
		if got, ok := NormalizeRegisterNumber(in); !ok || got != want {
			t.Errorf("%q: %q %v", in, got, ok)
		}
	}
	for _, bad := range []string{"", "HRB 12345", "Amtsgericht Hamburg HRB", "Amtsgericht Hamburg HRB 0123", "Amtsgericht Hamburg HRZ 1",
		"Amtsgericht Hamburg HRB 12345678", "Amtsgericht Hamburg HRB 1 abc", "1 HRB 1", "Amtsgericht/../x HRB 1", "Amtsgericht\x00Hamburg HRB 1"} {
		if _, ok := NormalizeRegisterNumber(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// The answer must be for the number asked; anything else is refused by reason.
func TestRegisterAnswersAreCheckedBeforeUse(t *testing.T) {
	const number = "Amtsgericht Hamburg HRB 12345"
	for body, reason := range map[string]string{
		`{"registerNumber": "Amtsgericht Hamburg HRB 12346", "name": "X"}`: "wrong_number",
		`{"name": "X"}`: "wrong_number",
		`{"registerNumber": "Amtsgericht Hamburg HRB 12345", "name": `:   "invalid_json",
		`{"registerNumber": "Amtsgericht Hamburg HRB 12345"} {}`:         "invalid_json",
		`{"registerNumber": "Amtsgericht Hamburg HRB 12345", "name": 5}`: "invalid_json",
		`[]`: "invalid_json",
	} {
		_, err := parseRecord([]byte(body), number)
		var re *RegisterError
		if !errors.As(err, &re) || re.Reason != reason {
			t.Errorf("%s: %v, want %s", body, err, reason)
		}
	}
	rec, err := parseRecord([]byte(`{"registerNumber": "Amtsgericht  Hamburg HRB 12345", "name": "Großmann GmbH", "extra": 1}`), number)
	if err != nil || rec.Company != "Großmann GmbH" {
		t.Fatalf("%+v %v", rec, err)
	}
}

// Only https reaches the register (plain http to this machine only), its
// certificate is verified, and the key goes to no other host.
func TestRegisterIsReachedOnlyOverVerifiedTLS(t *testing.T) {
	for _, u := range []string{"http://register.example.org/v1", "ftp://register.example.org", "https://user:pw@register.example.org", "https://register.example.org/v1?x=1", "/v1"} {
		if _, err := NewHTTPRegister(u, "key-of-sixteen-chars", time.Second); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	if _, err := NewHTTPRegister("https://register.example.org/v1", "", time.Second); err == nil {
		t.Error("an empty key accepted")
	}
	gotKey := make(chan string, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotKey <- r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"registerNumber": "Amtsgericht Hamburg HRB 1"}`))
	}))
	defer srv.Close()
	reg, err := NewHTTPRegister(srv.URL, "key-of-sixteen-chars", time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// The test server's certificate is no trusted root's: refused before any request.
	_, err = reg.Lookup(context.Background(), "Amtsgericht Hamburg HRB 1")
	var re *RegisterError
	if !errors.As(err, &re) || re.Reason != "unavailable" || len(gotKey) != 0 {
		t.Fatalf("untrusted certificate: %v, key sent: %v", err, len(gotKey) > 0)
	}
	// Trusting it (as a deployment trusts the register's), the answer is taken.
	reg.Client.Transport = srv.Client().Transport
	if _, err := reg.Lookup(context.Background(), "Amtsgericht Hamburg HRB 1"); err != nil {
		t.Fatal(err)
	}
	if k := <-gotKey; k != "Bearer key-of-sixteen-chars" {
		t.Fatalf("key sent as %q", k)
	}
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatal("not a TLS server")
	}
}

// An answer naming details the register does not manage (or visibility
// switches) changes only the register-managed ones: the rest is never read.
func TestRegisterAnswerReachesOnlyTheManagedDetails(t *testing.T) {
	rec, err := parseRecord([]byte(`{"registerNumber": "Amtsgericht Hamburg HRB 1", "name": "X GmbH", "street": "Y", "firstName": "Mallory",
		"birthdateVisible": true, "email": "m@evil.example", "about": "pwned", "version": 99, "city": ""}`), "Amtsgericht Hamburg HRB 1")
	if err != nil {
		t.Fatal(err)
	}
	patch := rec.patch()
	if len(patch) != 2 || patch["company"] != "X GmbH" || patch["street"] != "Y" {
		t.Fatalf("patch %v", patch)
	}
	for name := range patch {
		if !slices.Contains(RegisterFields, name) {
			t.Errorf("%s is not register-managed", name)
		}
	}
}
