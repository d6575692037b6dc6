package eid

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"kontor/infra/local"
	"kontor/shared/insurance"
)

// plugged starts the stand-in behind a test server at /_local/eid/, signing with
// secret.
func plugged(t *testing.T, secret string) (*httptest.Server, local.Plugged) {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	e := New()
	pl, err := e.Plug(local.Socket{APIURL: srv.URL, BasePath: "/_local/eid", BaseURL: srv.URL + "/_local/eid",
		Param: func(name string) (string, error) { return "", errors.New("unexpected read of " + name) },
		Secret: func(name string) (string, error) {
			if name != CallbackSecretParameter {
				return "", errors.New("unexpected read of " + name)
			}
			return secret, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	mux.Handle("/_local/eid/", pl.Handler)
	return srv, pl
}

// The portal's provider URL points at the stand-in's sessions; a session gives a
// page to identify on; finishing it posts the callback, signed with the run's
// secret, with the identity entered.
func TestIdentificationSendsTheSignedCallback(t *testing.T) {
	secret := strings.Repeat("k", 40)
	var got insurance.Callback
	var valid bool
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		valid = insurance.Verify([]byte(secret), r.Header.Get(insurance.SignatureHeader), body, time.Now())
		_ = json.Unmarshal(body, &got)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer portal.Close()
	srv, pl := plugged(t, secret)
	if pl.Parameters[ProviderURLParameter] != srv.URL+"/_local/eid/sessions" {
		t.Fatalf("parameters %v", pl.Parameters)
	}

	resp, err := http.Post(srv.URL+"/_local/eid/sessions", "application/json", strings.NewReader(`{"pseudonym":"p-1","callbackUrl":"`+portal.URL+`/v1/insurance/eid/callback"}`))
	if err != nil {
		t.Fatal(err)
	}
	var started struct {
		RedirectURL string `json:"redirectUrl"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&started)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(started.RedirectURL, srv.URL+"/_local/eid/identify/") {
		t.Fatalf("start: %d %+v", resp.StatusCode, started)
	}
	id := strings.TrimPrefix(started.RedirectURL, srv.URL+"/_local/eid/identify/")

	resp, err = http.Get(started.RedirectURL)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `action="/_local/eid/identify/`+id+`"`) {
		t.Fatalf("page: %d %s", resp.StatusCode, page)
	}

	resp, err = http.PostForm(started.RedirectURL, url.Values{"result": {"verified"}, "givenNames": {"Erik"}, "familyNames": {"Muster"}, "dateOfBirth": {"1980-02-03"}})
	if err != nil {
		t.Fatal(err)
	}
	var done struct {
		CallbackStatus int `json:"callbackStatus"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&done)
	resp.Body.Close()
	if done.CallbackStatus != http.StatusNoContent || !valid {
		t.Fatalf("callback %d, signature valid %v", done.CallbackStatus, valid)
	}
	if got.Pseudonym != "p-1" || got.Result != insurance.EIDVerified || got.Identity == nil || *got.Identity != (insurance.EIDIdentity{GivenNames: "Erik", FamilyNames: "Muster", DateOfBirth: "1980-02-03"}) {
		t.Fatalf("callback %+v", got)
	}

	var sessions []session
	resp, err = http.Get(srv.URL + "/_local/eid/sessions")
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&sessions)
	resp.Body.Close()
	if len(sessions) != 1 || sessions[0].ID != id || sessions[0].Result != insurance.EIDVerified {
		t.Fatalf("sessions %+v", sessions)
	}
	var sent map[string]string
	if err := json.Unmarshal(sessions[0].Request, &sent); err != nil || len(sent) != 2 || sent["pseudonym"] != "p-1" {
		t.Fatalf("the provider received %s", sessions[0].Request)
	}
}

// What the stand-in does not know answers as the gateway does.
func TestUnknownIsNotFound(t *testing.T) {
	srv, _ := plugged(t, strings.Repeat("k", 40))
	for _, c := range []struct{ method, path string }{
		{"GET", "/_local/eid/identify/nope"},
		{"POST", "/_local/eid/identify/nope"},
		{"GET", "/_local/eid/other"},
		{"DELETE", "/_local/eid/sessions"},
	} {
		req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || string(body) != "{\"message\":\"Not Found\"}\n" {
			t.Errorf("%s %s: %d %s", c.method, c.path, resp.StatusCode, body)
		}
	}
	resp, err := http.Post(srv.URL+"/_local/eid/sessions", "application/json", strings.NewReader(`{"pseudonym":""}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("empty pseudonym: %d", resp.StatusCode)
	}
}

// A session started with a return page sends a browser (its form asks for HTML)
// back there after the callback, as a provider does; a script still gets the
// outcome as JSON.
func TestIdentificationSendsTheBrowserBack(t *testing.T) {
	portal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer portal.Close()
	srv, _ := plugged(t, strings.Repeat("k", 40))
	back := portal.URL + "/en/insurance/activate?registration=r-1&via=eid"
	start := func() string {
		resp, err := http.Post(srv.URL+"/_local/eid/sessions", "application/json", strings.NewReader(`{"pseudonym":"p-2","callbackUrl":"`+portal.URL+`/v1/insurance/eid/callback","returnUrl":"`+back+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var started struct {
			RedirectURL string `json:"redirectUrl"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&started)
		return started.RedirectURL
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"result": {"verified"}, "givenNames": {"Erik"}, "familyNames": {"Muster"}, "dateOfBirth": {"1980-02-03"}}
	req, _ := http.NewRequest(http.MethodPost, start(), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != back {
		t.Fatalf("browser: %d to %q, want 303 to %s", resp.StatusCode, resp.Header.Get("Location"), back)
	}
	resp, err = http.PostForm(start(), form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var done struct {
		CallbackStatus int `json:"callbackStatus"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&done); err != nil || done.CallbackStatus != http.StatusNoContent {
		t.Fatalf("script: %v %+v", err, done)
	}
}
