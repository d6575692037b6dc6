package insurancedb

import (
	"context"
	"encoding/base64"
	"errors"
	"testing"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/ids"
	"kontor/shared/insurance"
)

func emulated(t *testing.T) *Store {
	db := dynamotest.Moto(t)
	return &Store{DB: db, Table: dynamotest.Table(t, db, false, ByAddress)}
}

// once checks that a write succeeds once and then fails with again.
func once(t *testing.T, what string, again error, write func() error) {
	t.Helper()
	if err := write(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if err := write(); !errors.Is(err, again) {
		t.Fatalf("%s again: %v, want %v", what, err, again)
	}
}

func TestContractsAndLinksAgainstTheEmulator(t *testing.T) {
	s := emulated(t)
	ctx := context.Background()
	at := time.Now().UTC()
	cs := []insurance.Contract{
		{Number: "KV-1", Holder: insurance.Holder{CustomerNumber: "C-1"}, EndsOn: "2014-06-30"},
		{Number: "KV-2", Holder: insurance.Holder{CustomerNumber: "C-1"}},
	}
	if err := s.SaveContracts(ctx, cs, at); err != nil {
		t.Fatal(err)
	}
	if c, err := s.Contract(ctx, "kv-1", at); err != nil || c.EndsOn != "2014-06-30" {
		t.Fatalf("contract by a lower-case number: %+v %v", c, err)
	}
	if _, err := s.Contract(ctx, "KV-3", at); !errors.Is(err, insurance.ErrNotFound) {
		t.Fatalf("unknown contract: %v", err)
	}
	if got, err := s.CustomerContracts(ctx, "C-1", at); err != nil || len(got) != 2 {
		t.Fatalf("customer contracts %+v %v", got, err)
	}
	// A re-import moves KV-2 to another customer.
	if err := s.SaveContracts(ctx, []insurance.Contract{{Number: "KV-2", Holder: insurance.Holder{CustomerNumber: "C-2"}}}, at); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CustomerContracts(ctx, "C-1", at); err != nil || len(got) != 1 || got[0].Number != "KV-1" {
		t.Fatalf("after the move %+v %v", got, err)
	}
	n := 0
	if err := s.ContractRecords(ctx, func(insurance.Contract) error { n++; return nil }); err != nil || n != 2 {
		t.Fatalf("contract records %d %v", n, err)
	}

	if _, ok, err := s.LinkOf(ctx, "a1", at); ok || err != nil {
		t.Fatalf("link before activation: %v %v", ok, err)
	}
	if err := s.SaveLink(ctx, insurance.Link{AccountID: "a1", CustomerNumber: "C-1", Method: insurance.ByPost, LinkedAt: at}); err != nil {
		t.Fatal(err)
	}
	if l, ok, err := s.LinkOf(ctx, "a1", at); !ok || err != nil || l.CustomerNumber != "C-1" {
		t.Fatalf("link %+v %v %v", l, ok, err)
	}
	var accounts []string
	if err := s.CustomerLinks(ctx, "C-1", at, func(l insurance.Link) error { accounts = append(accounts, l.AccountID); return nil }); err != nil || len(accounts) != 1 || accounts[0] != "a1" {
		t.Fatalf("customer links %v %v", accounts, err)
	}
	// The customer's list holds contracts and accounts apart.
	if got, err := s.CustomerContracts(ctx, "C-1", at); err != nil || len(got) != 1 {
		t.Fatalf("contracts next to a link %+v %v", got, err)
	}
	if err := s.DeleteLink(ctx, "a1", "C-1"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.LinkOf(ctx, "a1", at); ok {
		t.Fatal("link survived its deletion")
	}
	if err := s.DeleteContract(ctx, cs[0]); err != nil {
		t.Fatal(err)
	}
	if got, err := s.CustomerContracts(ctx, "C-1", at); err != nil || len(got) != 0 {
		t.Fatalf("after the deletion %+v %v", got, err)
	}
}

func TestClaimsAgainstTheEmulator(t *testing.T) {
	s := emulated(t)
	ctx := context.Background()
	at := time.Now().UTC()
	var claims []insurance.Claim
	for i := range 5 {
		cl := insurance.Claim{ID: ids.NewV7(at.Add(time.Duration(i) * time.Millisecond)), AccountID: "a1", Status: insurance.StatusSubmitted, Version: 1}
		if err := s.CreateClaim(ctx, cl); err != nil {
			t.Fatal(err)
		}
		claims = append(claims, cl)
	}
	// Versions: a write over a changed claim is a conflict.
	cl := claims[0]
	cl.Version = 2
	once(t, "update of version 1", insurance.ErrConflict, func() error { return s.UpdateClaim(ctx, cl, 1) })
	if got, err := s.Claim(ctx, cl.ID, at); err != nil || got.Version != 2 {
		t.Fatalf("claim %+v %v", got, err)
	}
	// The owner's list pages newest first, the queue oldest first; a cursor is the
	// last sort key read, base64url.
	var mine []string
	cursor := ""
	for {
		next, err := s.ClaimPage(ctx, "a1", insurance.Page{Limit: 2, Cursor: cursor}, at, func(id string) error { mine = append(mine, id); return nil })
		if err != nil {
			t.Fatal(err)
		}
		if next == "" {
			break
		}
		if sk, _ := base64.RawURLEncoding.DecodeString(next); string(sk) != claimPrefix+mine[len(mine)-1] {
			t.Fatalf("cursor %q is not the last claim's sort key", sk)
		}
		cursor = next
	}
	if len(mine) != 5 || mine[0] != claims[4].ID || mine[4] != claims[0].ID {
		t.Fatalf("own claims %v", mine)
	}
	if _, err := s.ClaimPage(ctx, "a1", insurance.Page{Cursor: base64.RawURLEncoding.EncodeToString([]byte("REG"))}, at, func(string) error { return nil }); !errors.Is(err, insurance.ErrBadCursor) {
		t.Fatalf("foreign cursor: %v", err)
	}
	var queue []string
	if _, err := s.ReviewPage(ctx, insurance.Page{Limit: 10}, at, func(id string) error { queue = append(queue, id); return nil }); err != nil || len(queue) != 5 || queue[0] != claims[0].ID {
		t.Fatalf("queue %v %v", queue, err)
	}
	n := 0
	if err := s.ClaimsOf(ctx, "a1", at, func(string) error { n++; return nil }); err != nil || n != 5 {
		t.Fatalf("claims of the account %d %v", n, err)
	}
	// Decided: out of the queue. A claim that lost its entries gets them back.
	if err := s.Unqueue(ctx, claims[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteClaim(ctx, claims[2]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, claims[2].ID, at); !errors.Is(err, insurance.ErrNotFound) {
		t.Fatalf("deleted claim: %v", err)
	}
	queued, err := s.ReviewQueue(ctx, at)
	if err != nil || len(queued) != 3 || queued[claims[0].ID] != claims[0].ID {
		t.Fatalf("review queue %v %v", queued, err)
	}
	if err := s.RestoreClaimIndexes(ctx, claims[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveQueueEntry(ctx, queued[claims[3].ID]); err != nil {
		t.Fatal(err)
	}
	if queued, err = s.ReviewQueue(ctx, at); err != nil || len(queued) != 3 || queued[claims[1].ID] == "" || queued[claims[3].ID] != "" {
		t.Fatalf("review queue after the repair %v %v", queued, err)
	}
	n = 0
	if err := s.Claims(ctx, func(c insurance.Claim) error { n++; return nil }); err != nil || n != 4 {
		t.Fatalf("every claim %d %v", n, err)
	}
}

func TestRegistrationsAgainstTheEmulator(t *testing.T) {
	s := emulated(t)
	ctx := context.Background()
	at := time.Now().UTC()
	post := insurance.Registration{ID: ids.NewV7(at), Email: "a@example.org", Method: insurance.ByPost, ExpiresAt: at.Add(time.Hour)}
	l := insurance.Letter{ID: ids.NewV7(at), RegistrationID: post.ID}
	post.LetterID = l.ID
	if err := s.CreateLetterRegistration(ctx, post, l, at.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	next := post
	next.Attempts = 1
	once(t, "the first wrong code", insurance.ErrConflict, func() error { return s.SaveAttempts(ctx, next, 0) })
	if r, err := s.Registration(ctx, post.ID, at); err != nil || r.Attempts != 1 {
		t.Fatalf("registration %+v %v", r, err)
	}
	ls, cursor, err := s.LetterPage(ctx, insurance.Page{Limit: 10}, at)
	if err != nil || len(ls) != 1 || ls[0].ID != l.ID || cursor != "" {
		t.Fatalf("letters %+v %q %v", ls, cursor, err)
	}
	once(t, "the letter printed", insurance.ErrNotFound, func() error { return s.DeleteLetter(ctx, l.ID) })

	eid := insurance.Registration{ID: ids.NewV7(at), Email: "b@example.org", Method: insurance.ByEID, Pseudonym: "p1", ExpiresAt: at.Add(time.Hour)}
	if err := s.CreateEIDRegistration(ctx, eid); err != nil {
		t.Fatal(err)
	}
	if id, err := s.EIDRegistration(ctx, "p1", at); err != nil || id != eid.ID {
		t.Fatalf("pseudonym → %q %v", id, err)
	}
	eid.EIDResult = insurance.EIDVerified
	once(t, "the eID result", insurance.ErrConflict, func() error { return s.SaveEIDResult(ctx, eid) })
	stale := eid
	done := eid
	done.ActivatedAt, done.Phone = &at, ""
	once(t, "the activation", nil, func() error { return s.MarkActivated(ctx, done) })
	if _, err := s.EIDRegistration(ctx, "p1", at); !errors.Is(err, insurance.ErrNotFound) {
		t.Fatalf("pseudonym after activation: %v", err)
	}
	if r, err := s.Registration(ctx, eid.ID, at); err != nil || r.ActivatedAt == nil || r.Pseudonym != "" || r.EIDResult != insurance.EIDVerified {
		t.Fatalf("activated registration %+v %v", r, err)
	}
	// A wrong code read before the activation does not reopen it.
	stale.Attempts = 1
	if err := s.SaveAttempts(ctx, stale, 0); !errors.Is(err, insurance.ErrConflict) {
		t.Fatalf("stale attempt over the activated registration: %v", err)
	}

	// Failed matches count per window.
	win := at.Truncate(time.Hour)
	for range 2 {
		if err := s.AddMatchFailure(ctx, "KV-1", win, win.Add(2*time.Hour), at); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := s.MatchFailures(ctx, "KV-1", win, at); err != nil || n != 2 {
		t.Fatalf("failures %d %v", n, err)
	}
	if n, err := s.MatchFailures(ctx, "KV-1", win.Add(time.Hour), at); err != nil || n != 0 {
		t.Fatalf("failures in the next window %d %v", n, err)
	}

	// Past its lifetime a registration reads as gone and is swept with the rest.
	// A person's registrations are found by their address alone.
	var emails []string
	for _, addr := range []string{"a@example.org", " A@Example.org", "b@example.org"} {
		if err := s.RegistrationsOf(ctx, addr, at, func(r insurance.Registration) error { emails = append(emails, r.Email); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	// The activated one too, while it is kept: the person's export and erasure
	// reach it.
	if len(emails) != 3 || emails[0] != "a@example.org" || emails[1] != "a@example.org" || emails[2] != "b@example.org" {
		t.Fatalf("registrations %v", emails)
	}
	// One stored before the address index is given its key by the sweep.
	old := insurance.Registration{ID: ids.NewV7(at), Email: "c@example.org", Method: insurance.ByPost, ExpiresAt: at.Add(time.Hour)}
	if err := s.table().Put(ctx, registrationKey(old.ID), old, old.ExpiresAt, dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}
	if n, err := s.SweepExpired(ctx, at); err != nil || n != 0 {
		t.Fatalf("swept %d %v", n, err)
	}
	emails = nil
	if err := s.RegistrationsOf(ctx, "c@example.org", at, func(r insurance.Registration) error { emails = append(emails, r.Email); return nil }); err != nil || len(emails) != 1 {
		t.Fatalf("old registration after the sweep: %v %v", emails, err)
	}
	if err := s.DeleteRegistration(ctx, old); err != nil {
		t.Fatal(err)
	}
	later := at.Add(3 * time.Hour)
	if _, err := s.Registration(ctx, post.ID, later); !errors.Is(err, insurance.ErrNotFound) {
		t.Fatalf("expired registration: %v", err)
	}
	emails = nil
	if err := s.RegistrationsOf(ctx, "a@example.org", later, func(r insurance.Registration) error { emails = append(emails, r.Email); return nil }); err != nil || len(emails) != 0 {
		t.Fatalf("expired registrations %v %v", emails, err)
	}
	n, err := s.SweepExpired(ctx, later) // the open one and the activated one
	if err != nil || n != 2 {
		t.Fatalf("swept %d registrations, %v", n, err)
	}
	if n, err := s.MatchFailures(ctx, "KV-1", win, at); err != nil || n != 0 {
		t.Fatalf("the swept counter still counts %d %v", n, err)
	}
	if err := s.DeleteRegistration(ctx, post); err != nil {
		t.Fatal(err)
	}
}
