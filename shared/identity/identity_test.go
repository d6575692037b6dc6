package identity

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/httpapi"
	"kontor/shared/ids"
	"kontor/shared/problem"
)

func TestNormalizeEmail(t *testing.T) {
	cases := []struct {
		in, want string
		code     problem.Code
	}{
		{"  Anna.Berg@Example.ORG ", "anna.berg@example.org", problem.Code{}},
		{"", "", problem.FieldRequired},
		{"no-at-sign", "", problem.FieldInvalidEmail},
		{"Anna <anna@example.org>", "", problem.FieldInvalidEmail},
		{"anna@localhost", "", problem.FieldInvalidEmail},
		{"anna@example.org\r\nBcc: x@y.z", "", problem.FieldInvalidEmail},
		{strings.Repeat("a", 250) + "@x.de", "", problem.FieldTooLong},
		{"an\xffna@example.org", "", problem.FieldInvalidEmail},
	}
	for _, c := range cases {
		got, code := NormalizeEmail(c.in)
		if got != c.want || code != c.code {
			t.Errorf("NormalizeEmail(%q) = %q, %q; want %q, %q", c.in, got, code, c.want, c.code)
		}
	}
}

func TestPasswordPolicy(t *testing.T) {
	cases := []struct {
		pw, email string
		code      problem.Code
	}{
		{"correct horse battery", "anna@example.org", problem.Code{}},
		{"short", "anna@example.org", problem.FieldTooShort},
		{strings.Repeat("x", MaxPasswordLen+1), "anna@example.org", problem.FieldTooLong},
		{"Anna@Example.org", "anna@example.org", FieldPasswordEmail},
		{"anna.bergmann", "anna.bergmann@example.org", FieldPasswordEmail},
		{"ein langes \xff passwort", "", problem.FieldInvalidValue},
		{"1qaz2wsx3edc", "anna@example.org", FieldPasswordCommon},
		{"LeaveMeAlone", "anna@example.org", FieldPasswordCommon},
		{" 123456789012 ", "anna@example.org", FieldPasswordCommon},
	}
	for _, c := range cases {
		if got := CheckPassword(c.pw, c.email); got != c.code {
			t.Errorf("CheckPassword(%q) = %q, want %q", c.pw, got, c.code)
		}
	}
}

func TestPasswordHashIsArgon2idAndVerifies(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not argon2id with the expected parameters", h)
	}
	if !VerifyPassword("correct horse battery", h) || VerifyPassword("correct horse batterY", h) {
		t.Fatal("verification is wrong")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=99999999,t=2,p=1$AA$AA", h[:len(h)-3] + "!!!"} {
		if VerifyPassword("correct horse battery", bad) {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
	h2, _ := HashPassword("correct horse battery")
	if h == h2 {
		t.Fatal("hashes are not salted")
	}
}

func TestTemporaryPasswordsAreIndividualAndPassThePolicy(t *testing.T) {
	// Promise: HKC-2 — each new member gets an individual temporary password.
	seen := map[string]bool{}
	for range 50 {
		p, err := TemporaryPassword()
		if err != nil {
			t.Fatal(err)
		}
		if seen[p] || !CheckPassword(p, "x@example.org").IsZero() || strings.ContainsAny(p, "0O1lI") {
			t.Fatalf("bad temporary password %q", p)
		}
		seen[p] = true
	}
}

func TestEveryMailExistsInGermanAndEnglish(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	for kind := range mailTexts {
		de, err := composeMail(now, "a@example.org", "de", kind, mailData{Link: "https://portal.example/x?token=T", Password: "P"})
		if err != nil {
			t.Fatal(err)
		}
		en, err := composeMail(now, "a@example.org", "fr", kind, mailData{Link: "https://portal.example/x?token=T", Password: "P"})
		if err != nil {
			t.Fatal(err)
		}
		if de.Subject == en.Subject || de.Text == en.Text || strings.Contains(de.Text, "{{") || !ids.ValidV7(de.ID) {
			t.Errorf("mail %s: de %q / en %q", kind, de.Subject, en.Subject)
		}
	}
}

func TestSessionTimeouts(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	to := Timeouts{Idle: 30 * time.Minute, Absolute: 2 * time.Hour}
	s, token, csrf := NewSession(Account{ID: "a", Roles: []string{"member"}}, now, to)
	if s.ID != ids.Digest(token) || s.CSRFDigest != ids.Digest(csrf) || strings.Contains(s.ID, token) {
		t.Fatal("session stores a secret instead of its digest")
	}
	if !s.Live(now.Add(29*time.Minute)) || s.Live(now.Add(30*time.Minute)) {
		t.Fatal("idle timeout not applied")
	}
	s.IdleExpiresAt = s.Touched(now.Add(100*time.Minute), to.Idle)
	if !s.IdleExpiresAt.Equal(now.Add(2 * time.Hour)) {
		t.Fatalf("touch extends past the absolute timeout: %v", s.IdleExpiresAt)
	}
	if s.Live(now.Add(2 * time.Hour)) {
		t.Fatal("absolute timeout not applied")
	}
}

// sessionFake is a small in-memory SessionStore for the authorizer's unit tests.
type sessionFake struct {
	items   map[string]Session
	fail    error
	touches int
}

func (f *sessionFake) PutSession(_ context.Context, s Session) error { f.items[s.ID] = s; return nil }
func (f *sessionFake) Session(_ context.Context, id string) (Session, error) {
	if f.fail != nil {
		return Session{}, f.fail
	}
	s, ok := f.items[id]
	if !ok {
		return Session{}, ErrNotFound
	}
	return s, nil
}
func (f *sessionFake) Touch(_ context.Context, id string, seen, idle time.Time) error {
	s := f.items[id]
	s.LastSeenAt, s.IdleExpiresAt = seen, idle
	f.items[id] = s
	f.touches++
	return nil
}
func (f *sessionFake) update(id string, change func(*Session)) error {
	s, ok := f.items[id]
	if !ok {
		return ErrNotFound
	}
	change(&s)
	f.items[id] = s
	return nil
}
func (f *sessionFake) SetCSRF(_ context.Context, id, digest string) error {
	return f.update(id, func(s *Session) { s.CSRFDigest = digest })
}
func (f *sessionFake) Confirm(_ context.Context, id string, at time.Time) error {
	return f.update(id, func(s *Session) { s.ConfirmedAt = at })
}
func (f *sessionFake) DeleteSession(_ context.Context, id string) error {
	delete(f.items, id)
	return nil
}
func (f *sessionFake) SetRoleOf(_ context.Context, a, role string, on bool) error {
	for k, s := range f.items {
		if s.AccountID == a {
			s.Roles = slices.DeleteFunc(slices.Clone(s.Roles), func(r string) bool { return r == role })
			if on {
				s.Roles = append(s.Roles, role)
			}
			f.items[k] = s
		}
	}
	return nil
}
func (f *sessionFake) DeleteSessionsOf(_ context.Context, a string) error {
	for k, s := range f.items {
		if s.AccountID == a {
			delete(f.items, k)
		}
	}
	return nil
}

func TestAuthorizerResolvesOnlyLiveSessions(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := now
	fake := &sessionFake{items: map[string]Session{}}
	a := &Authorizer{Sessions: fake, Idle: 30 * time.Minute, Now: func() time.Time { return clock }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s, token, _ := NewSession(Account{ID: "acc-1", Roles: []string{"member", "admin"}}, now, Timeouts{Idle: 30 * time.Minute, Absolute: 12 * time.Hour})
	_ = fake.PutSession(context.Background(), s)

	call := func(cookies ...string) access.Principal {
		t.Helper()
		resp, err := a.Handle(context.Background(), events.APIGatewayV2CustomAuthorizerV2Request{Cookies: cookies})
		if err != nil || !resp.IsAuthorized {
			t.Fatalf("authorizer: %v %+v", err, resp)
		}
		return httpapi.PrincipalFrom(resp.Context)
	}
	if p := call(httpapi.SessionCookie + "=" + token); p.AccountID != "acc-1" || !p.HasRole("admin") || !p.ConfirmedAt.Equal(now) {
		t.Fatalf("live session not resolved: %+v", p)
	}
	for _, c := range [][]string{nil, {httpapi.SessionCookie + "=garbage"}, {httpapi.SessionCookie + "=" + ids.NewToken()}, {"other=" + token}} {
		if p := call(c...); p.Authenticated() {
			t.Fatalf("cookies %v resolved to %+v", c, p)
		}
	}
	clock = now.Add(20 * time.Minute)
	call(httpapi.SessionCookie + "=" + token)
	if fake.touches != 1 {
		t.Fatalf("touches = %d, want 1", fake.touches)
	}
	clock = clock.Add(31 * time.Minute)
	if p := call(httpapi.SessionCookie + "=" + token); p.Authenticated() {
		t.Fatal("idle session still accepted")
	}
	fake.fail = errors.New("table unreachable")
	clock = now
	if p := call(httpapi.SessionCookie + "=" + token); p.Authenticated() {
		t.Fatal("store failure let the caller in")
	}
}

// A sign-in counts per address and client, per address and per client; a known
// client is held by its pair counter alone, and its attempts still count.
func TestKnownClientIsHeldByItsPairCounterAlone(t *testing.T) {
	k := keys{account: "a", client: "c", suffix: "#0"}
	caps := func(th throttle) map[string]int {
		out := map[string]int{}
		for _, c := range th.counters {
			out[c.Scope] = c.Cap
		}
		return out
	}
	if got := caps(k.passwordThrottle(false)); got["pair"] != PairFailureCap || got["address"] != AccountFailureCap || got["client"] != ClientFailureCap || len(got) != 3 {
		t.Fatalf("unknown client: %v", got)
	}
	if got := caps(k.passwordThrottle(true)); got["pair"] != PairFailureCap || got["address"] != 0 || got["client"] != 0 || len(got) != 3 {
		t.Fatalf("known client: %v", got)
	}
	if th := k.passwordThrottle(false); th.counters[0].Key != "pair#a#c#0" {
		t.Fatalf("pair key %s", th.counters[0].Key)
	}
}

// The shipped list holds at least the 3,000 most common passwords (ASVS 5.0 6.2.4),
// lower-case and most common first; the check ignores case.
func TestCommonPasswordListIsShippedAndComparedIgnoringCase(t *testing.T) {
	list := commonPasswords()
	if len(list) < 3000 {
		t.Fatalf("only %d common passwords", len(list))
	}
	for p := range list {
		if p != strings.ToLower(p) {
			t.Fatalf("%q is not lower-case", p)
		}
	}
	for _, p := range []string{"123456", "password", "Password", "PASSWORD", "qwerty", "iloveyou"} {
		if !IsCommonPassword(p) {
			t.Errorf("%q not found", p)
		}
	}
	if IsCommonPassword("Segelboot am Steg 42") {
		t.Error("an uncommon password is found")
	}
}

func TestIdentityFieldCodesHaveGermanAndEnglishText(t *testing.T) {
	for _, c := range FieldProblems() {
		if c.ID == "" || c.DE == "" || c.EN == "" || c.DE == c.EN {
			t.Errorf("code %s: de=%q en=%q", c.ID, c.DE, c.EN)
		}
	}
}

// Asking for the CSRF token of a session hands back the one presented when it is
// the session's, and binds a new one only when it is missing or foreign.
func TestSessionCSRFKeepsTheSessionsTokenAndRecoversALostOne(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fake := &sessionFake{items: map[string]Session{}}
	svc := &Service{Sessions: fake, Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s, _, csrf := NewSession(Account{ID: "acc-1"}, now, Timeouts{Idle: time.Hour, Absolute: time.Hour})
	_ = fake.PutSession(context.Background(), s)
	p := s.Principal()
	if tok, rotated, err := svc.SessionCSRF(context.Background(), p, csrf); err != nil || rotated || tok != csrf {
		t.Fatalf("own token: %q %v %v", tok, rotated, err)
	}
	for _, presented := range []string{"", ids.NewToken()} {
		tok, rotated, err := svc.SessionCSRF(context.Background(), p, presented)
		if err != nil || !rotated || tok == csrf || fake.items[s.ID].CSRFDigest != ids.Digest(tok) {
			t.Fatalf("presented %q: %q %v %v", presented, tok, rotated, err)
		}
	}
	delete(fake.items, s.ID)
	if _, _, err := svc.SessionCSRF(context.Background(), p, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ended session: %v", err)
	}
}
