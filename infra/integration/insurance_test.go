package integration

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"kontor/shared/ids"
	"kontor/shared/insurance"
	"kontor/shared/insurance/insurancedb"
	uploads "kontor/shared/upload"
)

// A customer as the insurer's records know them.
type policyholder struct {
	Customer, First, Last, Birthdate string
	Contracts                        []string
}

// newPolicyholder returns a customer with two contracts that no other test uses.
func newPolicyholder(first string) policyholder {
	n := seq.Add(1)
	stamp := time.Now().UnixNano() % 1e7
	return policyholder{
		Customer: fmt.Sprintf("C-%d-%d", stamp, n), First: first, Last: "Berg",
		Birthdate: "1984-03-09", Contracts: []string{fmt.Sprintf("KV-%d-%d", stamp, n), fmt.Sprintf("ZV-%d-%d", stamp, n)},
	}
}

const importHeader = "contractNumber,customerNumber,firstName,lastName,birthdate,street,postalCode,city,email,phone,kind,insuranceNumber,premium,currency,paymentInterval,startsOn,endsOn,contributionsPaid\n"

// identity is what the holder's ID card reports to the eID provider, as query.
func (p policyholder) identity() string {
	return url.Values{"givenNames": {p.First}, "familyNames": {p.Last}, "dateOfBirth": {p.Birthdate}}.Encode()
}

func (p policyholder) csv() string {
	return fmt.Sprintf("%s,%s,%s,%s,%s,Lindenstraße 4,06108,Halle (Saale),,+49 345 123456,health,H%s,412.50,EUR,monthly,2020-01-01,,27225.00\n", p.Contracts[0], p.Customer, p.First, p.Last, p.Birthdate, p.Contracts[0]) +
		fmt.Sprintf("%s,%s,%s,%s,%s,Lindenstraße 4,06108,Halle (Saale),,+49 345 123456,dental,D%s,18.90,EUR,yearly,2022-07-01,2030-06-30,68.04\n", p.Contracts[1], p.Customer, p.First, p.Last, p.Birthdate, p.Contracts[1])
}

func importCSV(t *testing.T, staff *client, csv string) insurance.ImportReport {
	t.Helper()
	r := staff.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv; charset=utf-8", []byte(csv), nil)
	want(t, r, http.StatusOK)
	var rep insurance.ImportReport
	r.json(t, &rep)
	return rep
}

func registrationBody(p policyholder, email, activation string) map[string]any {
	return map[string]any{"firstName": p.First, "lastName": p.Last, "birthdate": p.Birthdate, "email": email, "phone": "+49 345 123456",
		"contractNumber": p.Contracts[0], "activation": activation, "language": "en",
		"acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
}

type registrationDoc struct {
	ID          string `json:"id"`
	Activation  string `json:"activation"`
	RedirectURL string `json:"redirectUrl"`
}

// letterFor finds a registration's letter in the print queue, page by page.
func letterFor(t *testing.T, staff *client, regID string) insurance.Letter {
	t.Helper()
	path := "/v1/staff/activation-letters?limit=20"
	for {
		r := staff.do(http.MethodGet, path, nil)
		want(t, r, http.StatusOK)
		var list struct {
			Letters []insurance.Letter
			Next    string
		}
		r.json(t, &list)
		for _, l := range list.Letters {
			if l.RegistrationID == regID {
				return l
			}
		}
		if list.Next == "" {
			t.Fatalf("no letter for registration %s", regID)
		}
		path = "/v1/staff/activation-letters?limit=20&cursor=" + list.Next
	}
}

// customer imports a policyholder, registers and activates them by letter, sets the
// password from the mail and signs in. consents are granted after sign-in.
func customer(t *testing.T, staff *client, first string, consents ...string) (*client, policyholder, string) {
	t.Helper()
	p := newPolicyholder(first)
	importCSV(t, staff, importHeader+p.csv())
	c := newClient(t)
	c.csrf()
	email := newEmail(strings.ToLower(first))
	r := c.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(p, email, insurance.ByPost))
	want(t, r, http.StatusAccepted)
	var reg registrationDoc
	r.json(t, &reg)
	l := letterFor(t, staff, reg.ID)
	want(t, staff.do(http.MethodDelete, "/v1/staff/activation-letters/"+l.ID, nil), http.StatusNoContent)
	want(t, c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID, "code": l.Code}), http.StatusAccepted)
	tok := tokenFrom(t, mailTo(t, email, "set your password"))
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)
	for _, purpose := range consents {
		want(t, c.do(http.MethodPut, "/v1/me/consents/"+purpose, map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	}
	return c, p, email
}

// Promise: H4U-4 — contract records arrive through a validated import with a report of rejected rows.
func TestContractImportValidatesRowsAndReportsRejects(t *testing.T) {
	staff := staffClient(t)
	p := newPolicyholder("Importa")
	bad := importHeader +
		p.csv() +
		fmt.Sprintf("%s,%s,Dora,Dorn,1990-02-30,Weg 1,06108,Halle,,,health,H1,10.00,EUR,monthly,2020-01-01,,0\n", "KV-BAD-DATE-"+p.Customer, p.Customer) +
		fmt.Sprintf("%s,%s,Dora,Dorn,1990-02-03,Weg 1,6108,Halle,dora@,,astrology,H1,ten,USD,weekly,2020-01-01,2019-01-01,0\n", "KV-BAD-MANY-"+p.Customer, p.Customer) +
		p.csv()[:strings.Index(p.csv(), "\n")+1] + // the first contract again: a duplicate
		"only,three,fields\n"
	rep := importCSV(t, staff, bad)
	if rep.Rows != 6 || rep.Imported != 2 || len(rep.Rejected) != 4 {
		t.Fatalf("report %+v", rep)
	}
	byLine := map[int]insurance.RowError{}
	for _, re := range rep.Rejected {
		byLine[re.Line] = re
	}
	codes := func(line int) string { return toJSON(t, byLine[line].Errors) }
	if !strings.Contains(codes(4), `"birthdate"`) {
		t.Errorf("line 4: %s", codes(4))
	}
	for _, f := range []string{"postalCode", "email", "kind", "premium", "currency", "paymentInterval", "endsOn"} {
		if !strings.Contains(codes(5), `"`+f+`"`) {
			t.Errorf("line 5 misses %s: %s", f, codes(5))
		}
	}
	if !strings.Contains(codes(6), `"duplicate"`) || !strings.Contains(codes(7), `"required"`) {
		t.Errorf("lines 6, 7: %s %s", codes(6), codes(7))
	}
	// Importing again replaces, it does not duplicate.
	if rep := importCSV(t, staff, importHeader+p.csv()); rep.Imported != 2 || len(rep.Rejected) != 0 {
		t.Fatalf("re-import %+v", rep)
	}
	cs, err := (&insurancedb.Store{DB: db(), Table: stack.Name("InsuranceTable")}).CustomerContracts(context.Background(), p.Customer, time.Now())
	if err != nil || len(cs) != 2 {
		t.Fatalf("customer contracts %d %v", len(cs), err)
	}
	// A file without the required columns is refused as a whole, and changes nothing.
	r := staff.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv", []byte("contractNumber,firstName\nX-1,Anna\n"), nil)
	want(t, r, http.StatusBadRequest, "validation_failed")
	want(t, staff.do(http.MethodPost, "/v1/staff/contract-imports", map[string]any{"rows": 1}), http.StatusUnsupportedMediaType, "csv_expected")
	member, _ := signUp(t, "notstaff")
	want(t, member.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv", []byte(importHeader), nil), http.StatusForbidden, "forbidden")
	anon := newClient(t)
	anon.csrf()
	want(t, anon.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv", []byte(importHeader), nil), http.StatusUnauthorized, "unauthenticated")
}

// Promise: H4U-4 — registration asks for name, birthdate, email, phone and contract number and matches them against the contracts.
// Promise: H4U-5 — activation data arrives by post to the stored address.
// Promise: H4U-3 — at first login the customer is asked for consent to the processing of what they submit.
// Promise: H4U-2 — after login the customer sees their contracts, and only theirs.
func TestRegistrationMatchesContractsAndActivatesByLetter(t *testing.T) {
	staff := staffClient(t)
	p := newPolicyholder("Anna")
	other := newPolicyholder("Otto")
	importCSV(t, staff, importHeader+p.csv()+other.csv())
	c := newClient(t)
	c.csrf()
	email := newEmail("anna")

	// Mismatches all look alike.
	wrongBirth := registrationBody(p, email, insurance.ByPost)
	wrongBirth["birthdate"] = "1984-03-10"
	want(t, c.do(http.MethodPost, "/v1/insurance/registrations", wrongBirth), http.StatusUnprocessableEntity, "contract_mismatch")
	wrongName := registrationBody(p, email, insurance.ByPost)
	wrongName["lastName"] = "Burg"
	want(t, c.do(http.MethodPost, "/v1/insurance/registrations", wrongName), http.StatusUnprocessableEntity, "contract_mismatch")
	unknown := registrationBody(p, email, insurance.ByPost)
	unknown["contractNumber"] = "KV-0000-NONE"
	want(t, c.do(http.MethodPost, "/v1/insurance/registrations", unknown), http.StatusUnprocessableEntity, "contract_mismatch")
	missing := registrationBody(p, email, insurance.ByPost)
	delete(missing, "phone")
	want(t, c.do(http.MethodPost, "/v1/insurance/registrations", missing), http.StatusBadRequest, "validation_failed")

	// A match (names compared without case) queues a letter to the contract's address.
	match := registrationBody(p, email, insurance.ByPost)
	match["firstName"] = strings.ToUpper(p.First)
	r := c.do(http.MethodPost, "/v1/insurance/registrations", match)
	want(t, r, http.StatusAccepted)
	var reg registrationDoc
	r.json(t, &reg)
	if reg.Activation != insurance.ByPost || reg.RedirectURL != "" {
		t.Fatalf("registration %+v", reg)
	}
	l := letterFor(t, staff, reg.ID)
	if l.Address.Street != "Lindenstraße 4" || l.Address.PostalCode != "06108" || l.Name != p.First+" "+p.Last || len(l.Code) != 14 {
		t.Fatalf("letter %+v", l)
	}
	if strings.Contains(toJSON(t, l), email) {
		t.Fatal("the letter carries the registering email")
	}
	// The registration asked for English: the letter is ready to print in English.
	if !strings.Contains(l.Text, l.Code) || !strings.HasPrefix(l.Text, "Dear "+p.First+" "+p.Last) || time.Until(l.ExpiresAt) < 29*24*time.Hour {
		t.Fatalf("letter text %q, valid until %v", l.Text, l.ExpiresAt)
	}
	// Registration stores neither name nor birthdate.
	item, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Key: idKey("REG#"+reg.ID, "REG"), ConsistentRead: aws.Bool(true)})
	if err != nil || item.Item == nil {
		t.Fatalf("registration item: %v", err)
	}
	for _, f := range []string{"firstName", "lastName", "birthdate"} {
		if _, ok := item.Item[f]; ok {
			t.Errorf("registration stores %s", f)
		}
	}

	// A wrong code fails; the printed letter leaves the queue; the right code activates.
	want(t, c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID, "code": "AAAA-BBBB-CCCC"}), http.StatusBadRequest, "activation_invalid")
	want(t, staff.do(http.MethodDelete, "/v1/staff/activation-letters/"+l.ID, nil), http.StatusNoContent)
	want(t, staff.do(http.MethodDelete, "/v1/staff/activation-letters/"+l.ID, nil), http.StatusNotFound, "not_found")
	first := c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID, "code": strings.ToLower(l.Code)})
	want(t, first, http.StatusAccepted)
	// A repeat with the code (its answer lost) is answered as the first and does
	// nothing again; another code is still refused.
	again := c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID, "code": l.Code})
	want(t, again, http.StatusAccepted)
	if string(again.Body) != string(first.Body) {
		t.Fatalf("repeated activation answered %s, first %s", again.Body, first.Body)
	}
	want(t, c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID, "code": "AAAA-BBBB-CCCD"}), http.StatusBadRequest, "activation_invalid")
	tok := tokenFrom(t, mailTo(t, email, "set your password"))
	time.Sleep(time.Second)
	if n := mailCount(t, email); n != 1 {
		t.Fatalf("%d mails for one activation sent twice", n)
	}
	// The activated registration is kept only as the record of the activation:
	// no phone, contract or customer number, and only for a day.
	item, err = db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Key: idKey("REG#"+reg.ID, "REG"), ConsistentRead: aws.Bool(true)})
	if err != nil || item.Item == nil || item.Item["activatedAt"] == nil {
		t.Fatalf("activated registration: %v %v", item.Item, err)
	}
	for _, f := range []string{"phone", "contractNumber", "customerNumber"} {
		if v, ok := item.Item[f].(*types.AttributeValueMemberS); ok && v.Value != "" {
			t.Errorf("activated registration keeps %s", f)
		}
	}
	if ttl, err := strconv.ParseInt(item.Item["ttl"].(*types.AttributeValueMemberN).Value, 10, 64); err != nil || time.Unix(ttl, 0).After(time.Now().Add(insurance.ActivatedKeep+time.Minute)) {
		t.Errorf("activated registration kept until %v (%v)", time.Unix(ttl, 0), err)
	}
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)

	// First the processing consent (H4U-3), then the contracts (H4U-2).
	want(t, c.do(http.MethodGet, "/v1/me/contracts", nil), http.StatusForbidden, "processing_consent_required")
	want(t, c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	r = c.do(http.MethodGet, "/v1/me/contracts", nil)
	want(t, r, http.StatusOK)
	var list struct{ Contracts []insurance.Contract }
	r.json(t, &list)
	if len(list.Contracts) != 2 {
		t.Fatalf("contracts %+v", list.Contracts)
	}
	for _, k := range list.Contracts {
		if k.Holder.CustomerNumber != p.Customer || k.InsuranceNumber == "" || k.Premium.Cents == 0 || k.PaymentInterval == "" || k.StartsOn == "" {
			t.Fatalf("contract %+v", k)
		}
	}
	if strings.Contains(string(r.Body), other.Contracts[0]) {
		t.Fatal("another customer's contract is shown")
	}
	// A member without a linked customer sees none.
	m, _ := signUp(t, "nocontracts")
	want(t, m.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	if r := m.do(http.MethodGet, "/v1/me/contracts", nil); r.Status != 200 || !strings.Contains(string(r.Body), `"contracts":[]`) {
		t.Fatalf("unlinked member: %d %s", r.Status, r.Body)
	}
}

// Repeated mismatches for one contract number are throttled, so names and
// birthdates cannot be guessed.
func TestRegistrationMismatchesAreThrottled(t *testing.T) {
	staff := staffClient(t)
	p := newPolicyholder("Greta")
	importCSV(t, staff, importHeader+p.csv())
	c := newClientFrom(t, "127.0.0.41")
	c.csrf()
	guess := registrationBody(p, newEmail("guess"), insurance.ByPost)
	for i := range insurance.MaxMatchFailures {
		guess["birthdate"] = fmt.Sprintf("1984-03-%02d", 10+i)
		want(t, c.do(http.MethodPost, "/v1/insurance/registrations", guess), http.StatusUnprocessableEntity, "contract_mismatch")
	}
	guess["birthdate"] = p.Birthdate
	r := c.do(http.MethodPost, "/v1/insurance/registrations", guess)
	want(t, r, http.StatusTooManyRequests, "too_many_attempts")
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
}

// Promise: H4U-5 — online activation after identification with an external eID provider, which receives only a pseudonymous ID.
func TestEIDActivationSendsOnlyAPseudonym(t *testing.T) {
	staff := staffClient(t)
	p := newPolicyholder("Erik")
	importCSV(t, staff, importHeader+p.csv())
	c := newClient(t)
	c.csrf()
	email := newEmail("erik")
	r := c.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(p, email, insurance.ByEID))
	want(t, r, http.StatusAccepted)
	var reg registrationDoc
	r.json(t, &reg)
	if reg.Activation != insurance.ByEID || !strings.Contains(reg.RedirectURL, "/_local/eid/identify/") {
		t.Fatalf("registration %+v", reg)
	}
	sessionID := reg.RedirectURL[strings.LastIndex(reg.RedirectURL, "/")+1:]
	var sessions []struct {
		ID      string          `json:"id"`
		Request json.RawMessage `json:"request"`
	}
	getJSON(t, stack.APIURL+"/_local/eid/sessions", &sessions)
	var sent map[string]string
	for _, s := range sessions {
		if s.ID == sessionID {
			if err := json.Unmarshal(s.Request, &sent); err != nil {
				t.Fatal(err)
			}
		}
	}
	if len(sent) != 3 || sent["pseudonym"] == "" || !strings.HasSuffix(sent["callbackUrl"], "/v1/insurance/eid/callback") ||
		sent["returnUrl"] != insurance.ReturnURL(stack.APIURL, "en", reg.ID) {
		t.Fatalf("the provider received %v", sent)
	}
	for _, personal := range []string{p.First, p.Last, p.Birthdate, email, p.Contracts[0], p.Customer, "123456"} {
		if strings.Contains(toJSON(t, sent), personal) {
			t.Fatalf("the provider received %q", personal)
		}
	}

	// Before the result: pending. A forged or stale callback is refused.
	want(t, c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID}), http.StatusConflict, "eid_pending")
	forged, _ := json.Marshal(insurance.Callback{Pseudonym: sent["pseudonym"], Result: insurance.EIDVerified})
	provider := newClient(t)
	want(t, provider.raw(http.MethodPost, "/v1/insurance/eid/callback", "application/json", forged, map[string]string{insurance.SignatureHeader: insurance.Sign([]byte("not the shared secret at all, no"), forged, time.Now())}), http.StatusUnauthorized, "eid_signature_invalid")
	want(t, provider.raw(http.MethodPost, "/v1/insurance/eid/callback", "application/json", forged, nil), http.StatusUnauthorized, "eid_signature_invalid")

	// The stand-in provider identifies the person and calls back, signed.
	var done struct {
		CallbackStatus int `json:"callbackStatus"`
	}
	postJSON(t, reg.RedirectURL+"?result=verified&"+p.identity(), &done)
	if done.CallbackStatus != http.StatusNoContent {
		t.Fatalf("callback answered %d", done.CallbackStatus)
	}
	// Only the result is stored.
	item, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Key: idKey("REG#"+reg.ID, "REG"), ConsistentRead: aws.Bool(true)})
	if err != nil || item.Item == nil {
		t.Fatalf("registration: %v", err)
	}
	if v, _ := item.Item["eidResult"].(*types.AttributeValueMemberS); v == nil || v.Value != insurance.EIDVerified {
		t.Fatalf("eid result %v", item.Item["eidResult"])
	}
	want(t, c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.ID}), http.StatusAccepted)
	tok := tokenFrom(t, mailTo(t, email, "set your password"))
	want(t, c.do(http.MethodPost, "/v1/accounts/confirm", map[string]any{"token": tok, "password": goodPassword}), http.StatusNoContent)
	login(t, c, email, goodPassword)
	want(t, c.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	if r := c.do(http.MethodGet, "/v1/me/contracts", nil); r.Status != 200 || !strings.Contains(string(r.Body), p.Contracts[0]) {
		t.Fatalf("contracts after eID activation: %d %s", r.Status, r.Body)
	}

	// A failed identification does not activate.
	q := newPolicyholder("Frida")
	importCSV(t, staff, importHeader+q.csv())
	r = c.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(q, newEmail("frida"), insurance.ByEID))
	want(t, r, http.StatusAccepted)
	var failed registrationDoc
	r.json(t, &failed)
	postJSON(t, failed.RedirectURL+"?result=failed", &done)
	if done.CallbackStatus != http.StatusNoContent {
		t.Fatalf("callback answered %d", done.CallbackStatus)
	}
	want(t, c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": failed.ID}), http.StatusBadRequest, "activation_invalid")
}

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func postJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Post(url, "application/json", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

// Invoice files of each allowed type, told apart by their content: a complete PDF,
// a photo with EXIF data (camera position), a PNG with a text chunk.
var (
	pdfFile  = append(append([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"), bytes.Repeat([]byte("x"), 2000)...), "\ntrailer << /Root 1 0 R >>\n%%EOF\n"...)
	jpegFile = photoWithExif()
	pngFile  = scanWithText()
	exeFile  = append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0x00}, 1000)...)
)

// photoWithExif is a 64×48 JPEG whose EXIF segment names a GPS position.
func photoWithExif() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		panic(err)
	}
	exif := []byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00GPS 51.4826N 11.9690E")
	seg := []byte{0xFF, 0xE1, byte((len(exif) + 2) >> 8), byte(len(exif) + 2)}
	b := buf.Bytes()
	return append(append(append(append([]byte{}, b[:2]...), seg...), exif...), b[2:]...)
}

// scanWithText is a 40×30 PNG; its metadata lives in a tEXt chunk.
func scanWithText() []byte {
	img := image.NewGray(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic(err)
	}
	text := []byte("Comment\x00scanned at Lindenstrasse 4")
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(text)))
	chunk = append(append(chunk, "tEXt"...), text...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	b := buf.Bytes()
	return append(append(append([]byte{}, b[:33]...), chunk...), b[33:]...)
}

// wantStoredInvoice fails unless got is what Kontor keeps of an uploaded file: a
// PDF byte for byte, an image re-encoded to the same size with no metadata left.
func wantStoredInvoice(t *testing.T, got, uploaded []byte, contentType string) {
	t.Helper()
	if contentType == "application/pdf" {
		if !bytes.Equal(got, uploaded) {
			t.Fatal("stored PDF differs from the upload")
		}
		return
	}
	for _, leak := range []string{"Exif", "GPS", "Lindenstrasse"} {
		if bytes.Contains(got, []byte(leak)) {
			t.Fatalf("stored image keeps %q", leak)
		}
	}
	a, kind, err := image.DecodeConfig(bytes.NewReader(got))
	b, _, err2 := image.DecodeConfig(bytes.NewReader(uploaded))
	if err != nil || err2 != nil || a.Width != b.Width || a.Height != b.Height || "image/"+kind != contentType {
		t.Fatalf("stored image %s %dx%d (%v), uploaded %dx%d (%v)", kind, a.Width, a.Height, err, b.Width, b.Height, err2)
	}
}

// stagingKey is where an invoice's upload URL stores; storedKey where the checked
// bytes are kept.
func stagingKey(claimID, invoiceID string) string {
	return insurance.StagingArea + claimID + "/" + invoiceID
}
func storedKey(claimID, invoiceID string) string { return "claims/" + claimID + "/" + invoiceID }

type newInvoice struct {
	Invoice insurance.Invoice `json:"invoice"`
	Upload  uploads.URL       `json:"upload"`
}

// upload adds an invoice declared as contentType, sends data to the upload URL with
// the signed headers, and asks the portal to check it.
func upload(t *testing.T, c *client, claimID, contentType string, data []byte) (newInvoice, response) {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/me/claims/"+claimID+"/invoices", map[string]any{"contentType": contentType, "size": len(data)})
	want(t, r, http.StatusCreated)
	var ni newInvoice
	r.json(t, &ni)
	if ni.Upload.Method != http.MethodPut || ni.Upload.Headers["X-Amz-Server-Side-Encryption"] != "aws:kms" || ni.Upload.Headers["X-Amz-Server-Side-Encryption-Context"] == "" {
		t.Fatalf("upload %+v", ni.Upload)
	}
	// The encryption context names owner and claim.
	raw, err := base64.StdEncoding.DecodeString(ni.Upload.Headers["X-Amz-Server-Side-Encryption-Context"])
	var encCtx map[string]string
	if err != nil || json.Unmarshal(raw, &encCtx) != nil || encCtx["kontor:claim"] != claimID || !ids.ValidV7(encCtx["kontor:owner"]) || len(encCtx) != 2 {
		t.Fatalf("encryption context %s", raw)
	}
	put(t, ni.Upload, data)
	return ni, c.do(http.MethodPost, "/v1/me/claims/"+claimID+"/invoices/"+ni.Invoice.ID+"/complete", nil)
}

// put sends data to an upload URL with its signed headers, as the browser does.
func put(t *testing.T, up uploads.URL, data []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, up.URL, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range up.Headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload to storage: %d %s\n%s %v", resp.StatusCode, b, up.URL, up.Headers)
	}
}

func s3Client() *s3.Client {
	return s3.NewFromConfig(awsCfg, func(o *s3.Options) { o.UsePathStyle = true })
}

func objectExists(t *testing.T, key string) bool {
	t.Helper()
	_, err := s3Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(stack.Name("InvoiceBucket")), Key: aws.String(key)})
	return err == nil
}

func createClaim(t *testing.T, c *client, contract string) insurance.Claim {
	t.Helper()
	r := c.keyed(http.MethodPost, "/v1/me/claims", newKey(), map[string]any{"contractNumber": contract, "treatmentDate": "2026-11-02", "amountCents": 8950, "description": "Zahnreinigung"})
	want(t, r, http.StatusCreated)
	var cl insurance.Claim
	r.json(t, &cl)
	return cl
}

func fetch(t *testing.T, url string) []byte {
	t.Helper()
	b, _ := download(t, url)
	return b
}

// download fetches a presigned link and returns the body and its Content-Type.
func download(t *testing.T, url string) ([]byte, string) {
	t.Helper()
	b, h := downloadFile(t, url)
	return b, h.Get("Content-Type")
}

// storedObject reads an object of the invoice bucket directly.
func storedObject(t *testing.T, key string) []byte {
	t.Helper()
	return bucketObject(t, "InvoiceBucket", key)
}

// bucketObject reads an object of the stack's bucket (its logical id) directly.
func bucketObject(t *testing.T, bucket, key string) []byte {
	t.Helper()
	out, err := s3Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(stack.Name(bucket)), Key: aws.String(key)})
	if err != nil {
		t.Fatalf("read %s: %v", key, err)
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Promise: H4U-7 — invoices need the explicit health-data consent first, are stored encrypted with the module's key, and only PDF, JPEG and PNG up to 10 MB are accepted, by content.
func TestInvoicesAreEncryptedAndCheckedByContent(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Ida", "portal-processing")
	claimBody := map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-02", "amountCents": 8950}
	want(t, c.keyed(http.MethodPost, "/v1/me/claims", newKey(), claimBody), http.StatusForbidden, "health_consent_required")
	want(t, c.do(http.MethodGet, "/v1/me/claims", nil), http.StatusForbidden, "health_consent_required")
	want(t, c.do(http.MethodPut, "/v1/me/consents/health-data", map[string]any{"textVersion": "2026-01"}), http.StatusOK)

	other := newPolicyholder("Olga")
	importCSV(t, staff, importHeader+other.csv())
	claimBody["contractNumber"] = other.Contracts[0]
	want(t, c.keyed(http.MethodPost, "/v1/me/claims", newKey(), claimBody), http.StatusNotFound, "not_found")
	claimBody["amountCents"] = -5
	want(t, c.keyed(http.MethodPost, "/v1/me/claims", newKey(), claimBody), http.StatusBadRequest, "validation_failed")
	cl := createClaim(t, c, p.Contracts[0])
	if cl.Status != insurance.StatusSubmitted || len(cl.History) != 1 {
		t.Fatalf("claim %+v", cl)
	}

	keyARN := stackKeyARN(t)
	for _, f := range []struct {
		declared, want string
		data           []byte
	}{{"application/pdf", "application/pdf", pdfFile}, {"image/jpeg", "image/jpeg", jpegFile}, {"image/png", "image/png", pngFile}, {"application/pdf", "image/png", pngFile}} {
		ni, r := upload(t, c, cl.ID, f.declared, f.data)
		want(t, r, http.StatusOK)
		var inv insurance.Invoice
		r.json(t, &inv)
		stored := storedObject(t, storedKey(cl.ID, ni.Invoice.ID))
		if inv.Status != insurance.InvoiceStored || inv.ContentType != f.want || inv.Size != int64(len(stored)) {
			t.Fatalf("invoice %+v, want %s of %d bytes", inv, f.want, len(stored))
		}
		wantStoredInvoice(t, stored, f.data, f.want)
		head, err := s3Client().HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(stack.Name("InvoiceBucket")), Key: aws.String(storedKey(cl.ID, ni.Invoice.ID))})
		if err != nil {
			t.Fatal(err)
		}
		if string(head.ServerSideEncryption) != "aws:kms" || aws.ToString(head.SSEKMSKeyId) != keyARN || !aws.ToBool(head.BucketKeyEnabled) {
			t.Fatalf("stored object: sse %q key %q bucket key %v", head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId), aws.ToBool(head.BucketKeyEnabled))
		}
		r = c.do(http.MethodGet, "/v1/me/claims/"+cl.ID+"/invoices/"+ni.Invoice.ID+"/download", nil)
		want(t, r, http.StatusOK)
		var d insurance.Download
		r.json(t, &d)
		// A PNG declared as PDF is served as the PNG it is.
		got, ctype := download(t, d.URL)
		if !bytes.Equal(got, stored) || ctype != f.want || time.Until(d.ExpiresAt) > insurance.DownloadURLTTL {
			t.Fatalf("download differs (%s, want %s) or lives too long (%v)", ctype, f.want, d.ExpiresAt)
		}
	}

	// A disguised file (an executable declared as PDF) is refused and deleted.
	ni, r := upload(t, c, cl.ID, "application/pdf", exeFile)
	want(t, r, http.StatusUnsupportedMediaType, "invoice_type_not_allowed")
	if objectExists(t, storedKey(cl.ID, ni.Invoice.ID)) || objectExists(t, stagingKey(cl.ID, ni.Invoice.ID)) {
		t.Fatal("the disguised file was left behind")
	}
	// Too large, declared or by its real size: refused, and nothing is left.
	big := append(append([]byte{}, pdfFile...), bytes.Repeat([]byte("x"), insurance.MaxInvoiceBytes)...)
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices", map[string]any{"contentType": "application/pdf", "size": len(big)}), http.StatusRequestEntityTooLarge, "invoice_too_large")
	grown, _ := uploadOnly(t, c, cl.ID, "application/pdf", 1000)
	overwrite(t, stagingKey(cl.ID, grown.Invoice.ID), big, keyARN)
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+grown.Invoice.ID+"/complete", nil), http.StatusRequestEntityTooLarge, "invoice_too_large")
	if objectExists(t, storedKey(cl.ID, grown.Invoice.ID)) || objectExists(t, stagingKey(cl.ID, grown.Invoice.ID)) {
		t.Fatal("the oversized file was left behind")
	}
	// Checking before the upload arrived: the invoice waits.
	early, _ := uploadOnly(t, c, cl.ID, "image/png", 100)
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+early.Invoice.ID+"/complete", nil), http.StatusConflict, "invoice_not_uploaded")
	// Uploaded without the module's key: refused and deleted.
	plain, _ := uploadOnly(t, c, cl.ID, "application/pdf", len(pdfFile))
	overwrite(t, stagingKey(cl.ID, plain.Invoice.ID), pdfFile, "")
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices/"+plain.Invoice.ID+"/complete", nil), http.StatusBadRequest, "invoice_not_encrypted")
	if objectExists(t, storedKey(cl.ID, plain.Invoice.ID)) || objectExists(t, stagingKey(cl.ID, plain.Invoice.ID)) {
		t.Fatal("the unencrypted file was left behind")
	}
	// Types outside the list are refused before anything is stored.
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices", map[string]any{"contentType": "text/html", "size": 10}), http.StatusUnsupportedMediaType, "invoice_type_not_allowed")
	r = c.do(http.MethodGet, "/v1/me/claims/"+cl.ID, nil)
	want(t, r, http.StatusOK)
	var got insurance.Claim
	r.json(t, &got)
	if len(got.Invoices) != 5 || got.Invoices[4].Status != insurance.InvoicePending {
		t.Fatalf("invoices after rejections: %+v", got.Invoices)
	}

	// The bucket itself: encryption by default with the module's key, public access
	// blocked.
	bucket := aws.String(stack.Name("InvoiceBucket"))
	enc, err := s3Client().GetBucketEncryption(context.Background(), &s3.GetBucketEncryptionInput{Bucket: bucket})
	if err != nil || aws.ToString(enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.KMSMasterKeyID) != keyARN || !aws.ToBool(enc.ServerSideEncryptionConfiguration.Rules[0].BucketKeyEnabled) {
		t.Fatalf("bucket encryption %+v %v", enc, err)
	}
	pab, err := s3Client().GetPublicAccessBlock(context.Background(), &s3.GetPublicAccessBlockInput{Bucket: bucket})
	if err != nil || !aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicAcls) || !aws.ToBool(pab.PublicAccessBlockConfiguration.RestrictPublicBuckets) {
		t.Fatalf("public access block %+v %v", pab, err)
	}
	// The bucket policy's conditional denies (plain HTTP, puts without the key) are
	// checked in the template (infra/template); moto cannot evaluate conditions.
}

// uploadOnly registers an invoice without uploading or checking it.
func uploadOnly(t *testing.T, c *client, claimID, contentType string, size int) (newInvoice, response) {
	t.Helper()
	r := c.do(http.MethodPost, "/v1/me/claims/"+claimID+"/invoices", map[string]any{"contentType": contentType, "size": size})
	want(t, r, http.StatusCreated)
	var ni newInvoice
	r.json(t, &ni)
	return ni, r
}

// overwrite stores data under key directly, encrypted with keyARN or, when empty,
// with S3-managed keys: what a client ignoring the upload's headers would do.
func overwrite(t *testing.T, key string, data []byte, keyARN string) {
	t.Helper()
	in := &s3.PutObjectInput{Bucket: aws.String(stack.Name("InvoiceBucket")), Key: aws.String(key), Body: bytes.NewReader(data), ServerSideEncryption: "AES256"}
	if keyARN != "" {
		in.ServerSideEncryption, in.SSEKMSKeyId, in.BucketKeyEnabled = "aws:kms", aws.String(keyARN), aws.Bool(true)
	}
	if _, err := s3Client().PutObject(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

func stackKeyARN(t *testing.T) string {
	t.Helper()
	arn, err := stack.Resolve("InsuranceKey", "Arn")
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

// Promise: H4U-10 — no automated decision-making: every decision on a claim is made and signed by a staff member.
// Promise: H4U-7 — invoices are used only for review and reimbursement; staff downloads are audited.
func TestClaimDecisionsAreMadeByStaffAndAudited(t *testing.T) {
	staff := staffClient(t)
	staffID := profile(t, staff).ID
	c, p, _ := customer(t, staff, "Karl", "portal-processing", "health-data")
	cl := createClaim(t, c, p.Contracts[1])
	ni, r := upload(t, c, cl.ID, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)

	r = staff.do(http.MethodGet, "/v1/staff/claims", nil)
	want(t, r, http.StatusOK)
	if !strings.Contains(string(r.Body), cl.ID) {
		t.Fatal("claim not in the review queue")
	}
	decide := func(status string, version int, extra map[string]any) response {
		body := map[string]any{"status": status, "version": version}
		for k, v := range extra {
			body[k] = v
		}
		return staff.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", body)
	}
	cur := currentClaim(t, staff, cl.ID)
	want(t, decide(insurance.StatusReimbursed, cur.Version, map[string]any{"reimbursedCents": 100}), http.StatusConflict, "invalid_transition")
	want(t, decide(insurance.StatusInReview, cur.Version+7, nil), http.StatusConflict, "conflict")
	want(t, decide("approved_by_rule", cur.Version, nil), http.StatusBadRequest, "validation_failed")
	r = decide(insurance.StatusInReview, cur.Version, nil)
	want(t, r, http.StatusOK)
	r.json(t, &cur)
	// Invoices can no longer be added once in review.
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices", map[string]any{"contentType": "application/pdf", "size": 100}), http.StatusConflict, "claim_closed")
	want(t, decide(insurance.StatusReimbursed, cur.Version, map[string]any{"reimbursedCents": 999999}), http.StatusBadRequest, "validation_failed")
	r = decide(insurance.StatusReimbursed, cur.Version, map[string]any{"reimbursedCents": 8000, "note": "Erstattet nach Tarif."})
	want(t, r, http.StatusOK)
	r.json(t, &cur)
	if cur.DecidedBy != staffID || cur.Reimbursed == nil || cur.Reimbursed.Cents != 8000 || len(cur.History) != 3 {
		t.Fatalf("decided claim %+v", cur)
	}
	for _, e := range cur.History[1:] {
		if e.By != staffID {
			t.Fatalf("history step not signed by the staff member: %+v", e)
		}
	}
	// The customer sees the decision and its history.
	r = c.do(http.MethodGet, "/v1/me/claims/"+cl.ID, nil)
	want(t, r, http.StatusOK)
	var mine insurance.Claim
	r.json(t, &mine)
	if mine.Status != insurance.StatusReimbursed || len(mine.History) != 3 {
		t.Fatalf("customer's view %+v", mine)
	}
	// The customer's list is paged, newest first.
	second, third := createClaim(t, c, p.Contracts[0]), createClaim(t, c, p.Contracts[1])
	var pg struct {
		Claims []insurance.Claim
		Next   string
	}
	r = c.do(http.MethodGet, "/v1/me/claims?limit=2", nil)
	want(t, r, http.StatusOK)
	r.json(t, &pg)
	if len(pg.Claims) != 2 || pg.Claims[0].ID != third.ID || pg.Claims[1].ID != second.ID || pg.Next == "" {
		t.Fatalf("first page %+v", pg)
	}
	r = c.do(http.MethodGet, "/v1/me/claims?limit=2&cursor="+pg.Next, nil)
	want(t, r, http.StatusOK)
	pg.Next = ""
	r.json(t, &pg)
	if len(pg.Claims) != 1 || pg.Claims[0].ID != cl.ID {
		t.Fatalf("second page %+v", pg)
	}
	want(t, c.do(http.MethodGet, "/v1/me/claims?limit=0", nil), http.StatusBadRequest, "validation_failed")
	want(t, c.do(http.MethodGet, "/v1/me/claims?cursor=%21%21", nil), http.StatusBadRequest, "validation_failed")
	if r := staff.do(http.MethodGet, "/v1/staff/claims", nil); strings.Contains(string(r.Body), cl.ID) {
		t.Fatal("decided claim still queued")
	}

	// Staff downloads are audited (ids only).
	before := auditCount(t, "insurance.invoice.download", staffID)
	r = staff.do(http.MethodGet, "/v1/staff/claims/"+cl.ID+"/invoices/"+ni.Invoice.ID+"/download", nil)
	want(t, r, http.StatusOK)
	var d insurance.Download
	r.json(t, &d)
	if !bytes.Equal(fetch(t, d.URL), pdfFile) {
		t.Fatal("staff download differs")
	}
	if auditCount(t, "insurance.invoice.download", staffID) != before+1 {
		t.Fatal("staff download not audited")
	}
}

func currentClaim(t *testing.T, staff *client, id string) insurance.Claim {
	t.Helper()
	return claimAt(t, staff, "/v1/staff/claims/"+id)
}

// claimAt reads a claim from path (the owner's or the staff's route).
func claimAt(t *testing.T, c *client, path string) insurance.Claim {
	t.Helper()
	r := c.do(http.MethodGet, path, nil)
	want(t, r, http.StatusOK)
	var cl insurance.Claim
	r.json(t, &cl)
	return cl
}

func auditCount(t *testing.T, action, actor string) int {
	t.Helper()
	es, err := privacyStore().AuditLog(context.Background(), time.Now().UTC().Format("2006-01"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Action == action && e.Actor == actor {
			if emailPattern.MatchString(e.Reason) {
				t.Fatalf("audit entry holds personal data: %+v", e)
			}
			n++
		}
	}
	return n
}

// Promise: H4U-7 — no other user can read an invoice or a claim: the authorization matrix of every insurance route.
func TestInsuranceAuthorizationMatrix(t *testing.T) {
	staff := staffClient(t)
	owner, p, _ := customer(t, staff, "Mara", "portal-processing", "health-data")
	cl := createClaim(t, owner, p.Contracts[0])
	ni, r := upload(t, owner, cl.ID, "image/png", pngFile)
	want(t, r, http.StatusOK)
	intruder, _, _ := customer(t, staff, "Ingo", "portal-processing", "health-data")
	anon := newClient(t)
	anon.csrf()
	member, _ := signUp(t, "plainmember")
	want(t, member.do(http.MethodPut, "/v1/me/consents/portal-processing", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	want(t, member.do(http.MethodPut, "/v1/me/consents/health-data", map[string]any{"textVersion": "2026-01"}), http.StatusOK)

	claim := "/v1/me/claims/" + cl.ID
	inv := claim + "/invoices/" + ni.Invoice.ID
	type call struct {
		method, path string
		body         any
	}
	ownerRoutes := []call{
		{http.MethodGet, claim, nil},
		{http.MethodPost, claim + "/invoices", map[string]any{"contentType": "image/png", "size": 100}},
		{http.MethodPost, inv + "/complete", nil},
		{http.MethodGet, inv + "/download", nil},
	}
	staffRoutes := []call{
		{http.MethodGet, "/v1/staff/claims", nil},
		{http.MethodGet, "/v1/staff/claims/" + cl.ID, nil},
		{http.MethodPost, "/v1/staff/claims/" + cl.ID + "/decision", map[string]any{"status": "in_review", "version": 1}},
		{http.MethodGet, "/v1/staff/claims/" + cl.ID + "/invoices/" + ni.Invoice.ID + "/download", nil},
		{http.MethodGet, "/v1/staff/activation-letters", nil},
		{http.MethodDelete, "/v1/staff/activation-letters/" + cl.ID, nil},
	}
	for _, x := range ownerRoutes {
		// Another customer, a member without contracts and a staff member acting as
		// a customer: not found. Anonymous: unauthenticated.
		want(t, intruder.do(x.method, x.path, x.body), http.StatusNotFound, "not_found")
		want(t, member.do(x.method, x.path, x.body), http.StatusNotFound, "not_found")
		want(t, anon.do(x.method, x.path, x.body), http.StatusUnauthorized, "unauthenticated")
	}
	for _, x := range []call{{http.MethodGet, "/v1/me/claims", nil}, {http.MethodGet, "/v1/me/contracts", nil}} {
		want(t, anon.do(x.method, x.path, x.body), http.StatusUnauthorized, "unauthenticated")
	}
	want(t, anon.keyed(http.MethodPost, "/v1/me/claims", newKey(), map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-01", "amountCents": 1}), http.StatusUnauthorized, "unauthenticated")
	// Another customer cannot claim on the owner's contract, and lists only their own.
	want(t, intruder.keyed(http.MethodPost, "/v1/me/claims", newKey(), map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-01", "amountCents": 100}), http.StatusNotFound, "not_found")
	if r := intruder.do(http.MethodGet, "/v1/me/claims", nil); strings.Contains(string(r.Body), cl.ID) {
		t.Fatal("another customer lists the claim")
	}
	if r := intruder.do(http.MethodGet, "/v1/me/contracts", nil); strings.Contains(string(r.Body), p.Contracts[0]) {
		t.Fatal("another customer sees the contract")
	}
	for _, x := range staffRoutes {
		want(t, owner.do(x.method, x.path, x.body), http.StatusForbidden, "forbidden")
		want(t, anon.do(x.method, x.path, x.body), http.StatusUnauthorized, "unauthenticated")
	}
	// Staff reach the staff routes; the owner reaches their own.
	want(t, staff.do(http.MethodGet, "/v1/staff/claims/"+cl.ID, nil), http.StatusOK)
	for _, x := range ownerRoutes[:1] {
		want(t, owner.do(x.method, x.path, x.body), http.StatusOK)
	}
	want(t, staff.do(http.MethodGet, claim, nil), http.StatusForbidden, "processing_consent_required")
}

// Promise: H4U-9 — voluntarily given data is deleted when consent is withdrawn or the account deleted; contract data stays only under the retention duty and is deleted after it.
// Promise: H4U-11 — the export covers the insurance data, with the invoices as download links.
func TestInsuranceDataInExportWithdrawalErasureAndSweep(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Emma", "portal-processing", "health-data")
	cl := createClaim(t, c, p.Contracts[0])
	ni, r := upload(t, c, cl.ID, "image/jpeg", jpegFile)
	want(t, r, http.StatusOK)
	key := "claims/" + cl.ID + "/" + ni.Invoice.ID

	doc := export(t, c)
	var claims []struct {
		ID       string `json:"id"`
		Invoices []struct {
			ID string `json:"id"`
		} `json:"invoices"`
	}
	var invoices []struct {
		ClaimID  string `json:"claimId"`
		ID       string `json:"id"`
		Download string `json:"download"`
	}
	if err := json.Unmarshal(mustJSON(t, category(t, doc, "insurance.claims")), &claims); err != nil || len(claims) != 1 || len(claims[0].Invoices) != 1 {
		t.Fatalf("export claims %s %v", mustJSON(t, category(t, doc, "insurance.claims")), err)
	}
	if err := json.Unmarshal(mustJSON(t, category(t, doc, "insurance.invoices")), &invoices); err != nil || len(invoices) != 1 || invoices[0].ClaimID != cl.ID {
		t.Fatalf("export invoices %s %v", mustJSON(t, category(t, doc, "insurance.invoices")), err)
	}
	wantStoredInvoice(t, fetch(t, invoices[0].Download), jpegFile, "image/jpeg")
	// The activated registration, kept as the record of the activation, is in the
	// export.
	reg := activatedRegistration(t, doc)
	if c := mustJSON(t, category(t, doc, "insurance.contracts")); !strings.Contains(string(c), p.Contracts[1]) {
		t.Fatalf("export contracts %s", c)
	}

	// Withdrawing the health-data consent deletes claims and invoices.
	r = c.do(http.MethodDelete, "/v1/me/consents/health-data", nil)
	want(t, r, http.StatusOK)
	if objectExists(t, key) || exists(t, "InsuranceTable", idKey("CLAIM#"+cl.ID, "CLAIM")) {
		t.Fatal("claim or invoice survived the withdrawal")
	}

	// Erasure removes the link; the insurer's contract records stay for their
	// retention duty.
	want(t, c.do(http.MethodPut, "/v1/me/consents/health-data", map[string]any{"textVersion": "2026-01"}), http.StatusOK)
	cl2 := createClaim(t, c, p.Contracts[0])
	ni2, r := upload(t, c, cl2.ID, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)
	me := profile(t, c)
	want(t, c.do(http.MethodDelete, "/v1/me", nil), http.StatusOK)
	if objectExists(t, "claims/"+cl2.ID+"/"+ni2.Invoice.ID) || exists(t, "InsuranceTable", idKey("CLAIM#"+cl2.ID, "CLAIM")) || exists(t, "InsuranceTable", idKey("ACCOUNT#"+me.ID, "CUSTOMER")) {
		t.Fatal("insurance data survived the erasure")
	}
	if !exists(t, "InsuranceTable", idKey("CONTRACT#"+p.Contracts[0], "CONTRACT")) {
		t.Fatal("the contract record was erased with the portal access")
	}
	if exists(t, "InsuranceTable", idKey("REG#"+reg, "REG")) {
		t.Fatal("the record of the activation survived the erasure")
	}

	// The sweep: a decided claim past ClaimRetentionDays goes, a contract that
	// ended more than ContractRetentionYears ago goes, a running one stays.
	d, q, _ := customer(t, staff, "Dora", "portal-processing", "health-data")
	old := createClaim(t, d, q.Contracts[0])
	oi, r := upload(t, d, old.ID, "application/pdf", pdfFile)
	want(t, r, http.StatusOK)
	cur := currentClaim(t, staff, old.ID)
	want(t, staff.do(http.MethodPost, "/v1/staff/claims/"+old.ID+"/decision", map[string]any{"status": "rejected", "version": cur.Version, "note": "Nicht versichert."}), http.StatusOK)
	fresh := createClaim(t, d, q.Contracts[0])
	backdate(t, idKey("CLAIM#"+old.ID, "CLAIM"), "decidedAt", time.Now().AddDate(0, 0, -91))
	ended := newPolicyholder("Ende")
	endedCSV := strings.Replace(ended.csv(), "2022-07-01,2030-06-30", "2010-07-01,2014-06-30", 1)
	importCSV(t, staff, importHeader+endedCSV)
	// The record of Dora's activation, past its day, goes too.
	doraReg := idKey("REG#"+activatedRegistration(t, export(t, d)), "REG")
	if _, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Key: doraReg,
		UpdateExpression: aws.String("SET #t = :t"), ExpressionAttributeNames: map[string]string{"#t": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberN{Value: strconv.FormatInt(time.Now().Add(-time.Minute).Unix(), 10)}}}); err != nil {
		t.Fatal(err)
	}
	// A write cut off half way: the open claim lost its queue entry, and a queue
	// entry points to a claim that is gone. The sweep repairs both.
	queue := reviewEntries(t)
	if _, err := db().DeleteItem(context.Background(), &dynamodb.DeleteItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Key: idKey("REVIEW", queue[fresh.ID])}); err != nil {
		t.Fatal(err)
	}
	ghost := ids.NewV7(time.Now())
	if _, err := db().PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(stack.Name("InsuranceTable")), Item: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "REVIEW"}, "sk": &types.AttributeValueMemberS{Value: "2026-01-01T00:00:00Z#" + ghost},
		"claimId": &types.AttributeValueMemberS{Value: ghost}}}); err != nil {
		t.Fatal(err)
	}
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	queue = reviewEntries(t)
	if _, ok := queue[fresh.ID]; !ok {
		t.Fatal("the open claim's queue entry was not restored")
	}
	if _, ok := queue[ghost]; ok {
		t.Fatal("the queue entry without a claim survived")
	}
	if exists(t, "InsuranceTable", idKey("CLAIM#"+old.ID, "CLAIM")) || objectExists(t, "claims/"+old.ID+"/"+oi.Invoice.ID) {
		t.Fatal("overdue claim survived the sweep")
	}
	if !exists(t, "InsuranceTable", idKey("CLAIM#"+fresh.ID, "CLAIM")) {
		t.Fatal("open claim was swept")
	}
	if exists(t, "InsuranceTable", idKey("CONTRACT#"+ended.Contracts[1], "CONTRACT")) {
		t.Fatal("contract ended 12 years ago survived the sweep")
	}
	if !exists(t, "InsuranceTable", idKey("CONTRACT#"+ended.Contracts[0], "CONTRACT")) {
		t.Fatal("running contract was swept")
	}
	recs, err := privacyStore().Receipts(context.Background(), time.Now().UTC().Format("2006-01-02"))
	if err != nil || len(recs) == 0 {
		t.Fatalf("no receipt: %v", err)
	}
	if last := recs[len(recs)-1]; last.Counts["insurance.claims"] < 1 || last.Counts["insurance.contracts"] < 1 || last.Counts["insurance.registrations"] < 1 {
		t.Fatalf("receipt %+v", last)
	}
	if exists(t, "InsuranceTable", doraReg) {
		t.Fatal("the record of an activation past its day survived the sweep")
	}
}

// activatedRegistration returns the id of the one registration in an export, which
// must be the record of an activation.
func activatedRegistration(t *testing.T, d exportDoc) string {
	t.Helper()
	var regs []struct {
		ID          string     `json:"id"`
		Phone       string     `json:"phone"`
		ActivatedAt *time.Time `json:"activatedAt"`
	}
	if err := json.Unmarshal(mustJSON(t, category(t, d, "insurance.registrations")), &regs); err != nil || len(regs) != 1 || regs[0].ActivatedAt == nil || regs[0].Phone != "" {
		t.Fatalf("export registrations %s %v", mustJSON(t, category(t, d, "insurance.registrations")), err)
	}
	return regs[0].ID
}

// category returns the data of one kind in an export.
func category(t *testing.T, d exportDoc, id string) any {
	t.Helper()
	for _, c := range d.Categories {
		if c.ID == id {
			return c.Data
		}
	}
	t.Fatalf("export lacks %s", id)
	return nil
}

// reviewEntries maps the claim ids in the staff review queue to their sort keys.
func reviewEntries(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	p := dynamodb.NewQueryPaginator(db(), &dynamodb.QueryInput{
		TableName: aws.String(stack.Name("InsuranceTable")), KeyConditionExpression: aws.String("pk = :pk"), ConsistentRead: aws.Bool(true),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "REVIEW"}},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range page.Items {
			id, _ := it["claimId"].(*types.AttributeValueMemberS)
			sk, _ := it["sk"].(*types.AttributeValueMemberS)
			if id != nil && sk != nil {
				out[id.Value] = sk.Value
			}
		}
	}
	return out
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// backdate sets a time attribute of an item in the insurance table.
func backdate(t *testing.T, key map[string]types.AttributeValue, attr string, at time.Time) {
	t.Helper()
	_, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(stack.Name("InsuranceTable")), Key: key,
		UpdateExpression:          aws.String("SET #a = :t"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#a": attr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberS{Value: at.UTC().Format(time.RFC3339Nano)}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Promise: H4U-11 — restriction (Art. 18): while set, the insurance data is only
// stored and shown; nothing is added and no claim is decided until it is lifted.
func TestRestrictionStopsClaimProcessing(t *testing.T) {
	staff := staffClient(t)
	c, p, _ := customer(t, staff, "Rita", "portal-processing", "health-data")
	cl := createClaim(t, c, p.Contracts[0])
	want(t, c.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	want(t, c.keyed(http.MethodPost, "/v1/me/claims", newKey(), map[string]any{"contractNumber": p.Contracts[0], "treatmentDate": "2026-11-02", "amountCents": 100}), http.StatusForbidden, "processing_restricted")
	want(t, c.do(http.MethodPost, "/v1/me/claims/"+cl.ID+"/invoices", map[string]any{"contentType": "application/pdf", "size": 100}), http.StatusForbidden, "processing_restricted")
	want(t, c.do(http.MethodGet, "/v1/me/claims/"+cl.ID, nil), http.StatusOK)
	cur := currentClaim(t, staff, cl.ID)
	want(t, staff.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", map[string]any{"status": "in_review", "version": cur.Version}), http.StatusConflict, "processing_restricted")
	want(t, c.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	want(t, staff.do(http.MethodPost, "/v1/staff/claims/"+cl.ID+"/decision", map[string]any{"status": "in_review", "version": cur.Version}), http.StatusOK)
}

// A contract file whose header names a column twice is refused as a whole, naming
// the column (which of the two values would be the holder's name?), and nothing of it
// is stored; so is a file with a column the import does not know.
func TestContractImportRefusesAmbiguousFiles(t *testing.T) {
	staff := staffClient(t)
	p := newPolicyholder("Zweimal")
	twice := strings.TrimSuffix(importHeader, "\n") + ",lastName\n" + strings.ReplaceAll(p.csv(), "\n", ",Fremd\n")
	r := staff.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv; charset=utf-8", []byte(twice), nil)
	want(t, r, http.StatusBadRequest, "validation_failed")
	if body := string(r.Body); !strings.Contains(body, `"header.lastName"`) || !strings.Contains(body, `"duplicate"`) {
		t.Fatalf("the duplicate column is not named: %s", body)
	}
	unknown := strings.TrimSuffix(importHeader, "\n") + ",emial\n" + strings.ReplaceAll(p.csv(), "\n", ",x@example.org\n")
	r = staff.raw(http.MethodPost, "/v1/staff/contract-imports", "text/csv; charset=utf-8", []byte(unknown), nil)
	want(t, r, http.StatusBadRequest, "validation_failed")
	if !strings.Contains(string(r.Body), `"header.emial"`) {
		t.Fatalf("the unknown column is not named: %s", r.Body)
	}
	cs, err := (&insurancedb.Store{DB: db(), Table: stack.Name("InsuranceTable")}).CustomerContracts(context.Background(), p.Customer, time.Now())
	if err != nil || len(cs) != 0 {
		t.Fatalf("a refused file stored contracts: %v %+v", err, cs)
	}
}
