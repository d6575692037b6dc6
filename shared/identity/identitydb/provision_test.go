package identitydb_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/problem"
)

func isProblem(err error, status int) bool {
	var p *problem.Problem
	return errors.As(err, &p) && p.Status == status
}

// mailbox records what the service mails.
type mailbox struct {
	mu   sync.Mutex
	sent []mail.Message
}

func (m *mailbox) Deliver(_ context.Context, msg mail.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *mailbox) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.sent)
}

func provisionService(t *testing.T) (*identity.Service, *identitydb.Store, *mailbox) {
	db := dynamotest.Moto(t)
	st := &identitydb.Store{DB: db, Table: dynamotest.Table(t, db, false)}
	mb := &mailbox{}
	return &identity.Service{
		Store: st, Mail: mb, Now: func() time.Time { return time.Now().UTC() },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "https://portal.example",
		TermsVersion: "t1", PrivacyVersion: "p1",
	}, st, mb
}

func confirmed(email string) identity.RegisterInput {
	return identity.RegisterInput{Email: email, Language: "de", TermsVersion: "t1", PrivacyVersion: "p1", EmailConfirmed: true}
}

// HGK-2: a confirmed address gets an active member account with a generated
// password, and nothing is mailed; the same address again changes nothing.
func TestProvisionOfAConfirmedAddressCreatesAnActiveAccountWithoutMail(t *testing.T) {
	svc, st, mb := provisionService(t)
	ctx := context.Background()
	id, err := svc.Provision(ctx, confirmed(" Skipper@Example.org "))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := st.Account(ctx, id, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if acc.Status != identity.StatusActive || acc.Email != "skipper@example.org" || acc.PasswordHash == "" ||
		acc.ExpiresAt != nil || acc.TermsVersion != "t1" || acc.PrivacyVersion != "p1" ||
		len(acc.Roles) != 1 || acc.Roles[0] != "member" || acc.MustChangePassword {
		t.Fatalf("account %+v", acc)
	}
	if mb.count() != 0 {
		t.Fatalf("mailed %d messages", mb.count())
	}
	again, err := svc.Provision(ctx, confirmed("skipper@example.org"))
	if err != nil || again != id {
		t.Fatalf("again: %q %v, want %q", again, err, id)
	}
	after, _ := st.Account(ctx, id, time.Now())
	if after.PasswordHash != acc.PasswordHash || mb.count() != 0 {
		t.Fatal("the existing account changed or was mailed")
	}
	// Without the flag, behaviour is unchanged: an existing owner gets a notice.
	if _, err := svc.Provision(ctx, identity.RegisterInput{Email: "skipper@example.org", Language: "de", TermsVersion: "t1", PrivacyVersion: "p1"}); err != nil || mb.count() != 1 {
		t.Fatalf("unconfirmed provision: %v, %d mails", err, mb.count())
	}
}

// HGK-2: a pending sign-up whose address is now proven becomes active with a
// generated password; its sign-up link no longer sets a password.
func TestProvisionActivatesAPendingAccount(t *testing.T) {
	svc, st, mb := provisionService(t)
	ctx := context.Background()
	if err := svc.Register(ctx, identity.RegisterInput{Email: "crew@example.org", Language: "en", TermsVersion: "t1", PrivacyVersion: "p1"}); err != nil {
		t.Fatal(err)
	}
	link := mb.sent[0].Text
	id, err := svc.Provision(ctx, confirmed("crew@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := st.Account(ctx, id, time.Now())
	if acc.Status != identity.StatusActive || acc.PasswordHash == "" || acc.ExpiresAt != nil {
		t.Fatalf("account %+v", acc)
	}
	if _, err := st.AccountIDByEmail(ctx, "crew@example.org", time.Now().Add(8*24*time.Hour)); err != nil {
		t.Fatalf("the claim still expires: %v", err)
	}
	if mb.count() != 1 {
		t.Fatalf("mailed %d messages", mb.count())
	}
	raw, _, _ := strings.Cut(link[strings.Index(link, "token=")+len("token="):], "\n")
	if !ids.PlausibleToken(raw) {
		t.Fatalf("no token in %q", link)
	}
	if err := svc.Confirm(ctx, raw, "a long enough password 1"); !isProblem(err, http.StatusBadRequest) {
		t.Fatal("the sign-up link set a password on the provisioned account")
	}
}

// HGK-2: concurrent provisions of one address end with one account.
func TestConcurrentProvisionsMakeOneAccount(t *testing.T) {
	svc, _, _ := provisionService(t)
	ctx := context.Background()
	got := make([]string, 6)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			id, err := svc.Provision(ctx, confirmed("race@example.org"))
			if err != nil {
				t.Error(err)
			}
			got[i] = id
		})
	}
	wg.Wait()
	for _, id := range got[1:] {
		if id != got[0] || id == "" {
			t.Fatalf("ids %v", got)
		}
	}
}
