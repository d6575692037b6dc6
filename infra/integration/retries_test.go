package integration

// Retries after lost answers (docs/decisions.md, "Writes under faults"): the fault
// proxy cuts a share of the emulator's answers to the functions (stack.Faults(),
// CutAnswers), so the store has acted on every request whose answer is lost and the
// SDK repeats it. Whatever repeats, nothing may be done twice, nothing done may be
// answered as a failure, and an outage stays a 503, never a 500.

import (
	"net/http"
	"strings"
	"testing"

	"kontor/shared/insurance"
)

// cutShare is the share of the emulator's answers the fault tests cut.
const cutShare = 0.3

// Registration and activation with a third of the store's answers cut: every
// answer is a 202 or a 503 (an activation repeated after a 503 that had in fact
// finished may find its registration gone), never a 500, and every activated
// customer gets the mail to set a password. An outage inside the identity
// module's privacy function, which activation invokes, used to cross the
// invocation as a defect and be answered 500.
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
	var activated []string
	for _, reg := range regs {
		body := map[string]any{"registrationId": reg.regID, "code": codes[reg.regID]}
		for attempt := 0; ; attempt++ {
			r := reg.c.do(http.MethodPost, "/v1/insurance/activations", body)
			statuses[r.Status]++
			if r.Status == http.StatusAccepted || r.Status == http.StatusBadRequest && attempt > 0 {
				activated = append(activated, reg.email)
				break
			}
			wantUnavailable(t, r, "POST /v1/insurance/activations")
			if attempt == 5 {
				t.Fatalf("activation still unavailable after %d attempts", attempt+1)
			}
		}
	}
	f.RemoveAll()
	t.Logf("activations: %v", statuses)
	for _, email := range activated {
		mailTo(t, email, "set your password")
	}
}

// Invitations with a third of the store's answers cut: an invitation whose
// transaction committed but whose answer was lost is not answered "address taken"
// on the SDK's retry (moto ignores the ClientRequestToken that AWS honours), and a
// sign-up in the same case still mails its link.
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
		mailTo(t, addr, "Kontor")
	}
}
