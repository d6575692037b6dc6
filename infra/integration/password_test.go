package integration

import (
	"net/http"
	"testing"

	"kontor/shared/identity"
)

// wantFieldProblem fails unless r is a validation problem whose only field error is
// code on field, with the code's message in lang.
func wantFieldProblem(t *testing.T, r response, field string, code, lang string) {
	t.Helper()
	want(t, r, http.StatusBadRequest, "validation_failed")
	b := r.problem(t)
	if len(b.Errors) != 1 || b.Errors[0].Field != field || b.Errors[0].Code != code {
		t.Fatalf("field errors %+v, want %s on %s", b.Errors, code, field)
	}
	if want := identity.FieldPasswordCommon.Message(lang); code == identity.FieldPasswordCommon.ID && b.Errors[0].Message != want {
		t.Fatalf("message %q, want %q", b.Errors[0].Message, want)
	}
}

// A common password is refused wherever a password is set — the first one, a reset
// and a change — whatever its letters' case (ASVS 5.0 6.2.4), and the refusal
// uses up nothing: the link still works with a better password. The message is in
// the caller's language (German without a preference, the account's once signed in).
func TestCommonPasswordsAreRefusedWhereverAPasswordIsSet(t *testing.T) {
	common := identity.FieldPasswordCommon.ID
	c := newClient(t)
	email := newEmail("common")
	tok := register(t, c, email)
	wantFieldProblem(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": "1QAZ2wsx3EDC"}), "password", common, "de")
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)

	r := c.do(http.MethodPut, "/v1/me/password", map[string]any{"currentPassword": goodPassword, "newPassword": "LeaveMeAlone"})
	wantFieldProblem(t, r, "newPassword", common, "en")

	other := newClient(t)
	other.csrf()
	want(t, other.do(http.MethodPost, "/v1/password/forgot", map[string]any{"email": email}), http.StatusAccepted)
	reset := tokenFrom(t, mailTo(t, email, "Reset your password"))
	wantFieldProblem(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": reset, "password": "QazWsxEdcRfvTgb"}), "password", common, "de")
	want(t, other.do(http.MethodPost, "/v1/password/reset", map[string]any{"token": reset, "password": "Neuer Leuchtturm 77"}), http.StatusNoContent)
	login(t, other, email, "Neuer Leuchtturm 77")
}
