package network

import (
	"encoding/base64"
	"encoding/json"
	"slices"
	"strings"
)

// The post index. Each group keeps the ids of its posts, with their authors, in
// its own item (Group.Recent, the newest RingMax entries at most) and in sealed
// chunks of ChunkSize older ones (GROUP#<id> / CHUNK#<n>, n = 0, 1, …): when
// Recent is full, its oldest ChunkSize entries are sealed into chunk Sealed and
// Recent keeps the newest ChunkSize. Entries never move again, so a reader who
// knows a chunk's number finds the entries in it for good.
//
// A page of the feed (or of one group) reads, in one batched read, every group's
// item and, past the first page, the two chunks where the cursor left it: at least
// ChunkSize entries of each group below the cursor, more than a page holds. The
// newest entries of all groups are merged, and the page's posts and their
// authors' profiles read in one more batched read. So a page costs the membership
// query, one batched read of the groups, one of the posts — three round trips
// however many groups the reader is in (MaxGroupsPerMember keeps the keys of the
// first batch within the 100 of one BatchGetItem).

const (
	// ChunkSize is the number of entries in a sealed chunk.
	ChunkSize = 100
	// RingMax is the number of entries the group's item holds before the oldest
	// ChunkSize are sealed.
	RingMax = 2 * ChunkSize
	// MaxFeedPage bounds a page of the feed; with it every window holds enough.
	MaxFeedPage = 50
	// DefaultFeedPage is the page size when the client names none.
	DefaultFeedPage = 20
)

// Entry is one post in the index: its id and its author's account id ("" once
// the author is gone).
type Entry struct {
	PostID, AuthorID string
}

// formerAuthor marks an entry whose author left the network.
const formerAuthor = "-"

// EncodeEntry is how an entry is stored.
func EncodeEntry(e Entry) string {
	a := e.AuthorID
	if a == "" {
		a = formerAuthor
	}
	return e.PostID + " " + a
}

// DecodeEntry reads a stored entry.
func DecodeEntry(s string) Entry {
	id, author, _ := strings.Cut(s, " ")
	if author == formerAuthor {
		author = ""
	}
	return Entry{PostID: id, AuthorID: author}
}

// Window is what one read brought of a group's index: the group (with its newest
// entries) and the sealed chunks read, by number.
type Window struct {
	Group  Group
	Chunks map[int][]string
}

// FeedCursor is where a listing of posts continues: below post Before, reading
// each group's item and, for a group in At, the sealed chunks At[g] and At[g]-1
// (-1: nothing is left of the group); for a group in Ring, whose next entries
// were in its item when the page was made, the chunks Ring[g] and Ring[g]+1 into
// which a seal since may have moved them. A group in neither is read from its
// item alone.
type FeedCursor struct {
	Before string         `json:"b"`
	At     map[string]int `json:"a,omitempty"`
	Ring   map[string]int `json:"r,omitempty"`
}

// Encode is the cursor as the client carries it.
func (c FeedCursor) Encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// MaxCursor bounds an encoded feed cursor (30 groups with their positions).
const MaxCursor = 4096

// DecodeFeedCursor reads a cursor a client sent ("" is the first page).
func DecodeFeedCursor(s string) (FeedCursor, bool) {
	if s == "" {
		return FeedCursor{}, true
	}
	if len(s) > MaxCursor {
		return FeedCursor{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c FeedCursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.Before == "" {
		return FeedCursor{}, false
	}
	return c, true
}

// Reads are the chunks to read of each group for a page at cursor c.
func (c FeedCursor) Reads(groups []string) map[string][]int {
	out := make(map[string][]int, len(groups))
	for _, g := range groups {
		if r, ok := c.Ring[g]; ok {
			out[g] = []int{r, r + 1}
			continue
		}
		k, ok := c.At[g]
		switch {
		case !ok:
			out[g] = nil
		case k < 0:
			continue
		case k == 0:
			out[g] = []int{0}
		default:
			out[g] = []int{k, k - 1}
		}
	}
	return out
}

// sourced is an entry with the group and chunk it came from (-1: the group's item).
type sourced struct {
	Entry
	group string
	chunk int
}

// Merge takes the newest limit entries below the cursor from the windows and
// returns them with the cursor of the next page ("" at the end). Entries of a
// group that is not in windows (the reader left it) are never taken.
func Merge(windows map[string]Window, c FeedCursor, limit int) ([]Entry, string) {
	var all []sourced
	seen := map[string]bool{}
	add := func(group string, chunk int, list []string) {
		for _, s := range list {
			e := DecodeEntry(s)
			if e.PostID == "" || seen[e.PostID] || (c.Before != "" && e.PostID >= c.Before) {
				continue
			}
			seen[e.PostID] = true
			all = append(all, sourced{Entry: e, group: group, chunk: chunk})
		}
	}
	for id, w := range windows {
		add(id, w.Group.Sealed, w.Group.Recent)
		for n, list := range w.Chunks {
			add(id, n, list)
		}
	}
	slices.SortFunc(all, func(a, b sourced) int { return strings.Compare(b.PostID, a.PostID) })
	page := all[:min(limit, len(all))]
	out := make([]Entry, len(page))
	for i, s := range page {
		out[i] = s.Entry
	}
	if len(page) == 0 || len(page) == len(all) && allRead(windows) {
		return out, ""
	}
	next := FeedCursor{Before: page[len(page)-1].PostID, At: map[string]int{}, Ring: map[string]int{}}
	left := all[len(page):]
	for id, w := range windows {
		// The newest entry left of this group tells where it continues.
		i := slices.IndexFunc(left, func(s sourced) bool { return s.group == id })
		switch {
		case i >= 0 && left[i].chunk == w.Group.Sealed && inChunk(left, id, w.Group.Sealed) >= MaxFeedPage:
			// Enough left in the group's item: read it and what a seal may move.
			next.Ring[id] = w.Group.Sealed
		case i >= 0:
			next.At[id] = left[i].chunk
		case lowestRead(w) > 0:
			// Nothing left in what was read, but older chunks exist.
			next.At[id] = lowestRead(w) - 1
		default:
			next.At[id] = -1
		}
	}
	return out, next.Encode()
}

// inChunk counts the entries left of a group in one chunk (or its item).
func inChunk(left []sourced, group string, chunk int) int {
	n := 0
	for _, s := range left {
		if s.group == group && s.chunk == chunk {
			n++
		}
	}
	return n
}

// lowestRead is the number of the oldest chunk read of a group's window: the
// group's item counts as chunk Sealed.
func lowestRead(w Window) int {
	low := w.Group.Sealed
	for n := range w.Chunks {
		low = min(low, n)
	}
	return low
}

// allRead says whether every group's index was read to its first chunk, so that
// nothing is left beyond what was merged.
func allRead(windows map[string]Window) bool {
	for _, w := range windows {
		if lowestRead(w) > 0 {
			return false
		}
	}
	return true
}
