package contact

import (
	"context"
	"testing"
	"time"

	"kontor/shared/ids"
)

// fakeStore holds requests in memory; only what Of reads is implemented.
type fakeStore struct {
	Store
	reqs map[string]Request
}

func (f fakeStore) AccountIDs(_ context.Context, accountID string) ([]string, error) {
	var out []string
	for id, r := range f.reqs {
		if r.AccountID == accountID {
			out = append(out, id)
		}
	}
	return out, nil
}

func (f fakeStore) Get(_ context.Context, id string) (Request, error) {
	r, ok := f.reqs[id]
	if !ok {
		return Request{}, ErrNotFound
	}
	return r, nil
}

// A person's list is newest first, paged by the last id shown, and holds only
// their own requests, whatever the cursor; the staff member is not in it.
func TestOfPagesTheAccountsOwnRequestsNewestFirst(t *testing.T) {
	start := time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC)
	st := fakeStore{reqs: map[string]Request{}}
	var mine []string
	for i := range 5 {
		at := start.Add(time.Duration(i) * time.Minute)
		r := Request{ID: ids.NewV7(at), AccountID: "a", Subject: "A", Status: StatusResolved, CreatedAt: at, ResolvedBy: "staff-1"}
		st.reqs[r.ID] = r
		mine = append(mine, r.ID)
		other := Request{ID: ids.NewV7(at.Add(time.Second)), AccountID: "b", CreatedAt: at}
		st.reqs[other.ID] = other
	}
	svc := &Service{Store: st, Now: func() time.Time { return start }}
	ctx := context.Background()

	page, next, err := svc.Of(ctx, "a", 2, "")
	if err != nil || len(page) != 2 || page[0].ID != mine[4] || page[1].ID != mine[3] || next != mine[3] {
		t.Fatalf("first page %v, next %q, %v", page, next, err)
	}
	page, next, err = svc.Of(ctx, "a", 2, next)
	if err != nil || len(page) != 2 || page[0].ID != mine[2] || next != mine[1] {
		t.Fatalf("second page %v, next %q, %v", page, next, err)
	}
	page, next, err = svc.Of(ctx, "a", 2, next)
	if err != nil || len(page) != 1 || page[0].ID != mine[0] || next != "" {
		t.Fatalf("last page %v, next %q, %v", page, next, err)
	}
	// A request deleted after its key was read is left out, not an error.
	delete(st.reqs, mine[4])
	if page, _, err = svc.Of(ctx, "a", 10, ""); err != nil || len(page) != 4 {
		t.Fatalf("after a deletion %v, %v", page, err)
	}
	for _, r := range page {
		if r.ID == "" || r.Subject != "A" {
			t.Fatalf("someone else's request, or a field lost: %+v", r)
		}
	}
	if _, _, err := MinePage("0", ""); err == nil {
		t.Error("limit 0 accepted")
	}
	if _, _, err := MinePage("", "not-an-id"); err == nil {
		t.Error("a cursor that is no request id accepted")
	}
	if n, c, err := MinePage("", mine[0]); err != nil || n != DefaultMinePage || c != mine[0] {
		t.Errorf("MinePage default: %d %q %v", n, c, err)
	}
}
