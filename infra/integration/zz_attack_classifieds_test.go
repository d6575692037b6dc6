package integration

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
)

// Attacks on the classifieds module (HandGegenKoje.de) from outside over HTTP, as
// a stranger or a malicious advertiser would try them: each names what the
// attacker tries and what must hold.

// Attack (HGK-7, CP-1): an advertiser hides what a listing says with characters
// that do not show: a right-to-left override that makes a title read in another
// order than written ("…moc.kcilc" reads as "click.com…"), zero-width spaces that
// split a word past the markup check and the search, a title of nothing but
// invisible characters. Each is refused with the field named and nothing is
// stored; right-to-left marks, emoji joiners and soft hyphens stay allowed. A
// rating's text is held to the same rule.
func TestAttackClassifiedsHiddenCharactersAreRefused(t *testing.T) {
	a, _ := signUp(t, "atk-hidden")
	cases := []struct {
		change      map[string]any
		field, code string
	}{
		{map[string]any{"title": "Koje frei \u202egnp.exe"}, "title", "control_characters"},
		{map[string]any{"title": "Koje \u2067frei\u2069"}, "title", "control_characters"},
		{map[string]any{"text": "Mehr unter java\u200bscript:alert(1)"}, "text", "control_characters"},
		{map[string]any{"text": "Ab Kiel\u2060\ufeff nach Bornholm"}, "text", "control_characters"},
		{map[string]any{"title": "\u200b\u2060\u200d"}, "title", "required"},
		{map[string]any{"title": " \u00ad "}, "title", "required"},
	}
	for _, c := range cases {
		r := elsewhere(t, a).do(http.MethodPost, "/v1/listings", listingBody(c.change))
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != c.field || p.Errors[0].Code != c.code {
			t.Errorf("%q: errors %+v, want %s %s", c.change, p.Errors, c.field, c.code)
		}
	}
	if ls, _ := myListings(t, a, ""); len(ls) != 0 {
		t.Fatalf("refused listings were stored: %+v", ls)
	}
	// Editing cannot bring them in either.
	l := publish(t, elsewhere(t, a), map[string]any{"title": "שלום Crew\u200f, Familie 👨\u200d👩\u200d👧, Segel\u00adtörn"})
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"title": "Koje \u202efrei"}), http.StatusBadRequest, "validation_failed")
	if v := publicView(t, l.ID); !strings.Contains(v.Title, "\u200d") || strings.Contains(v.Title, "\u202e") {
		t.Fatalf("public title %q", v.Title)
	}

	// A rating's text: the same refusal, nothing stored.
	rater, _ := signUp(t, "atk-hidden-rater")
	pub := advertiserOf(t, a).PublicID
	r := rate(rater, pub, 5, "Toller Skipper \u202eresiwtnu")
	want(t, r, http.StatusBadRequest, "validation_failed")
	if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "text" || p.Errors[0].Code != "control_characters" {
		t.Fatalf("rating errors %+v", p.Errors)
	}
	if mine := ratingsOfMine(t, rater); len(mine.Given) != 0 {
		t.Fatalf("the refused rating was stored: %+v", mine.Given)
	}
}

// lookalikeLetters are Latin letters with a Cyrillic twin that looks the same.
var lookalikeLetters = map[rune]rune{'a': 'а', 'c': 'с', 'e': 'е', 'o': 'о', 'p': 'р', 'x': 'х', 'y': 'у'}

// Attack (HGK-3, HGK-8): someone poses as a known advertiser by claiming a
// username that looks like theirs: the same name with one Cyrillic letter, in
// full-width letters, entirely in Cyrillic look-alikes, with a capital I for an l
// or a zero for an o. Mixed scripts and styled letters are refused
// (username_lookalike); a name of one script that looks like a taken one is
// taken (username_taken); the original advertiser keeps the name, and a name of
// another script that looks like nothing taken stays free.
func TestAttackClassifiedsUsernameLookalikesAreRefused(t *testing.T) {
	victim, _ := signUp(t, "atk-name-victim")
	mallory, _ := signUp(t, "atk-name-mallory")
	letters := []rune("acexoy")
	var b strings.Builder
	b.WriteString("pl")
	for range 10 {
		b.WriteRune(letters[rand.IntN(len(letters))])
	}
	name := b.String() // only letters with a Cyrillic twin, plus "pl"
	want(t, patchAdvertiser(victim, map[string]any{"username": name}), http.StatusOK)

	cyrillic := strings.Map(func(r rune) rune {
		if c, ok := lookalikeLetters[r]; ok {
			return c
		}
		return r
	}, name)
	allCyrillic := strings.Map(func(r rune) rune {
		if r == 'l' {
			return 'ӏ'
		}
		return r
	}, cyrillic)
	fullWidth := strings.Map(func(r rune) rune { return r - 'a' + 'ａ' }, name)
	cases := []struct{ username, code string }{
		{strings.Replace(name, "pl", "рl", 1), "username_lookalike"}, // one Cyrillic letter
		{fullWidth, "username_lookalike"},
		{allCyrillic, "username_taken"},
		{strings.ToUpper(allCyrillic), "username_taken"},
		{strings.Replace(strings.ToUpper(name), "L", "I", 1), "username_taken"},
		{strings.ReplaceAll(name, "o", "0"), "username_taken"},
		{"аdmin-crew", "username_lookalike"},
		{"adm1n-crew", "username_reserved"},
	}
	for _, c := range cases {
		r := patchAdvertiser(mallory, map[string]any{"username": c.username})
		want(t, r, http.StatusBadRequest, "validation_failed")
		if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "username" || p.Errors[0].Code != c.code || p.Errors[0].Message == "" {
			t.Errorf("%q: errors %+v, want %s", c.username, p.Errors, c.code)
		}
	}
	if d := advertiserOf(t, mallory); d.Username != "" {
		t.Fatalf("mallory holds %q", d.Username)
	}
	if d := advertiserOf(t, victim); d.Username != name {
		t.Fatalf("the victim's username is %q", d.Username)
	}
	// One script throughout, looking like nothing taken: allowed.
	own := "Матрос" + strconv.Itoa(rand.IntN(1_000_000))
	want(t, patchAdvertiser(mallory, map[string]any{"username": own}), http.StatusOK)
}

// setListing sets attributes of a listing item directly, as time would have.
func setListing(t *testing.T, id string, attrs dynamo.Item) {
	t.Helper()
	var sets []string
	values := dynamo.Item{}
	names := map[string]string{}
	for k, v := range attrs {
		sets = append(sets, "#"+k+" = :"+k)
		names["#"+k], values[":"+k] = k, v
	}
	_, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(stack.Name("ClassifiedsTable")), Key: dynamo.Key("LISTING#"+id, "LISTING"),
		UpdateExpression: aws.String("SET " + strings.Join(sets, ", ")), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Attack (HGK-7): a visitor fetches a photo link just before the listing expires
// and uses it afterwards. The link is signed for no longer than the listing is
// still public, not for the full five minutes.
func TestAttackClassifiedsPhotoLinkEndsWithTheListing(t *testing.T) {
	a, _ := signUp(t, "atk-photo-exp")
	l := publish(t, a, nil)
	np, r := sendPhoto(t, a, l.ID, "image/png", pngFile)
	want(t, r, http.StatusOK)
	soon := time.Now().UTC().Add(20 * time.Second)
	setListing(t, l.ID, dynamo.Item{"expiresAt": dynamo.S(soon.Format(time.RFC3339Nano)), "exp": dynamo.N(soon.Unix())})
	r = newClient(t).do(http.MethodGet, "/v1/listings/"+l.ID+"/photos/"+np.Photo.ID, nil)
	want(t, r, http.StatusOK)
	u, err := url.Parse(object(t, r)["url"].(string))
	if err != nil {
		t.Fatal(err)
	}
	if s, err := strconv.Atoi(u.Query().Get("X-Amz-Expires")); err != nil || s < 1 || s > 20 {
		t.Fatalf("a link 20 s before the expiry is signed for %q seconds", u.Query().Get("X-Amz-Expires"))
	}
}

// Attack (HGK-4, HGK-1): a stranger browses and collects who advertises. No
// public answer about listings names the advertiser's account id, the person's
// id across every module: the browse page, the listing and the ratings show the
// advertiser only by the random public id.
func TestAttackClassifiedsBrowseNamesNoAccount(t *testing.T) {
	a, _ := signUp(t, "atk-browse")
	acc := profile(t, a).ID
	word := "Atkbrowse" + strconv.Itoa(rand.IntN(1_000_000))
	l := publish(t, a, map[string]any{"title": "Koje frei " + word})
	anon := newClient(t)
	for _, path := range []string{"/v1/listings?q=" + word, "/v1/listings?q=" + word + "&sort=start", "/v1/listings/" + l.ID,
		"/v1/advertisers/" + advertiserOf(t, a).PublicID + "/ratings"} {
		r := anon.do(http.MethodGet, path, nil)
		want(t, r, http.StatusOK)
		if !strings.Contains(string(r.Body), l.ID) && !strings.Contains(path, "ratings") {
			t.Fatalf("%s does not show the listing: %s", path, r.Body)
		}
		if strings.Contains(string(r.Body), acc) || strings.Contains(string(r.Body), "advertiserId") {
			t.Fatalf("%s names the account: %s", path, r.Body)
		}
	}
}

// Attack (HGK-16, HGK-2): a listing sent without an account for a person's
// address waits 48 hours for the link, holding the address. The person's access
// request shows it (the address is theirs, as for a pending rating), and their
// erasure deletes it with its confirmation: the mailed link then publishes
// nothing and creates no account.
func TestAttackClassifiedsPendingListingIsExportedAndErased(t *testing.T) {
	person, email := signUp(t, "atk-pending")
	title := "Unbestaetigt " + strconv.Itoa(rand.IntN(1_000_000))
	want(t, anonymousListing(t, withCSRF(t), email, map[string]any{"title": title}), http.StatusAccepted)
	token := tokenFrom(t, mailTo(t, email, "Inserat"))

	var pending string
	for _, c := range export(t, person).Categories {
		if c.ID == "classifieds.pending" {
			pending = toJSON(t, c.Data)
		}
	}
	if !strings.Contains(pending, title) || !strings.Contains(pending, email) {
		t.Fatalf("the export's pending listings: %s", pending)
	}
	if len(classifiedsItemsNaming(t, email)) == 0 {
		t.Fatal("no confirmation holds the address")
	}

	want(t, person.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if its := classifiedsItemsNaming(t, email); len(its) != 0 {
		t.Fatalf("items holding the address after the erasure: %v", its)
	}
	if its := classifiedsItemsNaming(t, title); len(its) != 0 {
		t.Fatalf("the pending listing remains after the erasure: %v", its)
	}
	r := withCSRF(t).do(http.MethodPost, "/v1/listings/confirm", map[string]any{"token": token})
	want(t, r, http.StatusBadRequest, "listing_confirmation_invalid")
}

// Attack (HGK-7): an advertiser keeps a listing public beyond the operator's
// maximum by moving its expiry forward with an edit shortly before it ends. The
// maximum counts from the day of publication: an expiry past it is refused
// (date_too_far) and the listing keeps its date; one within it is taken.
func TestAttackClassifiedsEditCannotOutlastTheMaximum(t *testing.T) {
	a, _ := signUp(t, "atk-extend")
	l := publish(t, a, map[string]any{"expiresOn": day(5)})
	// Published 80 days ago (of the default 90): the last day is day 9 from now.
	setListing(t, l.ID, dynamo.Item{"publishedAt": dynamo.S(time.Now().UTC().AddDate(0, 0, -80).Format(time.RFC3339Nano))})
	r := a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"expiresOn": day(30)})
	want(t, r, http.StatusBadRequest, "validation_failed")
	if p := r.problem(t); len(p.Errors) != 1 || p.Errors[0].Field != "expiresOn" || p.Errors[0].Code != "date_too_far" {
		t.Fatalf("errors %+v", p.Errors)
	}
	if v := publicView(t, l.ID); v.ExpiresOn != day(5) {
		t.Fatalf("the refused edit changed the expiry to %s", v.ExpiresOn)
	}
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"expiresOn": day(9)}), http.StatusOK)
	want(t, a.do(http.MethodPatch, "/v1/listings/"+l.ID, map[string]any{"expiresOn": day(10)}), http.StatusBadRequest, "validation_failed")
}

// Attack (CP-1): the same word written in decomposed form ("o" and a combining
// diaeresis, as some systems send "ö") in a listing or in a query. A visitor
// searching for "Göteborg" finds the listing whatever form either was written
// in; the decomposed word is not split at the mark.
func TestAttackClassifiedsSearchIgnoresUnicodeForm(t *testing.T) {
	a, _ := signUp(t, "atk-nfc")
	tag := "nfc" + strconv.Itoa(rand.IntN(1_000_000))
	decomposed := publish(t, a, map[string]any{"title": "Törn nach Go\u0308teborg " + tag})
	composed := publish(t, elsewhere(t, a), map[string]any{"title": "Törn nach Göteborg " + tag})
	for _, q := range []string{"Göteborg " + tag, "Go\u0308teborg " + tag} {
		r := newClient(t).do(http.MethodGet, "/v1/listings?q="+url.QueryEscape(q), nil)
		want(t, r, http.StatusOK)
		if b := string(r.Body); !strings.Contains(b, decomposed.ID) || !strings.Contains(b, composed.ID) {
			t.Errorf("q=%q found %s", q, b)
		}
	}
}
