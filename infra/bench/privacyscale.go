package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/infra/local"
	"kontor/shared/contact"
	"kontor/shared/dynamo"
	"kontor/shared/httpapi"
	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/shared/ids"
	"kontor/shared/insurance"
)

// ScaleLevel is one level of the privacy-scale run: how many other people's items
// the tables held, and what a fresh person's export and erasure took then.
type ScaleLevel struct {
	Others      int           `json:"others"`
	SeedTook    time.Duration `json:"seedTookNs"`  // seeding up to this level from the last
	SeedPerSec  float64       `json:"seedPerSec"`  // items written per second in that step
	Export      Latency       `json:"export"`      // GET /v1/me/export
	Erase       Latency       `json:"erase"`       // DELETE /v1/me
	ExportRatio float64       `json:"exportRatio"` // median against the level with no other items
	EraseRatio  float64       `json:"eraseRatio"`  // median against the level with no other items
	// The answers, "200" or "200 done", "202 running", "503 service_unavailable": a
	// time is that of the answer, whatever it was.
	ExportAnswers []string `json:"exportAnswers"`
	EraseAnswers  []string `json:"eraseAnswers"`
	// The DynamoDB items each export and erasure read, over every function and
	// table (ScannedCount for queries, metered at the emulator's front): what
	// DynamoDB bills, and what must not grow with other people's items.
	ExportItemsRead []int    `json:"exportItemsRead"`
	EraseItemsRead  []int    `json:"eraseItemsRead"`
	Tables          []string `json:"seededTables"` // logical ids of the tables seeded
}

// strangerTables are the tables an export and an erasure read for every person, and
// that hold other people's items in a running deployment. The mail outbox is not
// seeded: its stream sends every inserted message at once (locally too), and it
// holds at most a day of mail.
var strangerTables = []string{"ContactTable", "IdentityTable", "InsuranceTable"}

// MaxStrangers bounds the privacy-scale run's largest level.
const MaxStrangers = 200000

// RunPrivacyScale seeds other people's items level by level (each level adds to the
// last; levels ascending, the first is always 0) and, at each level, signs in
// persons fresh people and measures their export and erasure through the gateway on
// 127.0.0.1. Figures are relative to level 0 of the same run; nothing is asserted.
func RunPrivacyScale(ctx context.Context, s *local.Stack, levels []int, persons int) ([]ScaleLevel, error) {
	if !strings.HasPrefix(s.APIURL, "http://127.0.0.1:") {
		return nil, fmt.Errorf("privacy-scale runs go to 127.0.0.1 only, not %s", s.APIURL)
	}
	levels = append([]int{0}, levels...)
	slices.Sort(levels)
	levels = slices.Compact(levels)
	if last := levels[len(levels)-1]; last > MaxStrangers {
		return nil, fmt.Errorf("privacy scale: %d other people's items is over the bound of %d", last, MaxStrangers)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg)
	ident := &identity.Service{Store: &identitydb.Store{DB: db, Table: s.Name("IdentityTable")}, Now: func() time.Time { return time.Now().UTC() }}
	// Every level's fresh persons sign in before any seeding: moto copies a whole
	// table for each item of a transaction (moto/dynamodb/models/__init__.py,
	// transact_write_items: copy.deepcopy per item), so a sign-in's transactions on
	// an identity table of tens of thousands of items overrun their time on the
	// emulator, which DynamoDB does not. Their sessions and fresh proofs last the run.
	s.MeterReads()
	signedIn := map[int][]*apiClient{}
	for _, level := range levels {
		for p := range persons {
			email := fmt.Sprintf("bench.person.%d.%d@example.org", level, p)
			password := "bench-Passwort-" + strconv.Itoa(p) + "-lange-genug"
			if _, _, err := ident.CreateAdmin(ctx, identity.AdminInput{Email: email, Language: "en", Password: password}); err != nil {
				return nil, fmt.Errorf("create a fresh person: %w", err)
			}
			c, err := signInAs(ctx, s, email, password)
			if err != nil {
				return nil, err
			}
			signedIn[level] = append(signedIn[level], c)
		}
	}
	var out []ScaleLevel
	seeded := 0
	for _, level := range levels {
		lv := ScaleLevel{Others: level, Tables: strangerTables}
		if level > seeded {
			start := time.Now()
			if err := seedStrangers(ctx, s, db, seeded, level); err != nil {
				return out, fmt.Errorf("seed %d other people's items: %w", level, err)
			}
			lv.SeedTook = time.Since(start)
			lv.SeedPerSec = float64(level-seeded) / lv.SeedTook.Seconds()
			seeded = level
		}
		var exports, erasures []time.Duration
		for _, c := range signedIn[level] {
			before := s.ReadsTotal().Items
			d, status, err := c.timed(ctx, http.MethodGet, "/v1/me/export")
			if err != nil {
				return out, fmt.Errorf("export: %w", err)
			}
			exports = append(exports, d)
			lv.ExportAnswers = append(lv.ExportAnswers, c.answer(status))
			lv.ExportItemsRead = append(lv.ExportItemsRead, s.ReadsTotal().Items-before)
			before = s.ReadsTotal().Items
			d, status, err = c.timed(ctx, http.MethodDelete, "/v1/me")
			if err != nil {
				return out, fmt.Errorf("erasure: %w", err)
			}
			erasures = append(erasures, d)
			lv.EraseAnswers = append(lv.EraseAnswers, c.answer(status))
			lv.EraseItemsRead = append(lv.EraseItemsRead, s.ReadsTotal().Items-before)
		}
		lv.Export, lv.Erase = summarize(exports, 0, 0), summarize(erasures, 0, 0)
		out = append(out, lv)
	}
	for i := range out {
		out[i].ExportRatio = float64(out[i].Export.P50) / float64(out[0].Export.P50)
		out[i].EraseRatio = float64(out[i].Erase.P50) / float64(out[0].Erase.P50)
	}
	return out, nil
}

// strangerItems returns the items of other person i: one of a contact request
// (resolved, under a retention duty, so the sweep keeps it), a pending confirmation
// token, an insurance registration waiting for its letter, or a submitted claim with
// its entry in the account's partition — the shapes the modules' stores write.
func strangerItems(i int, now time.Time) (string, []dynamo.Item, error) {
	account := ids.NewV7(now)
	email := fmt.Sprintf("stranger.%d@example.org", i)
	switch i % 4 {
	case 0:
		resolved, until := now.Add(-time.Hour), now.AddDate(2, 0, 0)
		r := contact.Request{ID: ids.NewV7(now), Email: email, Name: "Erika Mustermann", Subject: "Frage zum Vertrag",
			Message: strings.Repeat("Ich habe eine Frage zu meinem Vertrag. ", 12), Status: contact.StatusResolved,
			CreatedAt: now.Add(-48 * time.Hour), ResolvedAt: &resolved, ResolvedBy: account, RetainUntil: &until, RetainReason: "§ 257 HGB"}
		it, err := dynamo.Marshal(dynamo.Key("REQ#"+r.ID, "REQ"), r, time.Time{})
		return "ContactTable", []dynamo.Item{it}, err
	case 1:
		t := identity.Token{Digest: ids.Digest(ids.NewV7(now) + strconv.Itoa(i)), Kind: identity.TokenConfirm, AccountID: account, ExpiresAt: now.Add(identity.ConfirmTokenTTL)}
		it, err := dynamo.Marshal(dynamo.Key("TOKEN#"+t.Digest, "TOKEN"), t, t.ExpiresAt)
		return "IdentityTable", []dynamo.Item{it}, err
	case 2:
		r := insurance.Registration{ID: ids.NewV7(now), CustomerNumber: fmt.Sprintf("K%08d", i), ContractNumber: fmt.Sprintf("V-%09d", i),
			Email: email, Phone: "+49 345 000000", Language: "de", TermsVersion: "2026-01", PrivacyVersion: "2026-01", Method: "letter",
			CodeDigest: ids.Digest(strconv.Itoa(i)), LetterID: ids.NewV7(now), CreatedAt: now, ExpiresAt: now.Add(30 * 24 * time.Hour)}
		it, err := dynamo.Marshal(dynamo.Key("REG#"+r.ID, "REG"), r, r.ExpiresAt)
		return "InsuranceTable", []dynamo.Item{it}, err
	default:
		cl := insurance.Claim{ID: ids.NewV7(now), AccountID: account, ContractNumber: fmt.Sprintf("V-%09d", i), TreatmentDate: "2026-10-01",
			Description: "Zahnarzt, Kontrolle", Amount: insurance.Money{Cents: 12345, Currency: "EUR"}, Status: insurance.StatusSubmitted,
			Invoices: []insurance.Invoice{}, History: []insurance.Event{{Status: insurance.StatusSubmitted, At: now, By: "customer"}}, CreatedAt: now, Version: 1}
		claim, err := dynamo.Marshal(dynamo.Key("CLAIM#"+cl.ID, "CLAIM"), cl, time.Time{})
		if err != nil {
			return "", nil, err
		}
		ref, err := dynamo.Marshal(dynamo.Key("ACCOUNT#"+account, "CLAIM#"+cl.ID), map[string]string{"claimId": cl.ID}, time.Time{})
		return "InsuranceTable", []dynamo.Item{claim, ref}, err
	}
}

// seedStrangers writes other people from..to-1 with BatchWriteItem, 25 items a call,
// 4 writers.
func seedStrangers(ctx context.Context, s *local.Stack, db *dynamodb.Client, from, to int) error {
	w := newBatchWriter(ctx, db)
	now := time.Now().UTC()
	for i := from; i < to; i++ {
		table, items, err := strangerItems(i, now)
		for _, it := range items {
			if err != nil {
				break
			}
			err = w.put(s.Name(table), it)
		}
		if err != nil {
			_ = w.close()
			return err
		}
	}
	return w.close()
}

// apiClient is a signed-in caller of the stack's gateway.
type apiClient struct {
	base, session, csrf string
	last                struct {
		Status string `json:"status"` // an erasure's state
		Code   string `json:"code"`   // a problem's code
	}
}

// answer describes the last answer: its status and the erasure state or problem code.
func (c *apiClient) answer(status int) string {
	return strings.TrimSpace(strconv.Itoa(status) + " " + c.last.Status + c.last.Code)
}

// signInAs signs in through the API and returns the session.
func signInAs(ctx context.Context, s *local.Stack, email, password string) (*apiClient, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.APIURL+"/v1/csrf", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	_ = resp.Body.Close()
	csrf := cookie(resp, httpapi.CSRFCookie)
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	// A busy machine may answer 503 with Retry-After: a client tries again, as this
	// one does (three times at most).
	last := ""
	for try := 0; ; try++ {
		req, _ = http.NewRequestWithContext(ctx, http.MethodPost, s.APIURL+"/v1/sessions", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(httpapi.CSRFHeader, csrf)
		req.Header.Set("Cookie", httpapi.CSRFCookie+"="+csrf)
		if resp, err = http.DefaultClient.Do(req); err != nil {
			return nil, err
		}
		problem, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		_ = resp.Body.Close()
		last = string(problem)
		after, err := strconv.Atoi(resp.Header.Get("Retry-After"))
		if resp.StatusCode != http.StatusServiceUnavailable || err != nil || try == 3 {
			break
		}
		time.Sleep(min(time.Duration(after)*time.Second, 5*time.Second))
	}
	c := &apiClient{base: s.APIURL, session: cookie(resp, httpapi.SessionCookie), csrf: cookie(resp, httpapi.CSRFCookie)}
	if resp.StatusCode != http.StatusCreated || c.session == "" {
		return nil, fmt.Errorf("sign-in: status %d: %s", resp.StatusCode, last)
	}
	if c.csrf == "" {
		c.csrf = csrf
	}
	return c, nil
}

// timed sends one request with the session and CSRF proof and returns how long the
// answer took, read to its end.
func (c *apiClient) timed(ctx context.Context, method, path string) (time.Duration, int, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Cookie", httpapi.SessionCookie+"="+c.session+"; "+httpapi.CSRFCookie+"="+c.csrf)
	req.Header.Set(httpapi.CSRFHeader, c.csrf)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	var b bytes.Buffer
	_, err = b.ReadFrom(resp.Body)
	_ = resp.Body.Close()
	took := time.Since(start)
	if err != nil {
		return 0, 0, errors.Join(errors.New("read answer"), err)
	}
	c.last.Status, c.last.Code = "", ""
	if method != http.MethodGet || resp.StatusCode != http.StatusOK {
		_ = json.Unmarshal(b.Bytes(), &c.last) // an erasure's state or a problem's code; not an export
	}
	return took, resp.StatusCode, nil
}
