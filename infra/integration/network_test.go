package integration

import (
	"net/http"
	"strings"
	"testing"
)

// networkMember is a freshly invited member with the network role, signed in with
// the temporary password changed, and their account id.
func networkMember(t *testing.T) (*client, string) {
	t.Helper()
	c := invited(t, "network")
	return c, profile(t, c).ID
}

// fullProfile is every mandatory detail of a profile (HKC-3), at version.
func fullProfile(version int) map[string]any {
	return map[string]any{"version": version, "firstName": "Greta", "lastName": "Großmann", "gender": "female", "company": "Großmann Handel GmbH",
		"roleInCompany": "Geschäftsführerin", "companyWebsite": "https://grossmann.example", "street": "Adolphsplatz", "houseNumber": "1",
		"postalCode": "20457", "city": "Hamburg", "country": "DE", "phone": "+49 40 36138-0", "fax": "+49 40 36138-401", "email": "kontakt@grossmann.example"}
}

// myNetworkProfile reads the caller's own profile.
func myNetworkProfile(t *testing.T, c *client) map[string]any {
	t.Helper()
	r := c.do(http.MethodGet, "/v1/me/profile", nil)
	want(t, r, http.StatusOK)
	var p map[string]any
	r.json(t, &p)
	return p
}

// patchProfile changes the caller's profile at its current version.
func patchProfile(t *testing.T, c *client, change map[string]any) response {
	t.Helper()
	body := map[string]any{}
	for k, v := range change {
		body[k] = v
	}
	body["version"] = myNetworkProfile(t, c)["version"]
	return c.do(http.MethodPatch, "/v1/me/profile", body)
}

// memberView reads another member's profile as reader sees it.
func memberView(t *testing.T, reader *client, id string) map[string]any {
	t.Helper()
	r := reader.do(http.MethodGet, "/v1/members/"+id, nil)
	want(t, r, http.StatusOK)
	var v map[string]any
	r.json(t, &v)
	return v
}

// Every network route needs a session and the network role; to an account without
// the role each one answers 404, as if it did not exist, never 403.
func TestNetworkRoutesAreHiddenFromAccountsWithoutTheRole(t *testing.T) {
	owner, ownerID := networkMember(t)
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", fullProfile(0)), http.StatusOK)
	outsider, _ := signUp(t, "outsider")
	anon := newClient(t)
	anon.csrf()
	routes := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, "/v1/me/profile", nil},
		{http.MethodPatch, "/v1/me/profile", map[string]any{"version": 0, "city": "Kiel"}},
		{http.MethodGet, "/v1/members/" + ownerID, nil},
	}
	for _, r := range routes {
		want(t, anon.do(r.method, r.path, r.body), http.StatusUnauthorized, "unauthenticated")
		want(t, outsider.do(r.method, r.path, r.body), http.StatusNotFound, "not_found")
	}
	// A network member reads their own profile, changes it, and reads it by id in
	// full (version and birthdate visibility included).
	own := memberView(t, owner, ownerID)
	if own["version"] != 1.0 || own["complete"] != true || own["birthdateVisible"] != false {
		t.Fatalf("own view by id: %v", own)
	}
	reader, _ := networkMember(t)
	if v := memberView(t, reader, ownerID); v["version"] != nil || v["birthdateVisible"] != nil {
		t.Fatalf("another member sees the owner's own fields: %v", v)
	}
}

// Promise: HKC-3 — the mandatory details (first and last name, gender, company, role in the company, company website, street, house number, postal code, city, phone, fax, email) are visible to other members.
func TestNetworkMandatoryDetailsAreVisibleToOtherMembers(t *testing.T) {
	owner, ownerID := networkMember(t)
	reader, _ := networkMember(t)
	// Incomplete: not shown to others yet.
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 0, "firstName": "Greta", "lastName": "Großmann"}), http.StatusOK)
	want(t, reader.do(http.MethodGet, "/v1/members/"+ownerID, nil), http.StatusNotFound, "not_found")
	r := patchProfile(t, owner, fullProfile(0))
	want(t, r, http.StatusOK)
	v := memberView(t, reader, ownerID)
	for k, val := range fullProfile(0) {
		if k != "version" && v[k] != val {
			t.Errorf("%s: %v, want %v", k, v[k], val)
		}
	}
	// The id of no account, of an account without the role, and not an id at all.
	outsider, _ := signUp(t, "nonetwork")
	for _, id := range []string{profile(t, outsider).ID, "0190c8e2-7c1a-7abc-8def-0123456789ab", "x"} {
		want(t, reader.do(http.MethodGet, "/v1/members/"+id, nil), http.StatusNotFound, "not_found")
	}
}

// Promise: HKC-4 — the birthdate is stored but hidden from others unless its owner switches its visibility on; switching it off hides it at once.
func TestNetworkBirthdateIsHiddenUnlessSwitchedOn(t *testing.T) {
	owner, ownerID := networkMember(t)
	reader, _ := networkMember(t)
	p := fullProfile(0)
	p["birthdate"] = "1975-06-30"
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", p), http.StatusOK)
	if mine := myNetworkProfile(t, owner); mine["birthdate"] != "1975-06-30" || mine["birthdateVisible"] != false {
		t.Fatalf("own profile: %v", mine)
	}
	if v := memberView(t, reader, ownerID); v["birthdate"] != nil {
		t.Fatalf("birthdate shown while off by default: %v", v)
	}
	want(t, patchProfile(t, owner, map[string]any{"birthdateVisible": true}), http.StatusOK)
	if v := memberView(t, reader, ownerID); v["birthdate"] != "1975-06-30" {
		t.Fatalf("birthdate hidden while on: %v", v)
	}
	want(t, patchProfile(t, owner, map[string]any{"birthdateVisible": false}), http.StatusOK)
	r := reader.do(http.MethodGet, "/v1/members/"+ownerID, nil)
	if strings.Contains(string(r.Body), "1975") || r.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("birthdate still shown after switched off: %s %v", r.Body, r.Header)
	}
	// Removing it removes it for the owner too.
	want(t, patchProfile(t, owner, map[string]any{"birthdate": nil}), http.StatusOK)
	if mine := myNetworkProfile(t, owner); mine["birthdate"] != "" {
		t.Fatalf("birthdate not removed: %v", mine)
	}
}

// Promise: HKC-5 — voluntary details of the person and the company are given on consent, changed, and removed one by one.
// Promise: HKC-16 — withdrawing the consent to voluntary data removes it, for the future.
func TestNetworkVoluntaryDetailsRestOnTheConsent(t *testing.T) {
	owner, ownerID := networkMember(t)
	reader, _ := networkMember(t)
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", fullProfile(0)), http.StatusOK)
	voluntary := map[string]any{"about": "Außenhandel seit 1990.", "expertise": []any{"Zoll", "Logistik"}, "languages": []any{"Deutsch", "English"},
		"companyDescription": "Großhandel für Tee.", "industry": "Großhandel", "companySize": "small"}
	// Without the consent: refused, nothing changes, a mandatory detail sent with it neither.
	change := map[string]any{"city": "Lübeck"}
	for k, v := range voluntary {
		change[k] = v
	}
	want(t, patchProfile(t, owner, change), http.StatusForbidden, "voluntary_consent_required")
	if mine := myNetworkProfile(t, owner); mine["city"] != "Hamburg" || mine["about"] != nil || mine["voluntaryConsent"] != false || mine["version"] != 1.0 {
		t.Fatalf("refused change stored: %v", mine)
	}
	want(t, owner.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	want(t, patchProfile(t, owner, voluntary), http.StatusOK)
	v := memberView(t, reader, ownerID)
	for k, val := range voluntary {
		if toJSON(t, v[k]) != toJSON(t, val) {
			t.Errorf("%s: %v, want %v", k, v[k], val)
		}
	}
	// Each removable on its own: null and "" alike.
	want(t, patchProfile(t, owner, map[string]any{"about": nil, "industry": ""}), http.StatusOK)
	v = memberView(t, reader, ownerID)
	if v["about"] != nil || v["industry"] != nil || v["companyDescription"] != "Großhandel für Tee." {
		t.Fatalf("after removing two: %v", v)
	}
	// Withdrawal removes them all, at once.
	r := owner.do(http.MethodDelete, "/v1/me/consents/network.voluntary", nil)
	want(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), `"deletedItems":1`) {
		t.Fatalf("withdrawal reports %s", r.Body)
	}
	v = memberView(t, reader, ownerID)
	for k := range voluntary {
		if v[k] != nil {
			t.Errorf("%s survives the withdrawal: %v", k, v[k])
		}
	}
	if v["city"] != "Hamburg" {
		t.Fatalf("withdrawal touched a mandatory detail: %v", v)
	}
	want(t, patchProfile(t, owner, map[string]any{"about": "Wieder da"}), http.StatusForbidden, "voluntary_consent_required")
}

// Bad input gets a problem naming the field, and nothing is stored: each kind of
// check, text with markup kept as text, caps, wrong types, invalid UTF-8, a body
// over the cap, a stale version, and changes while processing is restricted.
func TestNetworkProfileRefusesBadInput(t *testing.T) {
	owner, ownerID := networkMember(t)
	for _, c := range []struct {
		field string
		value any
		code  string
	}{
		{"companyWebsite", "javascript:alert(document.cookie)", "invalid_url"},
		{"companyWebsite", "data:text/html;base64,PHNjcmlwdD4=", "invalid_url"},
		{"postalCode", "1234", "invalid_postal_code"},
		{"country", "ZZ", "invalid_country"},
		{"phone", "0800-CALL-NOW", "invalid_phone"},
		{"email", "kontakt(at)grossmann.example", "invalid_email"},
		{"gender", "x", "invalid_value"},
		{"birthdate", "1975-13-01", "invalid_date"},
		{"firstName", strings.Repeat("a", 101), "too_long"},
		{"firstName", "Greta\u0000", "control_characters"},
		{"lastName", 7, "invalid_value"},
		{"birthdateVisible", "true", "invalid_value"},
		{"city", nil, "required"},
	} {
		p := fullProfile(0)
		p[c.field] = c.value
		wantFieldError(t, owner.do(http.MethodPatch, "/v1/me/profile", p), c.field, c.code)
	}
	if mine := myNetworkProfile(t, owner); mine["version"] != 0.0 || mine["firstName"] != "" {
		t.Fatalf("a refused change was stored: %v", mine)
	}
	// Several at once, each named; in English for an English caller.
	owner.lang = "en"
	p := fullProfile(0)
	p["postalCode"], p["companyWebsite"] = "ABC", "ftp://grossmann.example"
	r := owner.do(http.MethodPatch, "/v1/me/profile", p)
	wantFieldError(t, r, "postalCode", "invalid_postal_code")
	wantFieldError(t, r, "companyWebsite", "invalid_url")
	if !strings.Contains(string(r.Body), "five digits in Germany") {
		t.Fatalf("not in English: %s", r.Body)
	}
	// Markup is text: stored and returned as written.
	p = fullProfile(0)
	p["company"] = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", p), http.StatusOK)
	reader, _ := networkMember(t)
	if v := memberView(t, reader, ownerID); v["company"] != p["company"] {
		t.Fatalf("markup changed: %v", v["company"])
	}
	// Not JSON of the expected shape, unknown details, invalid UTF-8, too large.
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 1, "nickname": "G"}), http.StatusBadRequest, "invalid_json")
	want(t, owner.raw(http.MethodPatch, "/v1/me/profile", "application/json", []byte("{\"version\":1,\"city\":\"Hamb\xffurg\"}"), nil), http.StatusBadRequest, "invalid_json")
	want(t, owner.raw(http.MethodPatch, "/v1/me/profile", "application/json", []byte(`["city"]`), nil), http.StatusBadRequest, "invalid_json")
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 1, "about": strings.Repeat("x", 70<<10)}), http.StatusRequestEntityTooLarge, "body_too_large")
	wantFieldError(t, owner.do(http.MethodPatch, "/v1/me/profile", map[string]any{"city": "Kiel"}), "version", "required")
	// A change on an older version: 409, nothing changes.
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", map[string]any{"version": 0, "city": "Kiel"}), http.StatusConflict, "conflict")
	if mine := myNetworkProfile(t, owner); mine["city"] != "Hamburg" || mine["version"] != 1.0 {
		t.Fatalf("stale change stored: %v", mine)
	}
	// Restricted processing: reading goes on, changing stops.
	want(t, owner.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	want(t, patchProfile(t, owner, map[string]any{"city": "Kiel"}), http.StatusForbidden, "processing_restricted")
	want(t, owner.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	want(t, patchProfile(t, owner, map[string]any{"city": "Kiel"}), http.StatusOK)
}

// Promise: HKC-14 — at deactivation the profile, birthdate and voluntary details are deleted irrevocably.
// The export holds the whole profile; the erasure deletes it and the member is gone
// for the others.
func TestNetworkProfileIsExportedAndErased(t *testing.T) {
	owner, ownerID := networkMember(t)
	reader, _ := networkMember(t)
	p := fullProfile(0)
	p["birthdate"] = "1975-06-30"
	want(t, owner.do(http.MethodPatch, "/v1/me/profile", p), http.StatusOK)
	want(t, owner.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	want(t, patchProfile(t, owner, map[string]any{"about": "Tee und Zoll"}), http.StatusOK)
	d := export(t, owner)
	got := map[string]string{}
	for _, cat := range d.Categories {
		got[cat.ID] = toJSON(t, cat.Data)
	}
	if !strings.Contains(got["network.profiles"], "1975-06-30") || !strings.Contains(got["network.profiles"], "Großmann Handel GmbH") ||
		!strings.Contains(got["network.voluntary"], "Tee und Zoll") {
		t.Fatalf("export: %v", got)
	}
	if itemsOf(t, "NetworkTable", ownerID) != 1 {
		t.Fatal("profile not stored where the test looks")
	}
	want(t, owner.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if n := itemsOf(t, "NetworkTable", ownerID); n != 0 {
		t.Fatalf("the network table still holds %d items of the erased account", n)
	}
	want(t, reader.do(http.MethodGet, "/v1/members/"+ownerID, nil), http.StatusNotFound, "not_found")
}
