package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
)

// csrfToken asks GET /v1/csrf and returns the token and whether a cookie was set.
func csrfToken(t *testing.T, c *client, header map[string]string) (string, bool) {
	t.Helper()
	r := c.raw(http.MethodGet, "/v1/csrf", "", nil, header)
	want(t, r, http.StatusOK)
	var b struct {
		CSRFToken string `json:"csrfToken"`
	}
	r.json(t, &b)
	return b.CSRFToken, len(r.Header.Values("Set-Cookie")) > 0
}

// Asking for a CSRF token while signed in — from a cross-site link too — hands back
// the session's own token and sets nothing, so every write, sign-out included, goes
// on working; a client that lost its token, or holds a foreign one, gets a new one
// bound to the session and recovers.
func TestCSRFTokenRequestKeepsTheSessionWorking(t *testing.T) {
	c, _ := signUp(t, "csrfkeep")
	own := c.cookies[httpapi.CSRFCookie]
	if tok, set := csrfToken(t, c, nil); tok != own || set {
		t.Fatalf("signed in, GET /v1/csrf answered %q (cookie set: %v), the session's token is %q", tok, set, own)
	}
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Clara"}), http.StatusOK)
	// A link on another site opens the route in the same browser, with its cookies.
	cross := map[string]string{"Sec-Fetch-Site": "cross-site", "Referer": "https://elsewhere.example/"}
	if tok, set := csrfToken(t, c, cross); tok != own || set {
		t.Fatalf("a cross-site request replaced the token: %q (cookie set: %v)", tok, set)
	}
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"lastName": "Kehr"}), http.StatusOK)

	// The cookie lost: a new token bound to the session, and the old one is dead.
	delete(c.cookies, httpapi.CSRFCookie)
	fresh, set := csrfToken(t, c, nil)
	if fresh == own || !set || c.cookies[httpapi.CSRFCookie] != fresh {
		t.Fatalf("lost token not replaced: %q (cookie set: %v)", fresh, set)
	}
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Clara"}), http.StatusOK)
	c.cookies[httpapi.CSRFCookie] = own
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Clara"}), http.StatusForbidden, "csrf_token_invalid")
	// A foreign token planted in the cookie is replaced the same way.
	c.cookies[httpapi.CSRFCookie] = ids.NewToken()
	if tok, set := csrfToken(t, c, nil); tok == fresh || !set {
		t.Fatalf("foreign token kept: %q (cookie set: %v)", tok, set)
	}
	want(t, c.do(http.MethodDelete, "/v1/sessions/current", nil), http.StatusNoContent)
	// Signed out, every request gets a new anonymous token.
	a, setA := csrfToken(t, c, nil)
	b, setB := csrfToken(t, c, nil)
	if a == b || !setA || !setB {
		t.Fatalf("anonymous tokens %q %q (set %v %v)", a, b, setA, setB)
	}
}

// ageProof makes the last proof of c's session older than the window, as for a
// session cookie copied some time after its owner signed in.
func ageProof(t *testing.T, c *client) {
	t.Helper()
	old := time.Now().Add(-access.ProofWindow - time.Minute).UTC().Format(time.RFC3339Nano)
	_, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName:                 aws.String(stack.Name("SessionTable")),
		Key:                       map[string]types.AttributeValue{"pk": sAV(ids.Digest(c.cookies[httpapi.SessionCookie]))},
		UpdateExpression:          aws.String("SET confirmedAt = :t"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": sAV(old)},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Erasure, objection to all processing, an email change and new device credentials
// need a fresh proof of the person: a copied session cookie whose last proof is
// older than the window is refused them (and nothing changes), until the password is
// confirmed again. Ordinary changes need none; a device sign-in is no proof.
func TestAccountChangesNeedAFreshProof(t *testing.T) {
	c, email := signUp(t, "proof")
	ageProof(t, c)
	// A copy of the cookies, used from another machine.
	thief := newClient(t)
	for _, k := range []string{httpapi.SessionCookie, httpapi.CSRFCookie} {
		thief.cookies[k] = c.cookies[k]
	}
	stale := []struct {
		method, path string
		body         any
	}{
		{http.MethodDelete, "/v1/me", nil},
		{http.MethodPut, "/v1/me/objection", map[string]any{"scope": "all"}},
		{http.MethodPost, "/v1/me/devices", map[string]any{"name": "Fremdes Telefon"}},
		{http.MethodPatch, "/v1/me", map[string]any{"email": newEmail("taken-over"), "firstName": "Mallory"}},
	}
	for _, s := range stale {
		want(t, thief.do(s.method, s.path, s.body), http.StatusForbidden, "reauthentication_required")
	}
	if p := profile(t, c); p.PendingEmail != "" || p.FirstName == "Mallory" {
		t.Fatalf("a refused change was applied: %+v", p)
	}
	// Objecting to marketing ends nothing and needs no proof.
	want(t, thief.do(http.MethodPut, "/v1/me/objection", map[string]any{"scope": "marketing"}), http.StatusOK)
	want(t, c.do(http.MethodPatch, "/v1/me", map[string]any{"firstName": "Paula"}), http.StatusOK)

	// The proof: the password again, tried a limited number of times.
	want(t, thief.do(http.MethodPost, "/v1/sessions/current/confirm", map[string]any{"password": "a guess at it"}), http.StatusBadRequest, "current_password_wrong")
	want(t, c.do(http.MethodPost, "/v1/sessions/current/confirm", map[string]any{"password": goodPassword}), http.StatusNoContent)
	d := addDevice(t, c, "Paulas Telefon")

	// A session started with a device credential is no proof of the person.
	dev := newClient(t)
	dev.csrf()
	want(t, dev.do(http.MethodPost, "/v1/sessions/device", map[string]any{"credential": d.Credential}), http.StatusCreated)
	want(t, dev.do(http.MethodPost, "/v1/me/devices", map[string]any{"name": "Noch eins"}), http.StatusForbidden, "reauthentication_required")
	want(t, dev.do(http.MethodPost, "/v1/sessions/current/confirm", map[string]any{"password": goodPassword}), http.StatusNoContent)
	addDevice(t, dev, "Noch eins")

	// A password sign-in is a proof in itself.
	fresh := newClient(t)
	login(t, fresh, email, goodPassword)
	want(t, fresh.do(http.MethodPatch, "/v1/me", map[string]any{"email": newEmail("moved")}), http.StatusOK)
	want(t, c.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
}
