package integration

import (
	"net/http"
	"strings"
	"testing"

	"kontor/shared/httpapi"
)

type newDevice struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Credential string `json:"credential"`
}

func addDevice(t *testing.T, c *client, name string) newDevice {
	t.Helper()
	r := c.keyed(http.MethodPost, "/v1/me/devices", newKey(), map[string]any{"name": name})
	want(t, r, http.StatusCreated)
	var d newDevice
	r.json(t, &d)
	return d
}

// Promise: H4U-6 — biometric unlock stays on the device: the server receives only a
// credential the device unlocked, never biometric data; credentials are listed and revoked.
func TestDeviceCredentialsSignInAndCanBeRevoked(t *testing.T) {
	c, email := signUp(t, "device")
	phone := addDevice(t, c, "Annas Telefon")
	tablet := addDevice(t, c, "Tablet")
	if !strings.HasPrefix(phone.Credential, "kd1.") || phone.Credential == tablet.Credential {
		t.Fatalf("credentials %q %q", phone.Credential, tablet.Credential)
	}
	r := c.do(http.MethodGet, "/v1/me/devices", nil)
	want(t, r, http.StatusOK)
	if strings.Contains(string(r.Body), phone.Credential[len(phone.Credential)-43:]) || strings.Count(string(r.Body), `"id"`) != 2 {
		t.Fatalf("device list leaks the secret or is wrong: %s", r.Body)
	}

	dev := newClientFrom(t, "127.0.0.31")
	dev.csrf()
	r = dev.do(http.MethodPost, "/v1/sessions/device", map[string]any{"credential": phone.Credential})
	want(t, r, http.StatusCreated)
	if p := profile(t, dev); p.Email != email {
		t.Fatalf("device signed in as %s", p.Email)
	}
	// A guessed or altered credential fails like a wrong password.
	bad := newClientFrom(t, "127.0.0.32")
	bad.csrf()
	want(t, bad.do(http.MethodPost, "/v1/sessions/device", map[string]any{"credential": alterLast(phone.Credential)}), http.StatusUnauthorized, "invalid_credentials")
	want(t, bad.do(http.MethodPost, "/v1/sessions/device", map[string]any{"credential": "fingerprint-template-bytes"}), http.StatusUnauthorized, "invalid_credentials")

	// Another person cannot revoke my device (404, not 403).
	other, _ := signUp(t, "otherdevice")
	want(t, other.do(http.MethodDelete, "/v1/me/devices/"+phone.ID, nil), http.StatusNotFound, "not_found")
	want(t, c.do(http.MethodDelete, "/v1/me/devices/"+phone.ID, nil), http.StatusNoContent)
	dev2 := newClientFrom(t, "127.0.0.33")
	dev2.csrf()
	want(t, dev2.do(http.MethodPost, "/v1/sessions/device", map[string]any{"credential": phone.Credential}), http.StatusUnauthorized, "invalid_credentials")

	// A password change revokes every device credential.
	want(t, c.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": goodPassword, "newPassword": "Ganz anderes Passwort 9"}), http.StatusOK)
	want(t, dev2.do(http.MethodPost, "/v1/sessions/device", map[string]any{"credential": tablet.Credential}), http.StatusUnauthorized, "invalid_credentials")
	r = c.do(http.MethodGet, "/v1/me/devices", nil)
	if r.Status != 200 || !strings.Contains(string(r.Body), `"devices":[]`) {
		t.Fatalf("devices after password change: %s", r.Body)
	}
	if _, ok := dev.cookies[httpapi.SessionCookie]; !ok {
		t.Fatal("device session cookie missing")
	}
}

// alterLast changes the credential's last character to a different canonical one, so
// the secret is guaranteed to differ (replacing it with a fixed letter fails to alter
// it whenever the secret already ends in that letter).
func alterLast(cred string) string {
	last := cred[len(cred)-1]
	repl := byte('A')
	if last == 'A' {
		repl = 'Q'
	}
	return cred[:len(cred)-1] + string(repl)
}
