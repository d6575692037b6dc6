package integration

import (
	"bytes"
	"context"
	"image"
	"net/http"
	"strings"
	"testing"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/ids"
	"kontor/shared/privacy"
	uploads "kontor/shared/upload"
)

// photoObjects lists the keys of a listing's photos in the photo bucket, staged
// and checked.
func photoObjects(t *testing.T, listingID string) []string {
	t.Helper()
	return bucketKeys(t, "ClassifiedsPhotoBucket", classifieds.PhotoStaging+listingID+"/", "photos/"+listingID+"/")
}

// newPhoto is the answer to a photo's declaration.
type newPhoto struct {
	Photo  classifieds.Photo `json:"photo"`
	Upload uploads.URL       `json:"upload"`
}

// declarePhoto declares a photo of size bytes for a listing.
func declarePhoto(t *testing.T, c *client, listingID, contentType string, size int) newPhoto {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/listings/"+listingID+"/photos", map[string]any{"contentType": contentType, "size": size})
	want(t, r, http.StatusCreated)
	var np newPhoto
	r.json(t, &np)
	return np
}

func completePhoto(c *client, listingID, id string) response {
	return c.do(http.MethodPost, "/v1/listings/"+listingID+"/photos/"+id+"/complete", nil)
}

// sendPhoto declares data as contentType, sends it to its upload URL and asks for
// the check.
func sendPhoto(t *testing.T, c *client, listingID, contentType string, data []byte) (newPhoto, response) {
	t.Helper()
	np := declarePhoto(t, c, listingID, contentType, len(data))
	put(t, np.Upload, data)
	return np, completePhoto(c, listingID, np.Photo.ID)
}

// publicView is GET /v1/listings/{id} anonymously; it checks no cookie is set.
func publicView(t *testing.T, id string) classifieds.View {
	t.Helper()
	r := newClient(t).do(http.MethodGet, "/v1/listings/"+id, nil)
	want(t, r, http.StatusOK)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("anonymous read set cookies %v", sc)
	}
	var v classifieds.View
	r.json(t, &v)
	return v
}

// photoURL is the public link to a photo, read anonymously.
func photoURL(t *testing.T, listingID, id string) string {
	t.Helper()
	r := newClient(t).do(http.MethodGet, "/v1/listings/"+listingID+"/photos/"+id, nil)
	want(t, r, http.StatusOK)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("anonymous photo link set cookies %v", sc)
	}
	var l classifieds.PhotoLink
	r.json(t, &l)
	if l.ID != id || !strings.Contains(l.URL, "X-Amz-Expires=300") {
		t.Fatalf("photo link %+v", l)
	}
	return l.URL
}

// Promise: HGK-7 — photos are public exactly while the listing is.
// Promise: HGK-1 — no metadata (EXIF, GPS) of an uploaded photo survives.
// Promise: CP-1 — photos are seen without an account and without a cookie.
// The advertiser adds a JPEG with a GPS position: it is re-encoded without EXIF,
// listed in the public view and fetched anonymously; others get 404 for every
// change; declarations outside the limits, bytes that are not what was declared,
// a completion replayed, the upload URL used again and the seventh photo are
// refused and change nothing; a removed photo's files are gone.
func TestListingPhotosAreCheckedAndPublicWhileTheListingIs(t *testing.T) {
	a, _ := signUp(t, "photo-adv")
	b, _ := signUp(t, "photo-other")
	anon := newClient(t)
	l := publish(t, a, nil)
	base := "/v1/listings/" + l.ID + "/photos"

	// Declarations outside the limits, and anyone else's, store nothing.
	want(t, a.do(http.MethodPost, base, map[string]any{"contentType": "image/gif", "size": 10}), http.StatusUnsupportedMediaType, "photo_type_not_allowed")
	want(t, a.do(http.MethodPost, base, map[string]any{"contentType": "application/pdf", "size": 10}), http.StatusUnsupportedMediaType, "photo_type_not_allowed")
	want(t, a.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": classifieds.MaxPhotoBytes + 1}), http.StatusRequestEntityTooLarge, "photo_too_large")
	want(t, a.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": 0}), http.StatusBadRequest, "validation_failed")
	want(t, a.do(http.MethodPost, base, map[string]any{"size": 10}), http.StatusBadRequest, "validation_failed")
	want(t, b.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": 10}), http.StatusNotFound, "not_found")
	want(t, anon.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": 10}), http.StatusUnauthorized, "unauthenticated")
	want(t, a.do(http.MethodPost, "/v1/listings/"+ids.NewV7(time.Now())+"/photos", map[string]any{"contentType": "image/jpeg", "size": 10}), http.StatusNotFound, "not_found")
	want(t, a.do(http.MethodPost, "/v1/listings/not-an-id/photos", map[string]any{"contentType": "image/jpeg", "size": 10}), http.StatusNotFound, "not_found")
	if keys := photoObjects(t, l.ID); len(keys) != 0 || len(publicView(t, l.ID).Photos) != 0 {
		t.Fatalf("refused declarations left %v", keys)
	}

	// A JPEG with a GPS position goes through, re-encoded.
	if !hasAPP1(jpegFile) || !bytes.Contains(jpegFile, []byte("GPS")) {
		t.Fatal("the test photo has no EXIF GPS segment")
	}
	photo, r := sendPhoto(t, a, l.ID, "image/jpeg", jpegFile)
	want(t, r, http.StatusOK)
	var checked classifieds.Photo
	r.json(t, &checked)
	if !checked.Ready || checked.ContentType != "image/jpeg" || checked.ID != photo.Photo.ID {
		t.Fatalf("checked photo %+v", checked)
	}
	// Declared but not uploaded: it waits, and is shown to no one.
	waiting := declarePhoto(t, a, l.ID, "image/png", 100)
	want(t, completePhoto(a, l.ID, waiting.Photo.ID), http.StatusConflict, "photo_not_uploaded")
	want(t, anon.do(http.MethodGet, base+"/"+waiting.Photo.ID, nil), http.StatusNotFound, "not_found")

	v := publicView(t, l.ID)
	if len(v.Photos) != 1 || v.Photos[0] != photo.Photo.ID || v.IdentityConfirmed {
		t.Fatalf("public view %+v", v)
	}
	body, h := downloadFile(t, photoURL(t, l.ID, photo.Photo.ID))
	if hasAPP1(body) || bytes.Contains(body, []byte("GPS")) || h.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo served with metadata or as %v", h)
	}
	if _, format, err := image.DecodeConfig(bytes.NewReader(body)); err != nil || format != "jpeg" {
		t.Fatalf("the served photo is no JPEG: %s %v", format, err)
	}

	// Only the advertiser changes or lists them; anyone else 404.
	want(t, completePhoto(b, l.ID, photo.Photo.ID), http.StatusNotFound, "not_found")
	want(t, b.do(http.MethodDelete, base+"/"+photo.Photo.ID, nil), http.StatusNotFound, "not_found")
	want(t, b.do(http.MethodGet, "/v1/me/listings/"+l.ID+"/photos", nil), http.StatusNotFound, "not_found")
	want(t, anon.do(http.MethodDelete, base+"/"+photo.Photo.ID, nil), http.StatusUnauthorized, "unauthenticated")
	r = a.do(http.MethodGet, "/v1/me/listings/"+l.ID+"/photos", nil)
	want(t, r, http.StatusOK)
	if mine := toJSON(t, object(t, r)["photos"]); !strings.Contains(mine, photo.Photo.ID) || !strings.Contains(mine, waiting.Photo.ID) {
		t.Fatalf("own photos %s", mine)
	}

	// A completion replayed is refused and changes nothing; nor does the upload
	// URL used again (refused by storage, or landing in staging only).
	want(t, completePhoto(a, l.ID, photo.Photo.ID), http.StatusConflict, "photo_complete")
	req, _ := http.NewRequest(photo.Upload.Method, photo.Upload.URL, bytes.NewReader(pngFile[:min(len(pngFile), len(jpegFile))]))
	for k, hv := range photo.Upload.Headers {
		req.Header.Set(k, hv)
	}
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	want(t, completePhoto(a, l.ID, photo.Photo.ID), http.StatusConflict, "photo_complete")
	if again, _ := downloadFile(t, photoURL(t, l.ID, photo.Photo.ID)); !bytes.Equal(again, body) {
		t.Fatal("the upload URL used again changed the photo")
	}

	// Bytes that are not what was declared are refused and gone: a PNG declared
	// as JPEG, a PDF declared as PNG, an executable declared as WebP.
	before := photoObjects(t, l.ID)
	for _, c := range []struct {
		declared string
		data     []byte
	}{{"image/jpeg", pngFile}, {"image/png", pdfFile}, {"image/webp", exeFile}} {
		np, r := sendPhoto(t, a, l.ID, c.declared, c.data)
		want(t, r, http.StatusUnsupportedMediaType, "photo_type_not_allowed")
		if keys := photoObjects(t, l.ID); len(keys) != len(before) {
			t.Fatalf("%s: objects %v after the refusal, want %v", c.declared, keys, before)
		}
		want(t, completePhoto(a, l.ID, np.Photo.ID), http.StatusNotFound, "not_found")
	}
	// More bytes than declared (a client ignoring the signed length).
	short := declarePhoto(t, a, l.ID, "image/jpeg", len(jpegFile)-10)
	stageIn(t, "ClassifiedsPhotoBucket", "ClassifiedsKey", classifieds.PhotoStaging+l.ID+"/"+short.Photo.ID, jpegFile)
	want(t, completePhoto(a, l.ID, short.Photo.ID), http.StatusBadRequest, "photo_not_accepted")
	if keys := photoObjects(t, l.ID); len(keys) != len(before) || len(publicView(t, l.ID).Photos) != 1 {
		t.Fatalf("the larger file was left behind: %v", keys)
	}

	// At most six photos a listing, counting those declared (two so far).
	for range classifieds.DefaultMaxPhotos - 2 {
		declarePhoto(t, a, l.ID, "image/jpeg", 100)
	}
	want(t, a.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": 100}), http.StatusConflict, "too_many_photos")

	// The advertiser removes a photo: its files go at once, the view drops it,
	// and the place is free again.
	want(t, a.do(http.MethodDelete, base+"/"+photo.Photo.ID, nil), http.StatusNoContent)
	want(t, a.do(http.MethodDelete, base+"/"+photo.Photo.ID, nil), http.StatusNotFound, "not_found")
	want(t, anon.do(http.MethodGet, base+"/"+photo.Photo.ID, nil), http.StatusNotFound, "not_found")
	for _, k := range photoObjects(t, l.ID) {
		if strings.Contains(k, photo.Photo.ID) {
			t.Fatalf("the removed photo's object %s is still there", k)
		}
	}
	if v := publicView(t, l.ID); len(v.Photos) != 0 {
		t.Fatalf("the view still lists %v", v.Photos)
	}
	declarePhoto(t, a, l.ID, "image/jpeg", 100)
}

// Promise: HGK-7 — not public after the expiry date; kept as a template.
// A listing past its expiry keeps its photos for its advertiser (the template),
// and the public gets 404 for them from the moment of its expiry.
func TestListingPhotosOfAnExpiredListingAreKeptNotPublic(t *testing.T) {
	a, _ := signUp(t, "photo-expired")
	acc := profile(t, a).ID
	now := time.Now().UTC()
	pub := now.Add(-48 * time.Hour)
	expired := classifieds.Listing{ID: ids.NewV7(pub), AdvertiserID: acc, Status: classifieds.StatusPublished, Kind: "offer", Area: "baltic",
		BoatType: "catamaran", From: day(-1), To: day(3), Title: "Abgelaufen mit Foto", Text: "x", ExpiresOn: day(-1),
		ExpiresAt: now.Add(-time.Second), CreatedAt: pub, PublishedAt: &pub}
	if err := classifiedsStore().Publish(context.Background(), expired); err != nil {
		t.Fatal(err)
	}
	np, r := sendPhoto(t, a, expired.ID, "image/png", pngFile)
	want(t, r, http.StatusOK)
	want(t, newClient(t).do(http.MethodGet, "/v1/listings/"+expired.ID+"/photos/"+np.Photo.ID, nil), http.StatusNotFound, "not_found")
	r = a.do(http.MethodGet, "/v1/me/listings/"+expired.ID+"/photos", nil)
	want(t, r, http.StatusOK)
	ps, _ := object(t, r)["photos"].([]any)
	if len(ps) != 1 {
		t.Fatalf("the template's photos %v", ps)
	}
	if u, _ := ps[0].(map[string]any)["url"].(string); u == "" {
		t.Fatalf("no link for the advertiser: %v", ps[0])
	} else if body, _ := downloadFile(t, u); bytes.Contains(body, []byte("tEXt")) {
		t.Fatal("the PNG kept its text chunk")
	}
	if len(photoObjects(t, expired.ID)) == 0 {
		t.Fatal("the template's photo was deleted")
	}
}

// Promise: HGK-7 — all listing data is deleted at the latest with the account.
// Promise: HGK-16 — access without reason, deletion on request.
// The export holds the photos with links; erasing the account deletes their
// files and items, and the module then exports nothing for the person.
func TestListingPhotosGoWithTheAccount(t *testing.T) {
	a, email := signUp(t, "photo-erase")
	acc := profile(t, a).ID
	l := publish(t, a, nil)
	np, r := sendPhoto(t, a, l.ID, "image/jpeg", jpegFile)
	want(t, r, http.StatusOK)
	declarePhoto(t, a, l.ID, "image/png", 100) // staged, never completed
	d := toJSON(t, export(t, a).Categories)
	if !strings.Contains(d, classifieds.KindPhotos) || !strings.Contains(d, np.Photo.ID) || !strings.Contains(d, "X-Amz-Expires=900") {
		t.Fatalf("the export lacks the photos: %s", d)
	}
	want(t, a.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if keys := photoObjects(t, l.ID); len(keys) != 0 {
		t.Fatalf("photo objects after the erasure: %v", keys)
	}
	if n := len(itemsHolding(t, "ClassifiedsTable", l.ID)); n != 0 {
		t.Fatalf("%d items of the erased listing remain", n)
	}
	assertClassifiedsExportEmpty(t, acc, email)
}

// assertClassifiedsExportEmpty asks the classifieds module for everything about an
// erased person: every kind is null, [] or {}.
func assertClassifiedsExportEmpty(t *testing.T, accountID, email string) {
	t.Helper()
	for _, m := range sweepService(t, time.Now().UTC()).Modules {
		if m.Name() != "classifieds" {
			continue
		}
		data, err := m.Export(context.Background(), privacy.Subject{AccountID: accountID, Email: email})
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{classifieds.KindListings, classifieds.KindAdvertiser, classifieds.KindPhotos, classifieds.KindIdentity} {
			if s := toJSON(t, data[kind]); s != "null" && s != "[]" && s != "{}" {
				t.Errorf("after erasure %s still exports %s", kind, s)
			}
		}
		return
	}
	t.Fatal("no classifieds module")
}

// A flood of declarations is throttled with the account's upload limit (30 an
// hour, shared with pictures and files): refused declarations count too, and the
// 31st is 429 with Retry-After; nothing more is stored.
func TestListingPhotoDeclarationsAreThrottled(t *testing.T) {
	a, _ := signUp(t, "photo-flood")
	l := publish(t, a, nil)
	base := "/v1/listings/" + l.ID + "/photos"
	for i := range 30 {
		r := a.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": 100})
		if i < classifieds.DefaultMaxPhotos {
			want(t, r, http.StatusCreated)
		} else {
			want(t, r, http.StatusConflict, "too_many_photos")
		}
	}
	r := a.do(http.MethodPost, base, map[string]any{"contentType": "image/jpeg", "size": 100})
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	r = a.do(http.MethodGet, "/v1/me/listings/"+l.ID+"/photos", nil)
	want(t, r, http.StatusOK)
	if ps, _ := object(t, r)["photos"].([]any); len(ps) != classifieds.DefaultMaxPhotos {
		t.Fatalf("%d photos stored", len(ps))
	}
}
