package network

import (
	"context"
	"testing"
	"time"

	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// registerWorld is an in-memory world for RegisterSync: one office, the
// profiles (with the version condition), a register answering rec, and an
// outbox that counts each mail id. meddle, when set, runs once just before the
// first ApplyRegister, as a member saving their profile at that moment.
type registerWorld struct {
	RegisterStore
	profiles memStore
	office   *Honorary
	history  []RegisterChange
	rec      RegisterRecord
	outbox   map[string]int
	meddle   func()
	tries    int
}

func (w *registerWorld) Honorary(context.Context, string) (Honorary, error) {
	if w.office == nil {
		return Honorary{}, ErrNotFound
	}
	return *w.office, nil
}

func (w *registerWorld) ApplyRegister(ctx context.Context, p Profile, prev int, h Honorary, changes []RegisterChange) error {
	w.tries++
	if w.meddle != nil {
		w.meddle()
		w.meddle = nil
	}
	if w.office == nil || w.office.RegisterNumber != h.RegisterNumber {
		return ErrConflict
	}
	if err := w.profiles.Put(ctx, p, prev); err != nil {
		return err
	}
	w.office, w.history = &h, append(w.history, changes...)
	return nil
}

func (w *registerWorld) RegisterChecked(context.Context, string, string, time.Time) error { return nil }

func (w *registerWorld) MailQueued(_ context.Context, _ string, version int) error {
	if w.office.Pending != nil && w.office.Pending.Version == version {
		w.office.Pending = nil
	}
	return nil
}

func (w *registerWorld) Lookup(context.Context, string) (RegisterRecord, error) { return w.rec, nil }

func (w *registerWorld) Person(context.Context, string) (privacy.Person, error) {
	return privacy.Person{Email: "member@example.org", Language: "en"}, nil
}

func (w *registerWorld) Deliver(_ context.Context, m mail.Message) error {
	w.outbox[m.ID]++
	return nil
}

func newRegisterWorld(t *testing.T) (*registerWorld, *RegisterSync) {
	t.Helper()
	const number = "Amtsgericht Hamburg HRB 12345"
	w := &registerWorld{profiles: memStore{owner: {AccountID: owner, FirstName: "Greta", Company: "Großmann GmbH", RoleInCompany: "CEO",
		Street: "Adolphsplatz", HouseNumber: "1", PostalCode: "20457", City: "Hamburg", Country: "DE", Version: 3}},
		office: &Honorary{AccountID: owner, RegisterNumber: number}, outbox: map[string]int{},
		rec: RegisterRecord{RegisterNumber: number, Company: "Großmann GmbH", Street: "Ballindamm", HouseNumber: "7", PostalCode: "20095", City: "Hamburg", Country: "DE"}}
	s := &RegisterSync{Store: w, Profiles: w.profiles, Register: w, People: w, Outbox: w, BaseURL: "https://kontor.example",
		Now: func() time.Time { return time.Date(2026, 11, 30, 3, 0, 0, 0, time.UTC) }, Attempts: 2}
	return w, s
}

// A member saving between the register's answer and the sync's write keeps
// their change: the write on the old version fails and is made again on the
// new one, with the register's details and nothing else.
func TestRegisterSyncRetriesOnTheMembersNewVersion(t *testing.T) {
	w, s := newRegisterWorld(t)
	w.meddle = func() {
		p := w.profiles[owner]
		p.RoleInCompany, p.Version = "Prokuristin", p.Version+1
		w.profiles[owner] = p
	}
	changed, failed, err := s.Member(context.Background(), owner)
	if err != nil || !changed || failed {
		t.Fatalf("changed %v failed %v err %v", changed, failed, err)
	}
	p := w.profiles[owner]
	if w.tries != 2 || p.Version != 5 || p.RoleInCompany != "Prokuristin" || p.Street != "Ballindamm" || p.PostalCode != "20095" {
		t.Fatalf("after %d tries: %+v", w.tries, p)
	}
	if len(w.history) != 3 || len(w.office.Sources) != 3 || w.office.Pending != nil {
		t.Fatalf("history %+v, office %+v", w.history, w.office)
	}
	if w.outbox[RegisterMailID(owner, 5)] != 1 || len(w.outbox) != 1 {
		t.Fatalf("outbox %v", w.outbox)
	}
}

// A mail left pending by a run cut short after its write is queued by the next
// run under the same id (the outbox takes it once) and cleared; the register's
// details, already taken over, change nothing again.
func TestRegisterSyncQueuesAMailLeftPending(t *testing.T) {
	w, s := newRegisterWorld(t)
	if _, _, err := s.Member(context.Background(), owner); err != nil {
		t.Fatal(err)
	}
	id := RegisterMailID(owner, 4)
	w.office.Pending = &RegisterMail{Version: 4, Changes: w.history} // as if the clearing was lost
	changed, _, err := s.Member(context.Background(), owner)
	if err != nil || changed {
		t.Fatalf("second run: changed %v, %v", changed, err)
	}
	if w.outbox[id] != 2 || len(w.outbox) != 1 || w.office.Pending != nil || w.profiles[owner].Version != 4 {
		t.Fatalf("outbox %v, office %+v", w.outbox, w.office)
	}
}
