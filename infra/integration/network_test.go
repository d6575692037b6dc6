package integration

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"hash/crc32"
	"image"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/network"
	uploads "kontor/shared/upload"
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
		{http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/jpeg", "size": 100}},
		{http.MethodPost, "/v1/me/profile/picture/complete", nil},
		{http.MethodDelete, "/v1/me/profile/picture", nil},
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
	want(t, owner.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
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
	want(t, owner.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
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

// pictureObjects lists the keys of an account's objects in the picture bucket,
// staged and stored.
func pictureObjects(t *testing.T, accountID string) []string {
	t.Helper()
	return bucketKeys(t, "PictureBucket", network.PictureStaging+accountID+"/", "pictures/"+accountID+"/")
}

// bucketKeys lists the keys of a stack bucket's objects under each prefix.
func bucketKeys(t *testing.T, bucket string, prefixes ...string) []string {
	t.Helper()
	var keys []string
	for _, prefix := range prefixes {
		out, err := s3Client().ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: aws.String(stack.Name(bucket)), Prefix: aws.String(prefix)})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys
}

// sendPicture declares data as contentType, sends it to the upload URL and asks
// for the check; it returns the completion's answer.
func sendPicture(t *testing.T, c *client, contentType string, data []byte) response {
	t.Helper()
	r := c.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": contentType, "size": len(data)})
	want(t, r, http.StatusCreated)
	var np struct {
		Upload uploads.URL `json:"upload"`
	}
	r.json(t, &np)
	put(t, np.Upload, data)
	return c.do(http.MethodPost, "/v1/me/profile/picture/complete", nil)
}

// pictureMember is a network member with a complete profile and the consent to
// voluntary details, which the picture rests on.
func pictureMember(t *testing.T) (*client, string) {
	t.Helper()
	c, id := networkMember(t)
	want(t, c.do(http.MethodPatch, "/v1/me/profile", fullProfile(0)), http.StatusOK)
	want(t, c.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
	return c, id
}

// wantPictureSizes fails unless the stored sizes are fresh JPEG squares of the
// documented sides with nothing of the upload's metadata.
func wantPictureSizes(t *testing.T, keys []string) {
	t.Helper()
	sides := map[string]int{"small": network.SmallPicture, "large": network.LargePicture}
	if len(keys) != 2 {
		t.Fatalf("stored objects %v, want the two sizes only (no staged original)", keys)
	}
	for _, key := range keys {
		got := bucketObject(t, "PictureBucket", key)
		for _, leak := range []string{"Exif", "GPS", "Lindenstrasse"} {
			if bytes.Contains(got, []byte(leak)) {
				t.Fatalf("%s keeps %q", key, leak)
			}
		}
		if hasAPP1(got) {
			t.Fatalf("%s has an APP1 segment", key)
		}
		side := sides[key[strings.LastIndex(key, "/")+1:]]
		cfg, kind, err := image.DecodeConfig(bytes.NewReader(got))
		if err != nil || kind != "jpeg" || cfg.Width != side || cfg.Height != side {
			t.Fatalf("%s: %s %dx%d (%v), want a %d px JPEG square", key, kind, cfg.Width, cfg.Height, err, side)
		}
	}
}

// hasAPP1 reports whether a JPEG has an APP1 (EXIF or XMP) segment before its
// image data.
func hasAPP1(data []byte) bool {
	for p := 2; p+4 <= len(data) && data[p] == 0xFF; {
		marker := data[p+1]
		if marker == 0xE1 {
			return true
		}
		if marker == 0xDA {
			return false
		}
		p += 2 + int(binary.BigEndian.Uint16(data[p+2:]))
	}
	return false
}

// bombPNG is a 67-byte PNG whose header declares width × height pixels: decoded,
// it would need gigabytes.
func bombPNG(width, height uint32) []byte {
	chunk := func(kind string, data []byte) []byte {
		c := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		c = append(append(c, kind...), data...)
		return binary.BigEndian.AppendUint32(c, crc32.ChecksumIEEE(c[4:]))
	}
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, width), height)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	out := append([]byte("\x89PNG\r\n\x1a\n"), chunk("IHDR", ihdr)...)
	out = append(out, chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(out, chunk("IEND", nil)...)
}

// pictureLinks reads the picture links of a profile answer.
func pictureLinks(t *testing.T, v map[string]any) map[string]any {
	t.Helper()
	p, _ := v["picture"].(map[string]any)
	return p
}

// Promise: HKC-5 — the profile picture is decoded and re-encoded server-side (EXIF
// with a GPS position in, none out), kept as two JPEG squares in the encrypted
// picture bucket; anything that is not a real JPEG or PNG, or a decompression
// bomb, is refused and gone; a replayed completion is refused; other members get
// short-lived links, accounts without the role 404; removal deletes the objects.
func TestNetworkPictureIsReencodedCheckedAndRemoved(t *testing.T) {
	owner, ownerID := pictureMember(t)
	reader, _ := networkMember(t)
	outsider, _ := signUp(t, "outsider")

	// Declared types and sizes outside the policy are refused before anything is stored.
	want(t, owner.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/gif", "size": 100}), http.StatusUnsupportedMediaType, "picture_type_not_allowed")
	want(t, owner.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/jpeg", "size": network.MaxPictureBytes + 1}), http.StatusRequestEntityTooLarge, "picture_too_large")
	// Without a declaration, completion is refused.
	want(t, owner.do(http.MethodPost, "/v1/me/profile/picture/complete", nil), http.StatusConflict, "picture_not_declared")

	// A JPEG with EXIF GPS in: two fresh squares out, the staged original gone.
	if !hasAPP1(jpegFile) || !bytes.Contains(jpegFile, []byte("GPS")) {
		t.Fatal("the test picture has no EXIF GPS segment")
	}
	want(t, sendPicture(t, owner, "image/jpeg", jpegFile), http.StatusOK)
	wantPictureSizes(t, pictureObjects(t, ownerID))
	first := pictureObjects(t, ownerID)

	// Replayed: the upload URL used again and completion asked again is refused,
	// and what reached staging is deleted.
	want(t, owner.do(http.MethodPost, "/v1/me/profile/picture/complete", nil), http.StatusConflict, "picture_not_declared")
	if keys := pictureObjects(t, ownerID); len(keys) != 2 {
		t.Fatalf("after a replay: %v", keys)
	}

	// Another member sees short-lived links to both sizes; they serve the stored JPEGs.
	links := pictureLinks(t, memberView(t, reader, ownerID))
	small, _ := links["small"].(string)
	large, _ := links["large"].(string)
	if small == "" || large == "" || links["expiresAt"] == nil || !strings.Contains(small, "X-Amz-Expires=300") {
		t.Fatalf("links %v", links)
	}
	if body, ctype := download(t, small); ctype != "image/jpeg" || !bytes.Equal(body, bucketObject(t, "PictureBucket", first[len(first)-1])) && !bytes.Equal(body, bucketObject(t, "PictureBucket", first[0])) {
		t.Fatalf("small link serves %s", ctype)
	}
	if pictureLinks(t, myNetworkProfile(t, owner)) == nil {
		t.Fatal("the owner does not see their picture")
	}
	// An account without the role gets 404 for the member, so no link; the picture
	// routes are 404 to it too (TestNetworkRoutesAreHiddenFromAccountsWithoutTheRole).
	want(t, outsider.do(http.MethodGet, "/v1/members/"+ownerID, nil), http.StatusNotFound, "not_found")

	// A PNG replaces it: the old sizes are deleted.
	want(t, sendPicture(t, owner, "image/png", pngFile), http.StatusOK)
	second := pictureObjects(t, ownerID)
	wantPictureSizes(t, second)
	if second[0] == first[0] {
		t.Fatal("the replaced picture's objects are still there")
	}

	// A PDF or random bytes declared as JPEG, a PNG declaring 50000×50000 pixels
	// (refused from its header, never decoded): refused, and nothing of them stays.
	noise := make([]byte, 4096)
	_, _ = rand.Read(noise)
	pdf := []byte("%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	for _, c := range []struct {
		name, declared string
		data           []byte
	}{{"pdf", "image/jpeg", pdf}, {"noise", "image/jpeg", noise}, {"bomb", "image/png", bombPNG(50000, 50000)}} {
		want(t, sendPicture(t, owner, c.declared, c.data), http.StatusUnsupportedMediaType, "picture_type_not_allowed")
		if keys := pictureObjects(t, ownerID); len(keys) != 2 || keys[0] != second[0] || keys[1] != second[1] {
			t.Fatalf("%s: objects after the refusal %v, want the earlier picture's only", c.name, keys)
		}
	}

	// Removed: the objects are gone, and readers see no picture.
	want(t, owner.do(http.MethodDelete, "/v1/me/profile/picture", nil), http.StatusNoContent)
	if keys := pictureObjects(t, ownerID); len(keys) != 0 {
		t.Fatalf("after removal: %v", keys)
	}
	if pictureLinks(t, memberView(t, reader, ownerID)) != nil || pictureLinks(t, myNetworkProfile(t, owner)) != nil {
		t.Fatal("a removed picture is still linked")
	}
}

// Promise: HKC-5 — the picture is a voluntary detail: without the consent it is
// refused; it is in the export as a short-lived link.
// Promise: HKC-16 — withdrawing the consent deletes the picture.
// Promise: HKC-14 — the erasure deletes it.
func TestNetworkPictureRestsOnTheConsentAndLeavesWithTheProfile(t *testing.T) {
	c, id := networkMember(t)
	want(t, c.do(http.MethodPut, "/v1/me/profile/picture", map[string]any{"contentType": "image/jpeg", "size": len(jpegFile)}), http.StatusForbidden, "voluntary_consent_required")
	want(t, c.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
	want(t, sendPicture(t, c, "image/jpeg", jpegFile), http.StatusOK)
	d := export(t, c)
	var exported string
	for _, cat := range d.Categories {
		if cat.ID == "network.pictures" {
			exported = toJSON(t, cat.Data)
		}
	}
	if !strings.Contains(exported, "X-Amz-Expires=900") || !strings.Contains(exported, "small") {
		t.Fatalf("export of the picture: %s", exported)
	}
	want(t, c.do(http.MethodDelete, "/v1/me/consents/network.voluntary", nil), http.StatusOK)
	if keys := pictureObjects(t, id); len(keys) != 0 {
		t.Fatalf("after the withdrawal: %v", keys)
	}
	want(t, c.do(http.MethodPut, "/v1/me/consents/network.voluntary", map[string]any{"textVersion": network.VoluntaryVersion}), http.StatusOK)
	want(t, sendPicture(t, c, "image/png", pngFile), http.StatusOK)
	want(t, c.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if keys := pictureObjects(t, id); len(keys) != 0 {
		t.Fatalf("after the erasure: %v", keys)
	}
	if n := itemsOf(t, "NetworkTable", id); n != 0 {
		t.Fatalf("the network table still holds %d items of the erased account", n)
	}
}
