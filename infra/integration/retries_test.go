package integration

// Retries after lost answers (docs/decisions.md, "Writes under faults"): the fault
// proxy cuts a share of the emulator's answers to the functions (stack.Faults(),
// CutAnswers), so the store has acted on every request whose answer is lost and the
// SDK repeats it. Whatever repeats, nothing may be done twice, nothing done may be
// answered as a failure, and an outage stays a 503, never a 500.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"kontor/shared/insurance"
	"kontor/shared/mail"
	"kontor/shared/mail/sesmail"
)

// cutShare is the share of the emulator's answers the fault tests cut.
const cutShare = 0.3

// Registration and activation with a third of the store's answers cut: every
// answer is a 202 or a 503, never a 500, and an activation repeated after a 503
// ends in a 202 — also when the first attempt had in fact finished: the activated
// registration stays as the record of it, and the repeat is answered as the first.
// Every activated customer's mail to set a password is sent or still in the outbox
// (queued for the next attempt, or ended "unknown" where a send's answer was cut:
// the outbox sends at most once, docs/decisions.md); none is dropped by the
// address's mail limit, whose counters count the SDK's retries of a cut answer once.
// Once the faults end, one more repeat of each activation is answered 202 and mails
// nothing. (An outage inside the identity module's privacy function, which
// activation invokes, used to cross the invocation as a defect and be answered 500;
// an activation repeated after a 503 that had finished answered 400; a retried
// activation's mail could meet a mail limit its own cut answers had used up.)
func TestRegistrationAndActivationUnderCutAnswersAreNeverAnswered500(t *testing.T) {
	staff := staffClient(t)
	var ps []policyholder
	var csv strings.Builder
	csv.WriteString(importHeader)
	for range 16 {
		p := newPolicyholder("Cut")
		ps = append(ps, p)
		csv.WriteString(p.csv())
	}
	importCSV(t, staff, csv.String())

	type pending struct {
		c            *client
		email, regID string
	}
	f := faults(t)
	if _, err := f.CutAnswers(cutShare); err != nil {
		t.Fatal(err)
	}
	var regs []pending
	statuses := map[int]int{}
	for _, p := range ps {
		c := newClient(t)
		c.csrf()
		email := newEmail("cut-reg")
		r := c.do(http.MethodPost, "/v1/insurance/registrations", registrationBody(p, email, insurance.ByPost))
		statuses[r.Status]++
		switch r.Status {
		case http.StatusAccepted:
			var reg registrationDoc
			r.json(t, &reg)
			regs = append(regs, pending{c, email, reg.ID})
		case http.StatusServiceUnavailable:
			wantUnavailable(t, r, "POST /v1/insurance/registrations")
		default:
			t.Fatalf("POST /v1/insurance/registrations under cut answers: %d %s", r.Status, r.Body)
		}
	}
	t.Logf("registrations: %v", statuses)
	f.RemoveAll()
	codes := map[string]string{}
	for _, reg := range regs {
		l := letterFor(t, staff, reg.regID)
		codes[reg.regID] = l.Code
	}

	if _, err := f.CutAnswers(cutShare); err != nil {
		t.Fatal(err)
	}
	statuses = map[int]int{}
	retried := 0
	for _, reg := range regs {
		body := map[string]any{"registrationId": reg.regID, "code": codes[reg.regID]}
		for attempt := 0; ; attempt++ {
			r := reg.c.do(http.MethodPost, "/v1/insurance/activations", body)
			statuses[r.Status]++
			if r.Status == http.StatusAccepted {
				if attempt > 0 {
					retried++
				}
				break
			}
			wantUnavailable(t, r, "POST /v1/insurance/activations")
			// An activation makes a dozen store calls, each of whose answers may be
			// cut; on a loaded machine the SDK's retries of those also eat into the
			// call's time budget, so a few attempts in a row may end in 503. The bound
			// only keeps the test finite; what is asserted is that every attempt is a
			// 202 or a 503 and that one ends in 202.
			if attempt == 11 {
				t.Fatalf("activation still unavailable after %d attempts", attempt+1)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	f.RemoveAll()
	t.Logf("activations: %v, %d of %d after a 503", statuses, retried, len(regs))
	mails := map[string]int{}
	for _, reg := range regs {
		deadline := time.Now().Add(10 * time.Second)
		for mailCount(t, reg.email) == 0 && !inOutbox(t, reg.email) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if mailCount(t, reg.email) == 0 && !inOutbox(t, reg.email) {
			t.Errorf("the mail to %s was lost: neither sent nor in the outbox", reg.email)
		}
		mails[reg.email] = outboxCount(t, reg.email)
	}
	for _, reg := range regs {
		r := reg.c.do(http.MethodPost, "/v1/insurance/activations", map[string]any{"registrationId": reg.regID, "code": codes[reg.regID]})
		want(t, r, http.StatusAccepted)
	}
	time.Sleep(time.Second)
	for _, reg := range regs {
		if n := outboxCount(t, reg.email); n != mails[reg.email] {
			t.Errorf("a repeated activation mailed again: %d mails queued, %d before", n, mails[reg.email])
		}
	}
}

// Invitations with a third of the store's answers cut: an invitation whose
// transaction committed but whose answer was lost is not answered "address taken"
// on the SDK's retry (moto ignores the ClientRequestToken that AWS honours), and a
// sign-up in the same case still mails its link, or keeps it in the outbox for
// the next attempt when the send itself met a cut answer (the outbox sends at most
// once; TestOutboxSendsEachMailAtMostOnceUnderCutAnswers follows such mails to the
// end).
func TestCreationsUnderCutAnswersAreNotTakenForConflicts(t *testing.T) {
	admin := adminClient(t)
	f := faults(t)
	if _, err := f.CutAnswers(cutShare); err != nil {
		t.Fatal(err)
	}
	statuses := map[int]int{}
	for range 16 {
		r := admin.do(http.MethodPost, "/v1/admin/members", map[string]any{"email": newEmail("cut-invite"), "language": "en"})
		statuses[r.Status]++
		if r.Status != http.StatusCreated {
			wantUnavailable(t, r, "POST /v1/admin/members")
		}
	}
	t.Logf("invitations: %v", statuses)
	var accepted []string
	for range 12 {
		c := newClient(t)
		c.csrf()
		addr := newEmail("cut-signup")
		r := c.do(http.MethodPost, "/v1/accounts", map[string]any{"email": addr, "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion, "language": "en"})
		if r.Status == http.StatusAccepted {
			accepted = append(accepted, addr)
		} else {
			wantUnavailable(t, r, "POST /v1/accounts")
		}
	}
	f.RemoveAll()
	for _, addr := range accepted {
		deadline := time.Now().Add(10 * time.Second)
		for mailCount(t, addr) == 0 && !inOutbox(t, addr) && time.Now().Before(deadline) {
			time.Sleep(100 * time.Millisecond)
		}
		if mailCount(t, addr) == 0 && !inOutbox(t, addr) {
			t.Errorf("the link to %s was lost: neither sent nor in the outbox", addr)
		}
	}
}

// The outbox sends each mail at most once while a third of the answers to the
// functions, the mail service's included, are cut: sign-ups repeated after a 503
// with their Idempotency-Key until accepted, the stream and the sweep left to do
// their work; no mail goes out twice, and the accepted addresses get their links.
// (A client may meet its sign-up limit on the way, and an address repeated often
// its mail limit, whose mail is then dropped as for any flood: each repeat of a
// sign-up is a new event for the limits, docs/decisions.md.)
// (Before, the dispatcher sent, lost SES's answer, counted a failure and sent the
// same mail again, up to four times.)
func TestOutboxSendsEachMailAtMostOnceUnderCutAnswers(t *testing.T) {
	f := faults(t)
	if _, err := f.CutAnswers(cutShare); err != nil {
		t.Fatal(err)
	}
	var addrs []string
	for range 12 {
		c := newClient(t)
		c.csrf()
		addr, key := newEmail("cut-mail"), newKey()
		body := map[string]any{"email": addr, "language": "en", "acceptedTermsVersion": termsVersion, "acceptedPrivacyVersion": privacyVersion}
		for attempt := 0; ; attempt++ {
			r := c.keyed(http.MethodPost, "/v1/accounts", key, body)
			if r.Status == http.StatusAccepted {
				addrs = append(addrs, addr)
				break
			}
			if r.Status == http.StatusTooManyRequests {
				break
			}
			if attempt == 40 {
				t.Fatalf("sign-up still unavailable after %d attempts", attempt+1)
			}
			if r.Status == http.StatusConflict {
				// The first attempt's claim stands until its lease ends (its release
				// was lost too): wait as told.
				want(t, r, http.StatusConflict, "idempotency_key_in_use")
				time.Sleep(time.Second)
				continue
			}
			wantUnavailable(t, r, "POST /v1/accounts")
		}
	}
	if len(addrs) < 6 {
		t.Fatalf("only %d of 12 sign-ups accepted", len(addrs))
	}
	f.RemoveAll()
	// What the stream could not hand over under the faults waits for the sweep after
	// the stream's grace: run the sweep as the schedule would then.
	time.Sleep(2 * time.Second)
	d := &mail.Dispatcher{DB: db(), Table: stack.Name("MailOutboxTable"),
		Sender: sesmail.SES{Client: ses.NewFromConfig(awsCfg, sesmail.RetryOnlyUnsent), From: "no-reply@kontor.example"},
		Now:    func() time.Time { return time.Now().UTC().Add(mail.StreamGrace + time.Second) },
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil))}
	rep, err := d.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sweep after the faults: %+v", rep)
	deadline := time.Now().Add(10 * time.Second)
	missing := len(addrs)
	for missing > 0 && time.Now().Before(deadline) {
		missing = 0
		for _, addr := range addrs {
			if mailCount(t, addr) == 0 {
				missing++
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	if missing > len(addrs)/4 {
		t.Errorf("%d of %d accepted sign-ups got no link", missing, len(addrs))
	}
	ms, err := stack.Mail(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	copies := map[string]int{}
	for _, m := range ms {
		if strings.Contains(strings.Join(m.To, ","), "cut-mail.") {
			copies[m.To[0]+"\n"+m.Text]++
		}
	}
	for text, n := range copies {
		if n > 1 {
			t.Errorf("one mail went out %d times to %s", n, strings.SplitN(text, "\n", 2)[0])
		}
	}
}

// Legal holds placed with a third of the store's answers cut, each repeated after a
// 503 until placed: a hold whose write was done but whose answer was lost (to the
// function or to the client) is not refused as hold_exists on the repeat, and every
// held person gets exactly one notice. (Before, the SDK's retry of the write failed
// its condition, and the request answered 409 without its audit entry and notice.)
func TestHoldsUnderCutAnswersArePlacedOnce(t *testing.T) {
	admin := invited(t, "admin") // its own budget of holds.place
	type member struct{ id, email string }
	var ms []member
	for range 6 {
		c, email := signUp(t, "cut-hold")
		ms = append(ms, member{profile(t, c).ID, email})
	}
	before := map[string]int{}
	for _, m := range ms {
		before[m.email] = outboxCount(t, m.email)
	}
	f := faults(t)
	if _, err := f.CutAnswers(cutShare); err != nil {
		t.Fatal(err)
	}
	statuses := map[int]int{}
	for _, m := range ms {
		body := map[string]any{"accountId": m.id, "reason": "court order 5 O 8/26"}
		for attempt := 0; ; attempt++ {
			r := admin.do(http.MethodPost, "/v1/admin/holds", body)
			statuses[r.Status]++
			if r.Status == http.StatusCreated {
				break
			}
			wantUnavailable(t, r, "POST /v1/admin/holds")
			if attempt == 8 {
				t.Fatalf("hold still unavailable after %d attempts", attempt+1)
			}
		}
	}
	f.RemoveAll()
	t.Logf("holds: %v", statuses)
	// Each notice is sent, or still in the outbox when its send met a cut answer
	// (the outbox sends at most once and tries again later).
	for _, m := range ms {
		deadline := time.Now().Add(30 * time.Second)
		for mailsWith(t, m.email, "data is being kept") == 0 && outboxCount(t, m.email) == before[m.email] && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
	}
	time.Sleep(time.Second)
	for _, m := range ms {
		if n := outboxCount(t, m.email) - before[m.email]; n != 1 {
			t.Errorf("%d notices of one hold queued", n)
		}
		if n := mailsWith(t, m.email, "data is being kept"); n > 1 {
			t.Errorf("%d notices of one hold sent", n)
		}
		want(t, admin.raw(http.MethodDelete, "/v1/admin/holds/"+m.id, "application/json", []byte(`{"reason":"done"}`), nil), http.StatusNoContent)
	}
}

// inOutbox reports whether the outbox holds a mail to addr, in whatever state.
func inOutbox(t *testing.T, addr string) bool {
	t.Helper()
	return outboxCount(t, addr) > 0
}

// outboxCount counts the mails to addr the outbox holds or remembers, in whatever
// state: each mail queued once, however often it was sent.
func outboxCount(t *testing.T, addr string) int {
	t.Helper()
	p := dynamodb.NewScanPaginator(db(), &dynamodb.ScanInput{TableName: aws.String(stack.Name("MailOutboxTable")), ConsistentRead: aws.Bool(true),
		FilterExpression: aws.String("toKey = :k"), ExpressionAttributeValues: map[string]types.AttributeValue{":k": &types.AttributeValueMemberS{Value: mail.RecipientKey(addr)}}})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
	}
	return n
}
