package integration

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/evidence"
	"kontor/shared/ids"
)

// publicAdvertiser is the advertiser as a listing's public view shows them.
type publicAdvertiser struct {
	ID       string
	Username string
	Ratings  struct {
		Count   int
		Average float64
	}
}

// listingAdvertiser reads a public listing anonymously and returns its advertiser,
// checking that the view holds no account id.
func listingAdvertiser(t *testing.T, listingID, accountID string) publicAdvertiser {
	t.Helper()
	r := newClient(t).do(http.MethodGet, "/v1/listings/"+listingID, nil)
	want(t, r, http.StatusOK)
	if strings.Contains(string(r.Body), accountID) || strings.Contains(string(r.Body), "advertiserId") {
		t.Fatalf("the public view names the account: %s", r.Body)
	}
	var v struct{ Advertiser *publicAdvertiser }
	r.json(t, &v)
	if v.Advertiser == nil || !ids.PlausibleToken(v.Advertiser.ID) {
		t.Fatalf("public view without a public advertiser id: %s", r.Body)
	}
	return *v.Advertiser
}

type ratingOut struct {
	ID, Text string
	Stars    int
}

// rate posts a rating of the advertiser with that public id.
func rate(c *client, publicID string, stars int, text string) response {
	return c.do(http.MethodPost, "/v1/advertisers/"+publicID+"/ratings", map[string]any{"stars": stars, "text": text})
}

// publicRatings is GET /v1/advertisers/{id}/ratings, anonymous.
func publicRatings(t *testing.T, publicID string) (response, []ratingOut) {
	t.Helper()
	r := newClient(t).do(http.MethodGet, "/v1/advertisers/"+publicID+"/ratings", nil)
	var page struct{ Ratings []ratingOut }
	if r.Status == http.StatusOK {
		r.json(t, &page)
		if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
			t.Fatalf("anonymous ratings set cookies %v", sc)
		}
	}
	return r, page.Ratings
}

// expireListing ends a listing's public life now, as its expiry would: the
// moment every public read checks (Listing.Public, HasPublished).
func expireListing(t *testing.T, id string) {
	t.Helper()
	past := time.Now().UTC().Add(-time.Second)
	_, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(stack.Name("ClassifiedsTable")), Key: dynamo.Key("LISTING#"+id, "LISTING"),
		UpdateExpression:          aws.String("SET expiresAt = :at, exp = :exp"),
		ExpressionAttributeValues: dynamo.Item{":at": dynamo.S(past.Format(time.RFC3339Nano)), ":exp": dynamo.N(past.Unix())},
	})
	if err != nil {
		t.Fatal(err)
	}
}

type myRatings struct {
	Advertiser publicAdvertiser
	Received   []ratingOut
	Given      []struct {
		ratingOut
		Advertiser publicAdvertiser
	}
}

// getAs is a GET that must answer 200, decoded.
func getAs[T any](t *testing.T, c *client, path string) T {
	t.Helper()
	r := c.do(http.MethodGet, path, nil)
	want(t, r, http.StatusOK)
	var v T
	r.json(t, &v)
	return v
}

func ratingsOfMine(t *testing.T, c *client) myRatings {
	t.Helper()
	return getAs[myRatings](t, c, "/v1/me/ratings")
}

// Promise: HGK-8 — ratings are linked to the advertiser's account and all their
// listings; others see them only while the advertiser has a published listing;
// kept, not public, until the account is deleted.
// Promise: HGK-12 — publishing a rating records the IP address and exact time.
// A rating shows on the advertiser's listing (summary) and in their public list;
// when the last listing expires the list answers 404 like an unknown advertiser,
// the advertiser still sees it in their own ratings, it shows again with the
// next published listing, and goes again when that one ends early.
func TestRatingsVanishAndReappearWithTheAdvertisersListings(t *testing.T) {
	adv, _ := signUp(t, "rated-adv")
	advID := profile(t, adv).ID
	rater, _ := signUp(t, "rater")
	raterID := profile(t, rater).ID
	first := publish(t, adv, nil)
	pub := listingAdvertiser(t, first.ID, advID)
	if pub.Ratings.Count != 0 {
		t.Fatalf("unrated advertiser %+v", pub)
	}

	before := time.Now().UTC().Add(-time.Second)
	r := rate(rater, pub.ID, 4, "Sehr netter Skipper.\nGerne wieder.")
	want(t, r, http.StatusCreated)
	var given ratingOut
	r.json(t, &given)
	if strings.Contains(string(r.Body), raterID) || strings.Contains(string(r.Body), advID) {
		t.Fatalf("the rating names an account: %s", r.Body)
	}
	recs, err := (&evidence.Log{DB: db(), Table: stack.Name("EvidenceTable")}).For(context.Background(), raterID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, rec := range recs {
		found = found || (rec.Event == classifieds.EventRating && rec.IP != "" && !rec.At.Before(before))
	}
	if !found { // HGK-12
		t.Fatalf("no evidence of the rating in %+v", recs)
	}

	r, list := publicRatings(t, pub.ID)
	want(t, r, http.StatusOK)
	if len(list) != 1 || list[0].ID != given.ID || list[0].Stars != 4 || list[0].Text != "Sehr netter Skipper.\nGerne wieder." {
		t.Fatalf("public ratings %s", r.Body)
	}
	if strings.Contains(string(r.Body), raterID) || strings.Contains(string(r.Body), advID) {
		t.Fatalf("the public ratings name an account: %s", r.Body)
	}
	if s := listingAdvertiser(t, first.ID, advID).Ratings; s.Count != 1 || s.Average != 4 {
		t.Fatalf("listing's summary %+v", s)
	}

	// The last listing expires: the ratings are not public, like an unknown
	// advertiser's, and kept for the advertiser.
	expireListing(t, first.ID)
	r, _ = publicRatings(t, pub.ID)
	want(t, r, http.StatusNotFound, "not_found")
	unknown, _ := publicRatings(t, ids.NewToken())
	if string(unknown.Body) == "" || unknown.Status != r.Status || unknown.problem(t).Code != r.problem(t).Code {
		t.Fatalf("hidden %d %s, unknown %d %s", r.Status, r.Body, unknown.Status, unknown.Body)
	}
	mine := ratingsOfMine(t, adv)
	if len(mine.Received) != 1 || mine.Received[0].ID != given.ID || mine.Advertiser.ID != pub.ID || mine.Advertiser.Ratings.Count != 1 {
		t.Fatalf("the advertiser's own ratings %+v", mine)
	}
	if g := ratingsOfMine(t, rater).Given; len(g) != 1 || g[0].ID != given.ID || g[0].Advertiser.ID != pub.ID {
		t.Fatalf("the rater's given ratings %+v", g)
	}

	// The next published listing shows them again, on it too.
	second := publish(t, adv, map[string]any{"title": "Wieder da"})
	r, list = publicRatings(t, pub.ID)
	want(t, r, http.StatusOK)
	if len(list) != 1 || list[0].ID != given.ID {
		t.Fatalf("ratings after the next listing %s", r.Body)
	}
	if again := listingAdvertiser(t, second.ID, advID); again.ID != pub.ID || again.Ratings.Count != 1 {
		t.Fatalf("the next listing's advertiser %+v, want %s", again, pub.ID)
	}

	// Ended early, as its advertiser's DELETE does: not public from that moment.
	endListing(t, second.ID)
	r, _ = publicRatings(t, pub.ID)
	want(t, r, http.StatusNotFound, "not_found")
}

// endListing ends a listing early, as its advertiser's DELETE /v1/listings/{id}
// does (status ended, endedAt).
func endListing(t *testing.T, id string) {
	t.Helper()
	now := time.Now().UTC()
	_, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(stack.Name("ClassifiedsTable")), Key: dynamo.Key("LISTING#"+id, "LISTING"),
		UpdateExpression:          aws.String("SET #st = :ended, endedAt = :at"),
		ExpressionAttributeNames:  map[string]string{"#st": "status"},
		ExpressionAttributeValues: dynamo.Item{":ended": dynamo.S(classifieds.StatusEnded), ":at": dynamo.S(now.Format(time.RFC3339Nano))},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Promise: HGK-8 — one rating per rater and advertiser, none of oneself.
// A second rating is 409 already_rated, one's own 409 own_rating, an unknown
// advertiser 404; bad input is refused field by field; only the rater deletes a
// rating (404 for anyone else, and for a replay), and may then rate anew.
func TestRatingRulesAndDeletion(t *testing.T) {
	adv, _ := signUp(t, "rules-adv")
	advID := profile(t, adv).ID
	rater, _ := signUp(t, "rules-rater")
	other, _ := signUp(t, "rules-other")
	pub := listingAdvertiser(t, publish(t, adv, nil).ID, advID)

	r := rate(rater, pub.ID, 5, "Top")
	want(t, r, http.StatusCreated)
	var given ratingOut
	r.json(t, &given)
	want(t, rate(rater, pub.ID, 1, "Doch nicht"), http.StatusConflict, "already_rated")
	want(t, rate(adv, pub.ID, 5, "Ich bin toll"), http.StatusConflict, "own_rating")
	want(t, rate(elsewhere(t, rater), ids.NewToken(), 5, "Wer?"), http.StatusNotFound, "not_found")
	want(t, rate(elsewhere(t, rater), "not-an-id", 5, "Wer?"), http.StatusNotFound, "not_found")
	// Without a session the address is required (a rating without an account).
	// and so are the accepted terms and privacy notice (HGK-2: the account records them).
	if r := withCSRF(t).do(http.MethodPost, "/v1/advertisers/"+pub.ID+"/ratings", map[string]any{"stars": 5, "text": "anonym"}); r.Status != http.StatusBadRequest ||
		len(r.problem(t).Errors) != 4 {
		t.Fatalf("anonymous rating without an address: %d %s", r.Status, r.Body)
	}
	for _, c := range []struct {
		stars       int
		text        string
		field, code string
	}{
		{0, "gut", "stars", "invalid_value"},
		{6, "gut", "stars", "invalid_value"},
		{3, "<script>alert(1)</script>", "text", "markup_not_allowed"},
		{3, " ", "text", "required"},
		{3, strings.Repeat("x", classifieds.MaxRatingText+1), "text", "too_long"},
	} {
		r := rate(elsewhere(t, other), pub.ID, c.stars, c.text)
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code || p.Errors[0].Message == "" {
			t.Errorf("stars %d: errors %+v, want %s %s", c.stars, p.Errors, c.field, c.code)
		}
	}
	// Bad bytes: broken JSON, a body larger than any valid one, a forged cursor.
	want(t, elsewhere(t, other).raw(http.MethodPost, "/v1/advertisers/"+pub.ID+"/ratings", "application/json", []byte(`{"stars":3,"text":`), nil), http.StatusBadRequest, "invalid_json")
	want(t, rate(elsewhere(t, other), pub.ID, 3, strings.Repeat("x", classifieds.MaxRatingBody)), http.StatusRequestEntityTooLarge, "body_too_large")
	want(t, newClient(t).do(http.MethodGet, "/v1/advertisers/"+pub.ID+"/ratings?cursor=!!", nil), http.StatusBadRequest, "validation_failed")
	if _, list := publicRatings(t, pub.ID); len(list) != 1 {
		t.Fatalf("refused ratings were stored: %+v", list)
	}

	want(t, other.do(http.MethodDelete, "/v1/ratings/"+given.ID, nil), http.StatusNotFound, "not_found")
	want(t, adv.do(http.MethodDelete, "/v1/ratings/"+given.ID, nil), http.StatusNotFound, "not_found")
	want(t, rater.do(http.MethodDelete, "/v1/ratings/not-an-id", nil), http.StatusNotFound, "not_found")
	want(t, rater.do(http.MethodDelete, "/v1/ratings/"+given.ID, nil), http.StatusNoContent)
	want(t, rater.do(http.MethodDelete, "/v1/ratings/"+given.ID, nil), http.StatusNotFound, "not_found")
	if s := listingAdvertiser(t, publish(t, adv, nil).ID, advID).Ratings; s.Count != 0 {
		t.Fatalf("summary after the deletion %+v", s)
	}
	want(t, rate(rater, pub.ID, 2, "Neu bewertet"), http.StatusCreated)
	if s := ratingsOfMine(t, adv).Advertiser.Ratings; s.Count != 1 || s.Average != 2 {
		t.Fatalf("summary after rating anew %+v", s)
	}
}

// Mass rating from one address is throttled: the eleventh rating within the hour
// is refused with 429 and Retry-After, and nothing is stored.
func TestRatingFloodIsThrottled(t *testing.T) {
	adv, _ := signUp(t, "flood-adv")
	pub := listingAdvertiser(t, publish(t, adv, nil).ID, profile(t, adv).ID)
	rater, _ := signUp(t, "flood-rater")
	for i := 0; i < 10; i++ {
		want(t, rate(rater, pub.ID, 9, "x"), http.StatusBadRequest, "validation_failed")
	}
	r := rate(rater, pub.ID, 5, "gut")
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
	if _, list := publicRatings(t, pub.ID); len(list) != 0 {
		t.Fatalf("throttled rating stored: %+v", list)
	}
}

type advertiserData struct {
	Username, Salutation, Name, Street, PostalCode, City, Country, PublicID string
	FirstListingAt, CreatedAt                                               *time.Time
}

func patchAdvertiser(c *client, body map[string]any) response {
	return c.do(http.MethodPatch, "/v1/me/advertiser", body)
}

func advertiserOf(t *testing.T, c *client) advertiserData {
	t.Helper()
	return getAs[advertiserData](t, c, "/v1/me/advertiser")
}

// Promise: HGK-3 — an optional username, shown on the listings.
// Promise: HGK-4 — salutation, name and billing address only to address mails
// and invoices: never public; each removable.
// The username is unique ignoring case, of letters and digits, without staff
// words; it shows on the listing, nothing else of the advertiser data does.
func TestAdvertiserDataIsOptionalPrivateAndRemovable(t *testing.T) {
	a, _ := signUp(t, "data-adv")
	b, _ := signUp(t, "data-other")
	if d := advertiserOf(t, a); d != (advertiserData{}) {
		t.Fatalf("fresh advertiser data %+v", d)
	}
	name := "Skipper" + strings.ReplaceAll(ids.NewToken()[:8], "-", "x")
	name = strings.ReplaceAll(name, "_", "y")
	r := patchAdvertiser(a, map[string]any{"username": name, "salutation": "ms", "name": "Greta Segel", "street": "Hafenstraße 1",
		"postalCode": "24937", "city": "Flensburg", "country": "de"})
	want(t, r, http.StatusOK)
	l := publish(t, a, nil)
	d := advertiserOf(t, a)
	if d.Username != name || d.Name != "Greta Segel" || d.Country != "DE" || d.FirstListingAt == nil || d.CreatedAt == nil || d.PublicID == "" {
		t.Fatalf("advertiser data %+v", d)
	}
	rv := newClient(t).do(http.MethodGet, "/v1/listings/"+l.ID, nil)
	want(t, rv, http.StatusOK)
	for _, secret := range []string{"Greta", "Hafenstraße", "24937", "Flensburg", profile(t, a).ID} {
		if strings.Contains(string(rv.Body), secret) { // HGK-4
			t.Fatalf("the public listing shows %q: %s", secret, rv.Body)
		}
	}
	if pub := listingAdvertiser(t, l.ID, profile(t, a).ID); pub.Username != name || pub.ID != d.PublicID {
		t.Fatalf("the listing's advertiser %+v", pub)
	}

	for _, c := range []struct {
		username, code string
	}{
		{strings.ToUpper(name), "username_taken"},
		{"Admin_Crew", "username_reserved"},
		{"HandGegenKoje-Team", "username_reserved"},
		{"hand.gegen.koje", "username_reserved"},
		{"a b", "username_format"},
		{"<b>x</b>", "username_format"},
		{"ab", "too_short"},
		{strings.Repeat("x", classifieds.MaxUsername+1), "too_long"},
	} {
		r := patchAdvertiser(b, map[string]any{"username": c.username})
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "username" || p.Errors[0].Code != c.code || p.Errors[0].Message == "" {
			t.Errorf("%q: errors %+v, want %s", c.username, p.Errors, c.code)
		}
	}
	want(t, patchAdvertiser(b, map[string]any{"salutation": "king", "country": "Germany", "postalCode": "<1>"}), http.StatusBadRequest, "validation_failed")
	want(t, patchAdvertiser(b, map[string]any{"email": "x@example.org"}), http.StatusBadRequest, "validation_failed")
	want(t, newClient(t).do(http.MethodGet, "/v1/me/advertiser", nil), http.StatusUnauthorized, "unauthenticated")

	// Each field removable; a username given up is free for someone else.
	want(t, patchAdvertiser(a, map[string]any{"name": nil, "street": nil, "postalCode": nil, "city": nil, "country": nil, "salutation": nil, "username": nil}), http.StatusOK)
	if d := advertiserOf(t, a); d.Username != "" || d.Name != "" || d.Street != "" || d.City != "" || d.Salutation != "" || d.PublicID == "" {
		t.Fatalf("after removal %+v", d)
	}
	want(t, patchAdvertiser(b, map[string]any{"username": strings.ToLower(name)}), http.StatusOK)
	if pub := listingAdvertiser(t, l.ID, profile(t, a).ID); pub.Username != "" {
		t.Fatalf("removed username still shown: %+v", pub)
	}
}

// Promise: HGK-8 — ratings are kept until the account is deleted.
// Promise: HGK-16 — export and deletion of all of one's data.
// The advertiser data and the ratings received and given are exported; erasing
// the rater deletes their ratings (their text is theirs) and the advertiser's
// summary drops; erasing the advertiser deletes the ratings received, the
// username's claim and every item naming the account.
func TestRatingsAndAdvertiserDataGoWithTheAccounts(t *testing.T) {
	adv, _ := signUp(t, "erase-rated")
	advID := profile(t, adv).ID
	rater, _ := signUp(t, "erase-rater")
	raterID := profile(t, rater).ID
	keeper, _ := signUp(t, "keep-rater")
	l := publish(t, adv, nil)
	uname := "Erase" + strings.NewReplacer("-", "x", "_", "y").Replace(ids.NewToken()[:10])
	want(t, patchAdvertiser(adv, map[string]any{"username": uname, "name": "Hein Blöd"}), http.StatusOK)
	pub := listingAdvertiser(t, l.ID, advID)
	want(t, rate(rater, pub.ID, 1, "Vom Bewertenden, zu löschen"), http.StatusCreated)
	want(t, rate(keeper, pub.ID, 5, "Bleibt"), http.StatusCreated)

	if d := toJSON(t, export(t, adv).Categories); !strings.Contains(d, "Hein Blöd") || !strings.Contains(d, "Bleibt") || !strings.Contains(d, classifieds.KindRatingsReceived) {
		t.Fatalf("the advertiser's export lacks their data or ratings")
	}
	if d := toJSON(t, export(t, rater).Categories); !strings.Contains(d, "Vom Bewertenden, zu löschen") || !strings.Contains(d, classifieds.KindRatingsGiven) {
		t.Fatalf("the rater's export lacks the rating")
	}

	want(t, rater.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	_, list := publicRatings(t, pub.ID)
	if len(list) != 1 || list[0].Text != "Bleibt" {
		t.Fatalf("ratings after the rater's erasure %+v", list)
	}
	if s := listingAdvertiser(t, l.ID, advID).Ratings; s.Count != 1 || s.Average != 5 {
		t.Fatalf("summary after the rater's erasure %+v", s)
	}
	if n := len(classifiedsItemsNaming(t, raterID)); n != 0 {
		t.Fatalf("%d items of the erased rater remain", n)
	}

	want(t, adv.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	r, _ := publicRatings(t, pub.ID)
	want(t, r, http.StatusNotFound, "not_found")
	for _, v := range []string{advID, pub.ID, strings.ToLower(uname)} {
		if n := len(classifiedsItemsNaming(t, v)); n != 0 {
			t.Fatalf("%d items holding %s remain", n, v)
		}
	}
	if g := ratingsOfMine(t, keeper).Given; len(g) != 0 {
		t.Fatalf("the erased advertiser's rating remains with its rater: %+v", g)
	}
}

// classifiedsItemsNaming returns the items of the classifieds table with any
// string attribute (key, rated, rater, pubId, …) holding v.
func classifiedsItemsNaming(t *testing.T, v string) []map[string]types.AttributeValue {
	t.Helper()
	out, err := db().Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(stack.Name("ClassifiedsTable")), ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	var its []map[string]types.AttributeValue
	for _, it := range out.Items {
		for _, a := range it {
			if s, ok := a.(*types.AttributeValueMemberS); ok && strings.Contains(s.Value, v) {
				its = append(its, it)
				break
			}
		}
	}
	return its
}

// Promise: HGK-2 — an account is created when a rater confirms their address.
// Promise: HGK-12 — the confirmed rating's IP address and time are recorded.
// Without an account the rating waits for the mailed link (202, nothing public);
// the link publishes it once as the address's account (the same account for the
// same address later); a replayed, unknown or expired link is a clear problem
// and changes nothing.
func TestRatingWithoutAccountIsConfirmedByMail(t *testing.T) {
	adv, _ := signUp(t, "anon-rated")
	advID := profile(t, adv).ID
	pub := listingAdvertiser(t, publish(t, adv, nil).ID, advID)
	adv2, _ := signUp(t, "anon-rated2")
	pub2 := listingAdvertiser(t, publish(t, adv2, nil).ID, profile(t, adv2).ID)
	email := newEmail("anon-rater")
	anon := withCSRF(t)
	body := func(change map[string]any) map[string]any {
		tpl := stack.Template()
		b := map[string]any{"stars": 5, "text": "Ohne Konto bewertet", "email": email, "language": "en",
			"acceptedTermsVersion": tpl.Parameters["TermsVersion"].Default, "acceptedPrivacyVersion": tpl.Parameters["PrivacyNoticeVersion"].Default}
		for k, v := range change {
			b[k] = v
		}
		return b
	}
	for _, c := range []struct {
		change      map[string]any
		field, code string
	}{
		{map[string]any{"email": "nope"}, "email", "invalid_email"},
		{map[string]any{"language": "fr"}, "language", "invalid_value"},
		{map[string]any{"text": "<i>x</i>"}, "text", "markup_not_allowed"},
		{map[string]any{"acceptedTermsVersion": ""}, "acceptedTermsVersion", "required"},
		{map[string]any{"acceptedPrivacyVersion": "1900-01-01"}, "acceptedPrivacyVersion", "outdated_version"},
	} {
		r := withCSRF(t).do(http.MethodPost, "/v1/advertisers/"+pub.ID+"/ratings", body(c.change))
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code {
			t.Errorf("%v: errors %+v, want %s %s", c.change, p.Errors, c.field, c.code)
		}
	}
	want(t, withCSRF(t).do(http.MethodPost, "/v1/advertisers/"+ids.NewToken()+"/ratings", body(nil)), http.StatusNotFound, "not_found")

	r := anon.do(http.MethodPost, "/v1/advertisers/"+pub.ID+"/ratings", body(nil))
	want(t, r, http.StatusAccepted)
	if sc := r.Header.Values("Set-Cookie"); len(sc) != 0 {
		t.Fatalf("the rating without an account set cookies %v", sc)
	}
	if _, list := publicRatings(t, pub.ID); len(list) != 0 {
		t.Fatalf("an unconfirmed rating is public: %+v", list)
	}
	token := tokenFrom(t, mailTo(t, email, "confirm your rating"))
	want(t, anon.do(http.MethodPost, "/v1/ratings/confirm", map[string]any{"token": "garbage"}), http.StatusBadRequest, "rating_link_invalid")
	want(t, anon.do(http.MethodPost, "/v1/ratings/confirm", map[string]any{"token": ids.NewToken()}), http.StatusBadRequest, "rating_link_invalid")

	before := time.Now().UTC().Add(-time.Second)
	r = anon.do(http.MethodPost, "/v1/ratings/confirm", map[string]any{"token": token})
	want(t, r, http.StatusCreated)
	var rt ratingOut
	r.json(t, &rt)
	want(t, anon.do(http.MethodPost, "/v1/ratings/confirm", map[string]any{"token": token}), http.StatusBadRequest, "rating_link_invalid")
	_, list := publicRatings(t, pub.ID)
	if len(list) != 1 || list[0].ID != rt.ID || list[0].Text != "Ohne Konto bewertet" {
		t.Fatalf("the confirmed rating is not public: %+v", list)
	}
	st := classifiedsStore()
	stored, err := st.Rating(context.Background(), rt.ID)
	if err != nil || !ids.ValidV7(stored.Rater) || stored.Rater == advID {
		t.Fatalf("the rating's rater %q, %v", stored.Rater, err)
	}
	recs, err := (&evidence.Log{DB: db(), Table: stack.Name("EvidenceTable")}).For(context.Background(), stored.Rater, time.Now())
	if err != nil || len(recs) == 0 || recs[len(recs)-1].Event != classifieds.EventRating || recs[len(recs)-1].At.Before(before) {
		t.Fatalf("evidence of the confirmed rating %+v, %v", recs, err)
	}
	// HGK-2: the confirmation made an active account (no mail of its own): the rater
	// signs in by a mailed link at once.
	rater := newClient(t)
	want(t, requestLink(t, rater, email, "en"), http.StatusAccepted)
	want(t, useLink(rater, tokenFrom(t, mailTo(t, email, "sign-in link"))), http.StatusCreated)
	if got := profile(t, rater).ID; got != stored.Rater {
		t.Fatalf("the rater signed in as %q, want %q", got, stored.Rater)
	}

	// The same address rates another advertiser: the same account.
	want(t, withCSRF(t).do(http.MethodPost, "/v1/advertisers/"+pub2.ID+"/ratings", body(map[string]any{"text": "Zweite"})), http.StatusAccepted)
	second := tokenFrom(t, mailTo(t, email, "confirm your rating"))
	for second == token {
		time.Sleep(200 * time.Millisecond)
		second = tokenFrom(t, mailTo(t, email, "confirm your rating"))
	}
	r = withCSRF(t).do(http.MethodPost, "/v1/ratings/confirm", map[string]any{"token": second})
	want(t, r, http.StatusCreated)
	var rt2 ratingOut
	r.json(t, &rt2)
	if s2, err := st.Rating(context.Background(), rt2.ID); err != nil || s2.Rater != stored.Rater {
		t.Fatalf("the second rating's rater %q, want %q (%v)", s2.Rater, stored.Rater, err)
	}

	// An expired link: refused, and nothing is published.
	raw := ids.NewToken()
	past := time.Now().UTC().Add(-time.Minute)
	if err := st.AddPending(context.Background(), classifieds.PendingRating{Digest: ids.Digest(raw), Rated: advID, Stars: 1, Text: "Zu spät",
		Email: newEmail("late-rater"), Language: "de", CreatedAt: past.Add(-classifieds.PendingRatingTTL), ExpiresAt: past}); err != nil {
		t.Fatal(err)
	}
	want(t, withCSRF(t).do(http.MethodPost, "/v1/ratings/confirm", map[string]any{"token": raw}), http.StatusBadRequest, "rating_link_expired")
	if _, list := publicRatings(t, pub.ID); len(list) != 1 {
		t.Fatalf("the expired rating was published: %+v", list)
	}
}

// withCSRF is a new client without a session that holds a CSRF token, as a page
// does before it posts.
func withCSRF(t *testing.T) *client {
	c := newClient(t)
	c.csrf()
	return c
}
