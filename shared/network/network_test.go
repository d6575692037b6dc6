package network

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"kontor/shared/problem"
)

// memStore keeps profiles in memory, with the version condition of the real store.
type memStore map[string]Profile

func (m memStore) Get(_ context.Context, id string) (Profile, error) {
	p, ok := m[id]
	if !ok {
		return Profile{}, ErrNotFound
	}
	return p, nil
}

func (m memStore) GetWithPictures(ctx context.Context, id string) (Profile, Pictures, error) {
	p, err := m.Get(ctx, id)
	return p, Pictures{}, err
}

func (m memStore) Put(_ context.Context, p Profile, prev int) error {
	if m[p.AccountID].Version != prev {
		return ErrConflict
	}
	m[p.AccountID] = p
	return nil
}

func (m memStore) Delete(_ context.Context, id string) error { delete(m, id); return nil }

const owner = "0190c8e2-7c1a-7abc-8def-0123456789ab"

func complete() map[string]any {
	return map[string]any{"version": 0.0, "firstName": "Anna", "lastName": "Beispiel", "gender": "diverse", "company": "Beispiel GmbH",
		"roleInCompany": "CEO", "companyWebsite": "https://beispiel.example", "street": "Adolphsplatz", "houseNumber": "1", "postalCode": "20457",
		"city": "Hamburg", "country": "de", "phone": "+49 40 36138-0", "fax": "040 / 36138-401", "email": "Info@Beispiel.example"}
}

func fieldCode(t *testing.T, err error) (string, string) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Status != http.StatusBadRequest || len(p.Fields) != 1 {
		t.Fatalf("want one field error, got %v %+v", err, p)
	}
	return p.Fields[0].Field, p.Fields[0].Code.ID
}

// Promise: HKC-3 — each mandatory detail is checked by its kind, and a refused
// change stores nothing.
func TestEachDetailIsCheckedByItsKind(t *testing.T) {
	for _, c := range []struct {
		field string
		value any
		code  string
	}{
		{"companyWebsite", "javascript:alert(1)", "invalid_url"},
		{"companyWebsite", "data:text/html,<b>x</b>", "invalid_url"},
		{"companyWebsite", "ftp://beispiel.example", "invalid_url"},
		{"companyWebsite", "https://user:pw@beispiel.example", "invalid_url"},
		{"postalCode", "2045", "invalid_postal_code"},
		{"postalCode", "ABCDE", "invalid_postal_code"},
		{"country", "XX", "invalid_country"},
		{"country", "DEU", "too_long"},
		{"phone", "call me", "invalid_phone"},
		{"fax", "123", "invalid_phone"},
		{"email", "no-address", "invalid_email"},
		{"gender", "other", "invalid_value"},
		{"firstName", "", "required"},
		{"firstName", nil, "required"},
		{"firstName", 42.0, "invalid_value"},
		{"firstName", "A\u0007nna", "control_characters"},
		{"lastName", string(make([]rune, 101)), "too_long"},
		{"birthdate", "2999-01-01", "invalid_date"},
		{"birthdate", "1.1.1980", "invalid_date"},
		{"birthdateVisible", "yes", "invalid_value"},
		{"companySize", "huge", "invalid_value"},
		{"expertise", "law", "invalid_value"},
		{"expertise", []any{"Law", "law"}, "duplicate"},
		{"languages", []any{1.0}, "invalid_value"},
	} {
		store := memStore{}
		svc := &Service{Store: store, Now: time.Now}
		patch := complete()
		patch[c.field] = c.value
		_, err := svc.Update(context.Background(), owner, patch, true)
		if f, code := fieldCode(t, err); f != c.field || code != c.code {
			t.Errorf("%s=%v: %s %s, want %s", c.field, c.value, f, code, c.code)
		}
		if len(store) != 0 {
			t.Errorf("%s=%v: stored after a refusal", c.field, c.value)
		}
	}
}

func TestAValidProfileIsCompleteAndNormalised(t *testing.T) {
	svc := &Service{Store: memStore{}, Now: time.Now}
	p, err := svc.Update(context.Background(), owner, complete(), false)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Complete() || p.Country != "DE" || p.Email != "info@beispiel.example" || p.Version != 1 {
		t.Fatalf("%+v", p)
	}
	// A stale version is a conflict; HTML stays text.
	_, err = svc.Update(context.Background(), owner, map[string]any{"version": 0.0, "city": "Kiel"}, false)
	if pr, ok := problem.As(err); !ok || pr.Status != http.StatusConflict {
		t.Fatalf("stale version: %v", err)
	}
	p, err = svc.Update(context.Background(), owner, map[string]any{"version": 1.0, "company": "<script>x</script> & Co"}, false)
	if err != nil || p.Company != "<script>x</script> & Co" {
		t.Fatalf("%v %q", err, p.Company)
	}
}

// Promise: HKC-4 — the birthdate is hidden from others until switched on.
// Promise: HKC-5 — voluntary details need the consent and are removed one by one.
func TestBirthdateAndVoluntaryDetails(t *testing.T) {
	store := memStore{}
	svc := &Service{Store: store, Now: time.Now}
	patch := complete()
	patch["birthdate"] = "1980-02-29"
	if _, err := svc.Update(context.Background(), owner, patch, false); err != nil {
		t.Fatal(err)
	}
	const reader = "0190c8e2-7c1a-7abc-8def-0123456789ac"
	v, _, err := svc.Member(context.Background(), reader, owner)
	if err != nil || v.(View).Birthdate != "" {
		t.Fatalf("birthdate shown before switched on: %+v %v", v, err)
	}
	if _, err := svc.Update(context.Background(), owner, map[string]any{"version": 1.0, "birthdateVisible": true}, false); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := svc.Member(context.Background(), reader, owner); v.(View).Birthdate != "1980-02-29" {
		t.Fatalf("birthdate hidden after switched on: %+v", v)
	}
	_, err = svc.Update(context.Background(), owner, map[string]any{"version": 2.0, "about": "Hello", "city": "Kiel"}, false)
	if pr, ok := problem.As(err); !ok || pr.Code != CodeVoluntaryConsentRequired || store[owner].City != "Hamburg" {
		t.Fatalf("voluntary without consent: %v", err)
	}
	p, err := svc.Update(context.Background(), owner, map[string]any{"version": 2.0, "about": "Hello", "industry": "Trade", "languages": []any{"Deutsch", "English"}}, true)
	if err != nil || p.About != "Hello" || len(p.Languages) != 2 {
		t.Fatalf("%v %+v", err, p)
	}
	p, err = svc.Update(context.Background(), owner, map[string]any{"version": 3.0, "about": nil}, false)
	if err != nil || p.About != "" || p.Industry != "Trade" {
		t.Fatalf("removing one: %v %+v", err, p)
	}
	if n, err := svc.Withdraw(context.Background(), owner); n != 1 || err != nil || !store[owner].Voluntary.Empty() {
		t.Fatalf("withdraw: %d %v %+v", n, err, store[owner])
	}
	// An incomplete or unknown profile is not found.
	if _, _, err := svc.Member(context.Background(), reader, "0190c8e2-7c1a-7abc-8def-0123456789ad"); !isNotFound(err) {
		t.Fatalf("unknown: %v", err)
	}
	if _, _, err := svc.Member(context.Background(), reader, "not-an-id"); !isNotFound(err) {
		t.Fatalf("bad id: %v", err)
	}
}

func isNotFound(err error) bool {
	p, ok := problem.As(err)
	return ok && p.Status == http.StatusNotFound && !errors.Is(err, ErrNotFound)
}

// The consent's current text names the picture; a consent given to the earlier
// text (2026-01) still counts for the voluntary details it named, not for a
// picture, which is refused with its own code until the new text is confirmed.
func TestPictureNeedsAConsentToATextNamingIt(t *testing.T) {
	if VoluntaryVersion != PictureConsentSince {
		t.Fatalf("the current text %s does not name the picture (named since %s)", VoluntaryVersion, PictureConsentSince)
	}
	svc := &PictureService{}
	for version, want := range map[string]problem.Code{
		"":        CodeVoluntaryConsentRequired,
		"2026-01": CodePictureConsentOutdated,
	} {
		_, err := svc.Declare(context.Background(), "a1", "image/jpeg", 100, version)
		p, ok := problem.As(err)
		if !ok || p.Status != http.StatusForbidden || p.Code != want {
			t.Errorf("consent %q: %v, want 403 %s", version, err, want.ID)
		}
	}
	for version, want := range map[string]bool{"": false, "2026-01": false, "2026-11": true, "2027-03": true} {
		if PictureConsented(version) != want {
			t.Errorf("PictureConsented(%q) = %v", version, !want)
		}
	}
}
