package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"kontor/shared/network"
	"kontor/shared/privacy"
)

// The consent network.voluntary's current text (2026-11) names the profile
// picture; the earlier one (2026-01) did not. A consent given to the earlier text
// still counts for the voluntary details it named, but a picture needs the current
// text: until the member confirms it the declaration is 403
// picture_consent_outdated. Confirming it (PUT with the current version) withdraws
// and deletes nothing; the earlier version can no longer be given.
func TestNetworkPictureNeedsTheConsentTextNamingIt(t *testing.T) {
	c, id := networkMember(t)
	want(t, c.do(http.MethodPatch, "/v1/me/profile", fullProfile(0)), http.StatusOK)
	// A consent given before the text changed, as the ledger holds it.
	at := time.Now().UTC().Add(-24 * time.Hour)
	old := privacy.ConsentState{Purpose: network.PurposeVoluntary, Granted: true, TextVersion: "2026-01", GrantedAt: &at}
	if err := privacyStore().SetConsent(context.Background(), id, old, privacy.ConsentEvent{Purpose: network.PurposeVoluntary, Action: "granted", TextVersion: "2026-01", At: at}); err != nil {
		t.Fatal(err)
	}
	want(t, patchProfile(t, c, map[string]any{"about": "Tee und Zoll"}), http.StatusOK)
	if p := myNetworkProfile(t, c); p["voluntaryConsent"] != true || p["pictureConsent"] != false || p["about"] != "Tee und Zoll" {
		t.Fatalf("with the earlier consent: %v", p)
	}
	small := []byte{0xff, 0xd8, 0xff}
	want(t, c.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/jpeg", "size": len(small)}), http.StatusForbidden, "picture_consent_outdated")

	want(t, c.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": "2026-01"}), http.StatusBadRequest, "validation_failed")
	want(t, c.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
	if p := myNetworkProfile(t, c); p["pictureConsent"] != true || p["about"] != "Tee und Zoll" {
		t.Fatalf("after confirming the current text: %v", p)
	}
	want(t, sendPicture(t, c, "image/jpeg", jpegFile), http.StatusOK)

	// Without any consent it is still the consent that is missing.
	fresh, _ := networkMember(t)
	want(t, fresh.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/jpeg", "size": len(small)}), http.StatusForbidden, "voluntary_consent_required")
}
