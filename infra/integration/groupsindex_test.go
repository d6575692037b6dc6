package integration

import (
	"context"
	"fmt"
	"testing"
	"time"

	"kontor/shared/ids"
	"kontor/shared/network"
	"kontor/shared/network/networkdb"
)

// The post index against the emulator: appends past RingMax seal chunks (the
// conditions on the list's size hold), pages read every post once, newest first,
// and forgetting an author rewrites their entries in the item and the chunks.
func TestGroupsIndexSealsPagesAndForgetsThroughTheStore(t *testing.T) {
	ctx := context.Background()
	store := &networkdb.Store{DB: db(), Table: stack.Name("NetworkTable")}
	clock := time.Now().UTC()
	now := func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	groups := &network.GroupService{Store: store, Now: now}
	posts := &network.PostService{Groups: groups, Store: store, Now: now}
	g := network.Group{ID: ids.NewV7(now()), Kind: network.KindGroup, Access: network.AccessOpen, Name: "Index", CreatedAt: now(), Version: 1}
	a, b := ids.NewV7(now()), ids.NewV7(now())
	ms := []network.Membership{{GroupID: g.ID, AccountID: a, Role: network.GroupMember, Since: now()}, {GroupID: g.ID, AccountID: b, Role: network.GroupMember, Since: now()}}
	g.Members = 2
	if err := store.CreateGroup(ctx, g, ms); err != nil {
		t.Fatal(err)
	}
	const total = 2*network.RingMax + 17
	for n := range total {
		author := a
		if n%3 == 0 {
			author = b
		}
		p := network.Post{ID: ids.NewV7(now()), GroupID: g.ID, AuthorID: author, Text: fmt.Sprint(n), CreatedAt: now(), Version: 1}
		if err := store.CreatePost(ctx, p); err != nil {
			t.Fatalf("post %d: %v", n, err)
		}
	}
	stored, err := store.Group(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Sealed < 3 || len(stored.Recent) > network.RingMax {
		t.Fatalf("after %d posts: %d sealed, %d in the item", total, stored.Sealed, len(stored.Recent))
	}
	read := func() (int, int) {
		seen, formers := map[string]bool{}, 0
		last := "~"
		cursor := ""
		for {
			page, next, err := posts.List(ctx, network.Reader{AccountID: a}, g.ID, network.Page{Limit: 50, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range page {
				if seen[p.ID] || p.ID >= last {
					t.Fatalf("post %s repeated or out of order", p.ID)
				}
				seen[p.ID], last = true, p.ID
				if p.Author.Former {
					formers++
				}
			}
			if next == "" {
				return len(seen), formers
			}
			cursor = next
		}
	}
	if n, formers := read(); n != total || formers != 0 {
		t.Fatalf("paged %d posts (%d by former members), want %d", n, formers, total)
	}
	if _, err := store.Forget(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n, formers := read(); n != total || formers != (total+2)/3 {
		t.Fatalf("after forgetting: %d posts, %d by former members, want %d and %d", n, formers, total, (total+2)/3)
	}
	if hits := scanFor(t, "NetworkTable", b); len(hits) > 0 {
		t.Fatalf("items still name the forgotten author: %d, e.g. %s", len(hits), hits[0])
	}
}
