package network

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// index is a group's post index as the store keeps it: appends to Recent, and the
// oldest ChunkSize entries sealed into a chunk when Recent is full.
type index struct {
	group  Group
	chunks map[int][]string
}

func (x *index) add(postID, author string) {
	if len(x.group.Recent) >= RingMax {
		x.chunks[x.group.Sealed] = slices.Clone(x.group.Recent[:ChunkSize])
		x.group.Recent = slices.Clone(x.group.Recent[ChunkSize:])
		x.group.Sealed++
	}
	x.group.Recent = append(x.group.Recent, EncodeEntry(Entry{PostID: postID, AuthorID: author}))
}

// window reads what a page reads of the index.
func (x *index) window(chunks []int) Window {
	w := Window{Group: x.group, Chunks: map[int][]string{}}
	w.Group.Recent = slices.Clone(x.group.Recent)
	for _, n := range chunks {
		if c, ok := x.chunks[n]; ok {
			w.Chunks[n] = c
		}
	}
	return w
}

// feedOf pages through the indexes as the service does and returns every post id
// in the order the pages gave them.
func feedOf(t *testing.T, groups map[string]*index, limit int, between func(page int)) []string {
	t.Helper()
	var out []string
	cursor := ""
	for page := 0; page < 10000; page++ {
		c, ok := DecodeFeedCursor(cursor)
		if !ok {
			t.Fatalf("cursor %q does not decode", cursor)
		}
		ids := make([]string, 0, len(groups))
		for id := range groups {
			ids = append(ids, id)
		}
		windows := map[string]Window{}
		for id, chunks := range c.Reads(ids) {
			if 1+len(chunks) > 3 {
				t.Fatalf("a page reads %d items of one group", 1+len(chunks))
			}
			windows[id] = groups[id].window(chunks)
		}
		entries, next := Merge(windows, c, limit)
		if len(entries) > limit {
			t.Fatalf("page of %d entries, limit %d", len(entries), limit)
		}
		for _, e := range entries {
			out = append(out, e.PostID)
		}
		if next == "" {
			return out
		}
		if len(next) > MaxCursor {
			t.Fatalf("cursor of %d bytes", len(next))
		}
		cursor = next
		if between != nil {
			between(page)
		}
	}
	t.Fatal("the feed never ends")
	return nil
}

// postID is an id that sorts by n, as UUIDv7 sort by time.
func postID(n int) string { return fmt.Sprintf("0190c8e2-%04x-7abc-8def-%012x", n>>16, n) }

func TestFeedPagesEveryPostOnceNewestFirstAcrossSealedChunks(t *testing.T) {
	for _, tc := range []struct {
		name          string
		groups, posts int
		limit         int
	}{
		{"one small group", 1, 7, 20},
		{"one group past several seals", 1, 1234, 50},
		{"twenty groups, ten thousand posts", 20, 10000, 20},
		{"uneven groups, page of one", 3, 450, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups := map[string]*index{}
			var want []string
			for n := range tc.posts {
				// Uneven: the first group gets most posts.
				g := fmt.Sprintf("g%02d", (n*n)%tc.groups)
				if groups[g] == nil {
					groups[g] = &index{group: Group{ID: g}, chunks: map[int][]string{}}
				}
				groups[g].add(postID(n+1), "author")
				want = append(want, postID(n+1))
			}
			slices.Reverse(want)
			got := feedOf(t, groups, tc.limit, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("got %d posts, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
			}
		})
	}
}

// Posts added while someone pages (sealing the entries the cursor points into)
// neither repeat nor skip an older post.
func TestFeedCursorSurvivesSealsBetweenPages(t *testing.T) {
	x := &index{group: Group{ID: "g"}, chunks: map[int][]string{}}
	n := 0
	for ; n < 330; n++ {
		x.add(postID(n+1), "a")
	}
	var want []string
	for i := 330; i >= 1; i-- {
		want = append(want, postID(i))
	}
	got := feedOf(t, map[string]*index{"g": x}, 50, func(int) {
		for range 150 {
			n++
			x.add(postID(n+1000), "a")
		}
	})
	if !slices.Equal(got, want) {
		t.Fatalf("got %d posts, want %d; first difference at %d", len(got), len(want), firstDiff(got, want))
	}
}

// A group left between pages is no longer read, and a forged cursor cannot open
// a group the reader is not in: only the groups passed are read.
func TestFeedReadsOnlyTheReadersGroups(t *testing.T) {
	c := FeedCursor{Before: postID(5), At: map[string]int{"theirs": 3, "mine": 2}}
	reads := c.Reads([]string{"mine"})
	if _, ok := reads["theirs"]; ok || !slices.Equal(reads["mine"], []int{2, 1}) {
		t.Fatalf("reads %v", reads)
	}
	for _, bad := range []string{"x", strings.Repeat("A", MaxCursor+1), "e30"} {
		if _, ok := DecodeFeedCursor(bad); ok {
			t.Fatalf("cursor %q accepted", bad)
		}
	}
}

func TestEntriesKeepOrLoseTheirAuthor(t *testing.T) {
	e := Entry{PostID: postID(1), AuthorID: "acc"}
	if DecodeEntry(EncodeEntry(e)) != e {
		t.Fatal("entry does not survive")
	}
	former := EncodeEntry(Entry{PostID: postID(1)})
	if strings.Contains(former, "acc") || DecodeEntry(former).AuthorID != "" {
		t.Fatalf("former member's entry %q", former)
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
