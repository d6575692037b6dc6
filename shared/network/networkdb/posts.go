package networkdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// The keys of posts in the network table:
//
//	POST#<post> / POST                the post
//	POST#<post> / COMMENT#<comment>   its comments, oldest first
//	COMMENT#<comment> / REF           where a comment is (its post)
//	ACCOUNT#<account> / AUTHORED#<id> what the account wrote (export, HKC-14)
//	MODLOG#<moderator> / <time>#<id>  a removal by a moderator (ids only; TTL)
//
// A post's entry in its group's index is in the group's item (groups.go).

var _ network.PostStore = (*Store)(nil)

func postPK(id string) string                  { return "POST#" + id }
func postKey(id string) dynamo.Item            { return dynamo.Key(postPK(id), "POST") }
func commentKey(p, c string) dynamo.Item       { return dynamo.Key(postPK(p), "COMMENT#"+c) }
func commentRefKey(c string) dynamo.Item       { return dynamo.Key("COMMENT#"+c, "REF") }
func authoredKey(a, id string) dynamo.Item     { return dynamo.Key(accountPK(a), "AUTHORED#"+id) }
func profileKeyOf(a string) dynamo.Item        { return profileKey(a) }
func modlogKey(mod, at, id string) dynamo.Item { return dynamo.Key("MODLOG#"+mod, at+"#"+id) }

// Authored is one thing an account wrote.
type Authored struct {
	Kind    string `dynamodbav:"kind"` // post or comment
	ID      string `dynamodbav:"id"`
	PostID  string `dynamodbav:"postId"`
	GroupID string `dynamodbav:"groupId"`
}

// chunk is a sealed chunk of a group's post index.
type chunk struct {
	IDs []string `dynamodbav:"ids"`
}

// commentRef tells where a comment is.
type commentRef struct {
	PostID string `dynamodbav:"postId"`
}

// maxAppendTries bounds the seals one post's append may meet (each seal makes
// room for ChunkSize more entries, so more than a few means something is wrong).
const maxAppendTries = 6

// CreatePost implements network.PostStore: the post, its entry in the group's
// index and the author's record are written together, while the group exists and
// the author is its member. When the index is full its oldest entries are sealed
// into a chunk first.
func (s *Store) CreatePost(ctx context.Context, p network.Post) error {
	entry := network.EncodeEntry(network.Entry{PostID: p.ID, AuthorID: p.AuthorID})
	for range maxAppendTries {
		err := s.table().Transact(ctx,
			dynamo.Write{Key: postKey(p.ID), V: p, Cond: dynamo.NotExists},
			dynamo.Write{Key: groupKey(p.GroupID), Update: "SET recent = list_append(if_not_exists(recent, :empty), :e)",
				Cond: dynamo.Cond{Expr: liveGroup.Expr + " AND (attribute_not_exists(recent) OR size(recent) < :max)",
					Values: dynamo.Item{":empty": emptyList(), ":e": list(entry), ":max": dynamo.N(network.RingMax)}}},
			stillMember(p.GroupID, p.AuthorID),
			dynamo.Write{Key: authoredKey(p.AuthorID, p.ID), V: Authored{Kind: "post", ID: p.ID, PostID: p.ID, GroupID: p.GroupID}})
		if !errors.Is(err, dynamo.ErrConflict) {
			return err
		}
		// Which condition failed: the post is there (an earlier try succeeded and
		// its answer was lost), the group or membership is gone, or the index is full.
		if _, err := s.Post(ctx, p.ID); err == nil {
			return nil
		}
		if _, err := s.Membership(ctx, p.GroupID, p.AuthorID); err != nil {
			return err
		}
		g, err := s.Group(ctx, p.GroupID)
		if err != nil {
			return err
		}
		if len(g.Recent) >= network.RingMax {
			if err := s.seal(ctx, g); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("post in %s: the index stayed full", s.Table)
}

// stillMember holds a transaction to the author still being a member of the
// group, changing nothing.
func stillMember(groupID, accountID string) dynamo.Write {
	return dynamo.Write{Key: memberKey(groupID, accountID), Check: true, Cond: dynamo.Exists}
}

// seal moves the oldest ChunkSize entries of a full index into chunk Sealed. Two
// writers sealing at once: one wins, the other's condition fails, and both go on.
func (s *Store) seal(ctx context.Context, g network.Group) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: chunkKey(g.ID, g.Sealed), V: chunk{IDs: g.Recent[:network.ChunkSize]}, Cond: dynamo.NotExists},
		dynamo.Write{Key: groupKey(g.ID), Update: "SET recent = :rest, sealed = :next",
			Cond: dynamo.Cond{Expr: "sealed = :s AND size(recent) = :n",
				Values: dynamo.Item{":rest": list(g.Recent[network.ChunkSize:]...), ":next": dynamo.N(int64(g.Sealed + 1)),
					":s": dynamo.N(int64(g.Sealed)), ":n": dynamo.N(int64(len(g.Recent)))}}})
	if errors.Is(err, dynamo.ErrConflict) {
		return nil
	}
	return err
}

// Post implements network.PostStore.
func (s *Store) Post(ctx context.Context, id string) (network.Post, error) {
	var p network.Post
	err := s.table().Get(ctx, postKey(id), &p, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Post{}, network.ErrNotFound
	}
	return p, err
}

// versioned is the condition of a change at version prev.
func versioned(prev int) dynamo.Cond {
	return dynamo.Cond{Expr: "#v = :prev", Names: map[string]string{"#v": "version"}, Values: dynamo.Item{":prev": dynamo.N(int64(prev))}}
}

// UpdatePost implements network.PostStore: only the text, links, time of the
// change and version are written, so attachments added or checked meanwhile stay.
func (s *Store) UpdatePost(ctx context.Context, p network.Post, prev int) error {
	links, err := attributevalue.Marshal(p.Links)
	if err != nil {
		return err
	}
	edited, err := attributevalue.Marshal(p.EditedAt)
	if err != nil {
		return err
	}
	expr := "SET #t = :t, #l = :l, #e = :e, #v = :v"
	if len(p.Links) == 0 {
		expr = "SET #t = :t, #e = :e, #v = :v REMOVE #l"
	}
	vals := dynamo.Item{":t": dynamo.S(p.Text), ":e": edited, ":v": dynamo.N(int64(p.Version)), ":prev": dynamo.N(int64(prev))}
	if len(p.Links) > 0 {
		vals[":l"] = links
	}
	err = s.update(ctx, postKey(p.ID), expr, dynamo.Cond{Expr: "attribute_exists(pk) AND #v = :prev",
		Names: map[string]string{"#t": "text", "#l": "links", "#e": "editedAt", "#v": "version"}, Values: vals})
	if errors.Is(err, dynamo.ErrConflict) {
		if _, gerr := s.Post(ctx, p.ID); errors.Is(gerr, network.ErrNotFound) {
			return network.ErrNotFound
		}
		return network.ErrConflict
	}
	return err
}

// DeletePost implements network.PostStore: the objects of its attachments first
// (so a deletion cut short leaves no file without its post), then the post, its
// comments with their references, and its author's and commenters' records.
func (s *Store) DeletePost(ctx context.Context, p network.Post) error {
	if err := s.deleteFiles(ctx, p); err != nil {
		return err
	}
	var keys []dynamo.Item
	err := s.table().Query(ctx, postPK(p.ID), "COMMENT#", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var c network.Comment
		if err := dynamo.Unmarshal(it, &c); err != nil {
			return err
		}
		keys = append(keys, commentKey(p.ID, c.ID), commentRefKey(c.ID))
		if c.AuthorID != "" {
			keys = append(keys, authoredKey(c.AuthorID, c.ID))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if p.AuthorID != "" {
		keys = append(keys, authoredKey(p.AuthorID, p.ID))
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return err
	}
	return s.table().Delete(ctx, postKey(p.ID))
}

// Windows implements network.PostStore.
func (s *Store) Windows(ctx context.Context, reads map[string][]int) (map[string]network.Window, error) {
	var keys []dynamo.Item
	for g, chunks := range reads {
		keys = append(keys, groupKey(g))
		for _, n := range chunks {
			keys = append(keys, chunkKey(g, n))
		}
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]network.Window, len(reads))
	chunks := map[string]map[int][]string{}
	for _, it := range items {
		g := strings.TrimPrefix(dynamo.String(it, dynamo.PK), "GROUP#")
		sk := dynamo.String(it, dynamo.SK)
		if sk == "GROUP" {
			var sg storedGroup
			if err := dynamo.Unmarshal(it, &sg); err != nil {
				return nil, err
			}
			if !sg.Deleted {
				out[g] = network.Window{Group: sg.Group}
			}
			continue
		}
		var n int
		if _, err := fmt.Sscanf(sk, "CHUNK#%d", &n); err != nil {
			return nil, fmt.Errorf("chunk key %q: %w", sk, err)
		}
		var c chunk
		if err := dynamo.Unmarshal(it, &c); err != nil {
			return nil, err
		}
		if chunks[g] == nil {
			chunks[g] = map[int][]string{}
		}
		chunks[g][n] = c.IDs
	}
	for g, w := range out {
		w.Chunks = chunks[g]
		out[g] = w
	}
	return out, nil
}

// Read implements network.PostStore.
func (s *Store) Read(ctx context.Context, postIDs, accountIDs []string) (map[string]network.Post, map[string]network.Profile, error) {
	keys := make([]dynamo.Item, 0, len(postIDs)+len(accountIDs))
	for _, id := range postIDs {
		keys = append(keys, postKey(id))
	}
	for _, id := range accountIDs {
		keys = append(keys, profileKeyOf(id))
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return nil, nil, err
	}
	posts, profiles := map[string]network.Post{}, map[string]network.Profile{}
	for _, it := range items {
		switch dynamo.String(it, dynamo.SK) {
		case "POST":
			var p network.Post
			if err := dynamo.Unmarshal(it, &p); err != nil {
				return nil, nil, err
			}
			posts[p.ID] = p
		case "PROFILE":
			var p network.Profile
			if err := dynamo.Unmarshal(it, &p); err != nil {
				return nil, nil, err
			}
			profiles[p.AccountID] = p
		}
	}
	return posts, profiles, nil
}

// CreateComment implements network.PostStore.
func (s *Store) CreateComment(ctx context.Context, c network.Comment) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: commentKey(c.PostID, c.ID), V: c, Cond: dynamo.NotExists},
		dynamo.Write{Key: commentRefKey(c.ID), V: commentRef{PostID: c.PostID}},
		dynamo.Write{Key: postKey(c.PostID), Update: "ADD comments :one", Cond: dynamo.Cond{Expr: "attribute_exists(pk)", Values: dynamo.Item{":one": dynamo.N(1)}}},
		stillMember(c.GroupID, c.AuthorID),
		dynamo.Write{Key: authoredKey(c.AuthorID, c.ID), V: Authored{Kind: "comment", ID: c.ID, PostID: c.PostID, GroupID: c.GroupID}})
	if errors.Is(err, dynamo.ErrConflict) {
		if _, err := s.Comment(ctx, c.ID); err == nil {
			return nil
		}
		return network.ErrNotFound
	}
	return err
}

// Comment implements network.PostStore.
func (s *Store) Comment(ctx context.Context, id string) (network.Comment, error) {
	var ref commentRef
	if err := s.table().Get(ctx, commentRefKey(id), &ref, dynamo.IgnoreTTL); errors.Is(err, dynamo.ErrNotFound) {
		return network.Comment{}, network.ErrNotFound
	} else if err != nil {
		return network.Comment{}, err
	}
	var c network.Comment
	err := s.table().Get(ctx, commentKey(ref.PostID, id), &c, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Comment{}, network.ErrNotFound
	}
	return c, err
}

// UpdateComment implements network.PostStore.
func (s *Store) UpdateComment(ctx context.Context, c network.Comment, prev int) error {
	err := s.table().Put(ctx, commentKey(c.PostID, c.ID), c, time.Time{}, versioned(prev))
	if errors.Is(err, dynamo.ErrConflict) {
		if _, gerr := s.Comment(ctx, c.ID); errors.Is(gerr, network.ErrNotFound) {
			return network.ErrNotFound
		}
		return network.ErrConflict
	}
	return err
}

// DeleteComment implements network.PostStore.
func (s *Store) DeleteComment(ctx context.Context, c network.Comment) error {
	ws := []dynamo.Write{
		{Key: commentKey(c.PostID, c.ID), Delete: true, Cond: dynamo.Exists},
		{Key: commentRefKey(c.ID), Delete: true},
		{Key: postKey(c.PostID), Update: "ADD comments :minus", Cond: dynamo.Cond{Expr: "attribute_exists(pk)", Values: dynamo.Item{":minus": dynamo.N(-1)}}},
	}
	if c.AuthorID != "" {
		ws = append(ws, dynamo.Write{Key: authoredKey(c.AuthorID, c.ID), Delete: true})
	}
	if err := s.table().Transact(ctx, ws...); errors.Is(err, dynamo.ErrConflict) {
		return nil // deleted meanwhile, with its post or by a second click
	} else if err != nil {
		return err
	}
	return nil
}

// Comments implements network.PostStore.
func (s *Store) Comments(ctx context.Context, postID string, pg network.Page) ([]network.Comment, string, error) {
	var cs []network.Comment
	next, err := s.page(ctx, postPK(postID), "COMMENT#", pg, &cs)
	return cs, next, err
}

// LogModeration implements network.PostStore.
func (s *Store) LogModeration(ctx context.Context, a network.ModAction) error {
	return s.table().Put(ctx, modlogKey(a.ModeratorID, a.At.UTC().Format(time.RFC3339Nano), a.ItemID), a, a.At.Add(network.ModerationRetention), dynamo.Cond{})
}

// authored lists what an account wrote.
func (s *Store) authored(ctx context.Context, accountID string) ([]Authored, error) {
	var as []Authored
	return as, s.table().QueryAll(ctx, accountPK(accountID), "AUTHORED#", dynamo.IgnoreTTL, &as)
}

var _ network.ContentStore = (*Store)(nil)

// Content implements network.ContentStore.
func (s *Store) Content(ctx context.Context, accountID string) (network.Content, error) {
	var c network.Content
	var err error
	if c.Memberships, err = s.MyGroups(ctx, accountID); err != nil {
		return network.Content{}, err
	}
	if c.Requests, err = s.MyRequests(ctx, accountID); err != nil {
		return network.Content{}, err
	}
	if err := s.table().QueryAll(ctx, "MODLOG#"+accountID, "", time.Now(), &c.Moderation); err != nil {
		return network.Content{}, err
	}
	as, err := s.authored(ctx, accountID)
	if err != nil {
		return network.Content{}, err
	}
	var posts []string
	for _, a := range as {
		if a.Kind == "post" {
			posts = append(posts, a.ID)
			continue
		}
		cm, err := s.Comment(ctx, a.ID)
		if errors.Is(err, network.ErrNotFound) {
			continue
		}
		if err != nil {
			return network.Content{}, err
		}
		c.Comments = append(c.Comments, cm)
	}
	ps, _, err := s.Read(ctx, posts, nil)
	if err != nil {
		return network.Content{}, err
	}
	for _, id := range posts {
		if p, ok := ps[id]; ok {
			c.Posts = append(c.Posts, p)
		}
	}
	return c, nil
}

// Forget removes an account from the groups when it leaves the network
// (HKC-14): its memberships and join requests are deleted, its moderation log
// too, and what it wrote stays without an author — the account id is taken from
// each post and comment and from the entries of the groups' post indexes, so that
// nothing links the posts to each other or to the person. Run again, it finishes
// what an interrupted run left. It returns how many items it changed or deleted.
func (s *Store) Forget(ctx context.Context, accountID string) (int, error) {
	n := 0
	ms, err := s.MyGroups(ctx, accountID)
	if err != nil {
		return 0, err
	}
	for _, m := range ms {
		if err := s.RemoveMember(ctx, m.GroupID, accountID); err != nil && !errors.Is(err, network.ErrNotFound) {
			return n, err
		}
		n++
	}
	qs, err := s.MyRequests(ctx, accountID)
	if err != nil {
		return n, err
	}
	for _, q := range qs {
		if err := s.RemoveRequest(ctx, q.GroupID, accountID); err != nil && !errors.Is(err, network.ErrNotFound) {
			return n, err
		}
		n++
	}
	logKeys, err := s.keysUnder(ctx, "MODLOG#"+accountID, "")
	if err != nil {
		return n, err
	}
	if err := s.batchDelete(ctx, logKeys); err != nil {
		return n, err
	}
	n += len(logKeys)
	as, err := s.authored(ctx, accountID)
	if err != nil {
		return n, err
	}
	groups := map[string]bool{}
	for _, a := range as {
		key := postKey(a.ID)
		if a.Kind == "comment" {
			key = commentKey(a.PostID, a.ID)
		} else {
			groups[a.GroupID] = true
		}
		err := s.update(ctx, key, "REMOVE authorId", dynamo.Cond{Expr: "attribute_exists(pk)"})
		if err != nil && !errors.Is(err, dynamo.ErrConflict) {
			return n, err
		}
		n++
	}
	for g := range groups {
		if err := s.unindexAuthor(ctx, g, accountID); err != nil {
			return n, err
		}
	}
	// The records of authorship go last: a run cut short finds them again.
	keys := make([]dynamo.Item, len(as))
	for i, a := range as {
		keys[i] = authoredKey(accountID, a.ID)
	}
	return n, s.batchDelete(ctx, keys)
}

// unindexAuthor replaces an author's id in a group's post index (its item and
// sealed chunks) with the mark of a former member, entry by entry, each on the
// condition that the entry is still what was read.
func (s *Store) unindexAuthor(ctx context.Context, groupID, accountID string) error {
	for range maxAppendTries {
		g, err := s.group(ctx, groupID)
		if errors.Is(err, network.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		err = s.rewrite(ctx, groupKey(groupID), "recent", g.Recent, accountID)
		if errors.Is(err, dynamo.ErrConflict) {
			continue // sealed or appended meanwhile: read again
		}
		if err != nil {
			return err
		}
		break
	}
	return s.table().Query(ctx, groupPK(groupID), "CHUNK#", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var c chunk
		if err := dynamo.Unmarshal(it, &c); err != nil {
			return err
		}
		return s.rewrite(ctx, dynamo.Item{dynamo.PK: it[dynamo.PK], dynamo.SK: it[dynamo.SK]}, "ids", c.IDs, accountID)
	})
}

// rewrite sets the entries of list attr under key that name accountID to former
// member entries, at most rewriteBatch in one update (an expression's size is
// bounded).
func (s *Store) rewrite(ctx context.Context, key dynamo.Item, attr string, entries []string, accountID string) error {
	var sets, conds []string
	vals := dynamo.Item{}
	flush := func() error {
		if len(sets) == 0 {
			return nil
		}
		err := s.update(ctx, key, "SET "+strings.Join(sets, ", "), dynamo.Cond{Expr: strings.Join(conds, " AND "), Names: map[string]string{"#l": attr}, Values: vals})
		sets, conds, vals = nil, nil, dynamo.Item{}
		return err
	}
	for i, e := range entries {
		en := network.DecodeEntry(e)
		if en.AuthorID != accountID {
			continue
		}
		o, v := fmt.Sprintf(":o%d", i), fmt.Sprintf(":n%d", i)
		sets = append(sets, fmt.Sprintf("#l[%d] = %s", i, v))
		conds = append(conds, fmt.Sprintf("#l[%d] = %s", i, o))
		vals[o], vals[v] = dynamo.S(e), dynamo.S(network.EncodeEntry(network.Entry{PostID: en.PostID}))
		if len(sets) == rewriteBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// rewriteBatch bounds the entries one update rewrites.
const rewriteBatch = 40
