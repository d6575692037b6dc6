package networkdb

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// The keys of groups in the network table:
//
//	GROUP#<group> / GROUP            the group, with its newest post entries
//	GROUP#<group> / CHUNK#<n>        a sealed chunk of older post entries
//	GROUP#<group> / MEMBER#<account> a membership …
//	ACCOUNT#<account> / GROUP#<group> … and its mirror, for the member's groups
//	GROUP#<group> / REQUEST#<account> a join request …
//	ACCOUNT#<account> / REQUEST#<group> … and its mirror
//	DIRECTORY / GROUP#<group>        the group in the list of all groups
//	PURGE / GROUP#<group>            a deleted group whose content is being purged
//
// Both sides of a membership or request are written in one transaction.

var _ network.GroupStore = (*Store)(nil)

func groupPK(id string) string       { return "GROUP#" + id }
func accountPK(id string) string     { return "ACCOUNT#" + id }
func groupKey(id string) dynamo.Item { return dynamo.Key(groupPK(id), "GROUP") }
func chunkKey(id string, n int) dynamo.Item {
	return dynamo.Key(groupPK(id), fmt.Sprintf("CHUNK#%08d", n))
}
func directoryKey(id string) dynamo.Item { return dynamo.Key("DIRECTORY", "GROUP#"+id) }
func committeeKey(id string) dynamo.Item { return dynamo.Key("COMMITTEES", "GROUP#"+id) }

// listKey is where a group is listed: groups in the directory every member pages
// through, committees apart, so that no page or cursor of the directory names a
// committee the reader is not in.
func listKey(g network.Group) dynamo.Item {
	if g.Kind == network.KindCommittee {
		return committeeKey(g.ID)
	}
	return directoryKey(g.ID)
}
func purgeKey(id string) dynamo.Item       { return dynamo.Key("PURGE", "GROUP#"+id) }
func memberKey(g, a string) dynamo.Item    { return dynamo.Key(groupPK(g), "MEMBER#"+a) }
func myGroupKey(a, g string) dynamo.Item   { return dynamo.Key(accountPK(a), "GROUP#"+g) }
func requestKey(g, a string) dynamo.Item   { return dynamo.Key(groupPK(g), "REQUEST#"+a) }
func myRequestKey(a, g string) dynamo.Item { return dynamo.Key(accountPK(a), "REQUEST#"+g) }

// storedGroup is a group item: deleted marks a group being purged.
type storedGroup struct {
	network.Group
	Deleted bool `dynamodbav:"deleted,omitempty"`
}

// directoryEntry is a group in the directory (its post index stays in the group).
type directoryEntry struct {
	ID          string    `dynamodbav:"id"`
	Kind        string    `dynamodbav:"kind"`
	Access      string    `dynamodbav:"access,omitempty"`
	Name        string    `dynamodbav:"name"`
	Description string    `dynamodbav:"description,omitempty"`
	CreatedAt   time.Time `dynamodbav:"createdAt"`
}

func entryOf(g network.Group) directoryEntry {
	return directoryEntry{ID: g.ID, Kind: g.Kind, Access: g.Access, Name: g.Name, Description: g.Description, CreatedAt: g.CreatedAt}
}

// CreateGroup implements network.GroupStore.
func (s *Store) CreateGroup(ctx context.Context, g network.Group, moderators []network.Membership) error {
	ws := []dynamo.Write{{Key: groupKey(g.ID), V: g}, {Key: listKey(g), V: entryOf(g), Cond: dynamo.NotExists}}
	for _, m := range moderators {
		ws = append(ws, dynamo.Write{Key: memberKey(g.ID, m.AccountID), V: m}, dynamo.Write{Key: myGroupKey(m.AccountID, g.ID), V: m})
	}
	return s.table().Create(ctx, ws...)
}

// group reads a group item, deleted or not.
func (s *Store) group(ctx context.Context, id string) (storedGroup, error) {
	var g storedGroup
	err := s.table().Get(ctx, groupKey(id), &g, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return storedGroup{}, network.ErrNotFound
	}
	return g, err
}

// Group implements network.GroupStore: a deleted group is not found.
func (s *Store) Group(ctx context.Context, id string) (network.Group, error) {
	g, err := s.group(ctx, id)
	if err == nil && g.Deleted {
		return network.Group{}, network.ErrNotFound
	}
	return g.Group, err
}

// liveGroup is the condition of a change to a group that still exists.
var liveGroup = dynamo.Cond{Expr: "attribute_exists(pk) AND attribute_not_exists(deleted)"}

// UpdateGroup implements network.GroupStore.
func (s *Store) UpdateGroup(ctx context.Context, g network.Group, prev int) error {
	names := map[string]string{"#n": "name", "#d": "description", "#a": "access", "#v": "version"}
	vals := dynamo.Item{":n": dynamo.S(g.Name), ":d": dynamo.S(g.Description), ":a": dynamo.S(g.Access), ":v": dynamo.N(int64(g.Version)), ":p": dynamo.N(int64(prev))}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: groupKey(g.ID), Update: "SET #n = :n, #d = :d, #a = :a, #v = :v",
			Cond: dynamo.Cond{Expr: liveGroup.Expr + " AND #v = :p", Names: names, Values: vals}},
		dynamo.Write{Key: listKey(g), V: entryOf(g), Cond: dynamo.Exists})
	if errors.Is(err, dynamo.ErrConflict) {
		if _, gerr := s.Group(ctx, g.ID); errors.Is(gerr, network.ErrNotFound) {
			return network.ErrNotFound
		}
		return network.ErrConflict
	}
	return err
}

// DeleteGroup implements network.GroupStore: the group is marked deleted and
// leaves the directory at once; then everything in it is purged, and a purge cut
// short is finished by PurgeGroups (the module's daily sweep).
func (s *Store) DeleteGroup(ctx context.Context, id string) error {
	if err := s.table().Put(ctx, purgeKey(id), map[string]string{"groupId": id}, time.Time{}, dynamo.Cond{}); err != nil {
		return err
	}
	err := s.table().Transact(ctx,
		dynamo.Write{Key: groupKey(id), Update: "SET deleted = :t", Cond: dynamo.Cond{Expr: "attribute_exists(pk)", Values: dynamo.Item{":t": &types.AttributeValueMemberBOOL{Value: true}}}},
		dynamo.Write{Key: directoryKey(id), Delete: true},
		dynamo.Write{Key: committeeKey(id), Delete: true})
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrNotFound
	}
	if err != nil {
		return err
	}
	// The group is gone for everyone now; its content is deleted within a budget,
	// and what is left when it runs out is the daily sweep's (PurgeGroups).
	pctx, cancel := context.WithTimeout(ctx, purgeBudget)
	defer cancel()
	if err := s.purge(pctx, id); err != nil && pctx.Err() == nil {
		return err
	}
	return nil
}

// purgeBudget bounds the time a group's deletion spends deleting its content
// before it answers.
const purgeBudget = 5 * time.Second

// purge deletes a deleted group's posts (with their comments), memberships,
// requests, chunks and finally the group and its purge marker. Run again, it
// continues where it stopped.
func (s *Store) purge(ctx context.Context, id string) error {
	g, err := s.group(ctx, id)
	if errors.Is(err, network.ErrNotFound) {
		return s.table().Delete(ctx, purgeKey(id))
	}
	if err != nil {
		return err
	}
	entries := g.Recent
	err = s.table().Query(ctx, groupPK(id), "CHUNK#", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		var c chunk
		if err := dynamo.Unmarshal(it, &c); err != nil {
			return err
		}
		entries = append(entries, c.IDs...)
		return nil
	})
	if err != nil {
		return err
	}
	for _, e := range entries {
		p, err := s.Post(ctx, network.DecodeEntry(e).PostID)
		if errors.Is(err, network.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.DeletePost(ctx, p); err != nil {
			return err
		}
	}
	var keys []dynamo.Item
	err = s.table().Query(ctx, groupPK(id), "", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		sk := dynamo.String(it, dynamo.SK)
		if a, ok := strings.CutPrefix(sk, "MEMBER#"); ok {
			keys = append(keys, myGroupKey(a, id))
		}
		if a, ok := strings.CutPrefix(sk, "REQUEST#"); ok {
			keys = append(keys, myRequestKey(a, id))
		}
		if a, ok := strings.CutPrefix(sk, "SUBSCRIBER#"); ok {
			keys = append(keys, mySubscriptionKey(a, id))
		}
		if sk != "GROUP" {
			keys = append(keys, dynamo.Key(groupPK(id), sk))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return err
	}
	if err := s.table().Delete(ctx, groupKey(id)); err != nil {
		return err
	}
	return s.table().Delete(ctx, purgeKey(id))
}

// PurgeGroups implements network.GroupStore.
func (s *Store) PurgeGroups(ctx context.Context) (int, error) {
	var ids []string
	err := s.table().Query(ctx, "PURGE", "GROUP#", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		ids = append(ids, strings.TrimPrefix(dynamo.String(it, dynamo.SK), "GROUP#"))
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		if err := s.purge(ctx, id); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}

// page reads one page of a listing into out (a pointer to a slice).
func (s *Store) page(ctx context.Context, pk, prefix string, pg network.Page, out any) (string, error) {
	var items []dynamo.Item
	next, err := s.table().QueryPage(ctx, pk, prefix, dynamo.Page{Limit: pg.Limit, Cursor: pg.Cursor}, false, dynamo.IgnoreTTL, func(it dynamo.Item) error {
		items = append(items, it)
		return nil
	})
	if errors.Is(err, dynamo.ErrBadCursor) {
		return "", network.ErrBadCursor
	}
	if err != nil {
		return "", err
	}
	return next, dynamo.UnmarshalAll(items, out)
}

// Directory implements network.GroupStore.
func (s *Store) Directory(ctx context.Context, pg network.Page) ([]network.Group, string, error) {
	var es []directoryEntry
	next, err := s.page(ctx, "DIRECTORY", "GROUP#", pg, &es)
	if err != nil {
		return nil, "", err
	}
	gs := make([]network.Group, len(es))
	for i, e := range es {
		gs[i] = network.Group{ID: e.ID, Kind: e.Kind, Access: e.Access, Name: e.Name, Description: e.Description, CreatedAt: e.CreatedAt}
	}
	return gs, next, nil
}

// Committees implements network.GroupStore.
func (s *Store) Committees(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.table().Query(ctx, "COMMITTEES", "GROUP#", dynamo.IgnoreTTL, func(it dynamo.Item) error {
		ids = append(ids, strings.TrimPrefix(dynamo.String(it, dynamo.SK), "GROUP#"))
		return nil
	})
	return ids, err
}

// Groups implements network.GroupStore.
func (s *Store) Groups(ctx context.Context, ids []string) (map[string]network.Group, error) {
	reads := make(map[string][]int, len(ids))
	for _, id := range ids {
		reads[id] = nil
	}
	ws, err := s.Windows(ctx, reads)
	if err != nil {
		return nil, err
	}
	out := make(map[string]network.Group, len(ws))
	for id, w := range ws {
		out[id] = w.Group
	}
	return out, nil
}

// Membership implements network.GroupStore.
func (s *Store) Membership(ctx context.Context, groupID, accountID string) (network.Membership, error) {
	var m network.Membership
	err := s.table().Get(ctx, memberKey(groupID, accountID), &m, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.Membership{}, network.ErrNotFound
	}
	return m, err
}

// MyGroups implements network.GroupStore.
func (s *Store) MyGroups(ctx context.Context, accountID string) ([]network.Membership, error) {
	var ms []network.Membership
	return ms, s.table().QueryAll(ctx, accountPK(accountID), "GROUP#", dynamo.IgnoreTTL, &ms)
}

// Members implements network.GroupStore.
func (s *Store) Members(ctx context.Context, groupID string, pg network.Page) ([]network.Membership, string, error) {
	var ms []network.Membership
	next, err := s.page(ctx, groupPK(groupID), "MEMBER#", pg, &ms)
	return ms, next, err
}

// countMembers is the change of a group's member count.
func countMembers(groupID string, by int64) dynamo.Write {
	return dynamo.Write{Key: groupKey(groupID), Update: "ADD members :d", Cond: dynamo.Cond{Expr: liveGroup.Expr, Values: dynamo.Item{":d": dynamo.N(by)}}}
}

// AddMember implements network.GroupStore.
func (s *Store) AddMember(ctx context.Context, m network.Membership) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: memberKey(m.GroupID, m.AccountID), V: m, Cond: dynamo.NotExists},
		dynamo.Write{Key: myGroupKey(m.AccountID, m.GroupID), V: m},
		dynamo.Write{Key: requestKey(m.GroupID, m.AccountID), Delete: true},
		dynamo.Write{Key: myRequestKey(m.AccountID, m.GroupID), Delete: true},
		countMembers(m.GroupID, 1))
	if errors.Is(err, dynamo.ErrConflict) {
		if _, gerr := s.Group(ctx, m.GroupID); errors.Is(gerr, network.ErrNotFound) {
			return network.ErrNotFound
		}
		return network.ErrExists
	}
	return err
}

// SetRole implements network.GroupStore.
func (s *Store) SetRole(ctx context.Context, m network.Membership) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: memberKey(m.GroupID, m.AccountID), V: m, Cond: dynamo.Exists},
		dynamo.Write{Key: myGroupKey(m.AccountID, m.GroupID), V: m})
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrNotFound
	}
	return err
}

// RemoveMember implements network.GroupStore.
func (s *Store) RemoveMember(ctx context.Context, groupID, accountID string) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: memberKey(groupID, accountID), Delete: true, Cond: dynamo.Exists},
		dynamo.Write{Key: myGroupKey(accountID, groupID), Delete: true},
		countMembers(groupID, -1))
	if errors.Is(err, dynamo.ErrConflict) {
		// The group may be gone (being purged): the membership goes all the same.
		if err := s.batchDelete(ctx, []dynamo.Item{memberKey(groupID, accountID), myGroupKey(accountID, groupID)}); err != nil {
			return err
		}
		return network.ErrNotFound
	}
	return err
}

// Request implements network.GroupStore.
func (s *Store) Request(ctx context.Context, groupID, accountID string) (network.JoinRequest, error) {
	var q network.JoinRequest
	err := s.table().Get(ctx, requestKey(groupID, accountID), &q, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return network.JoinRequest{}, network.ErrNotFound
	}
	return q, err
}

// AddRequest implements network.GroupStore.
func (s *Store) AddRequest(ctx context.Context, q network.JoinRequest) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: requestKey(q.GroupID, q.AccountID), V: q, Cond: dynamo.NotExists},
		dynamo.Write{Key: myRequestKey(q.AccountID, q.GroupID), V: q})
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrExists
	}
	return err
}

// RemoveRequest implements network.GroupStore.
func (s *Store) RemoveRequest(ctx context.Context, groupID, accountID string) error {
	err := s.table().Transact(ctx,
		dynamo.Write{Key: requestKey(groupID, accountID), Delete: true, Cond: dynamo.Exists},
		dynamo.Write{Key: myRequestKey(accountID, groupID), Delete: true})
	if errors.Is(err, dynamo.ErrConflict) {
		return network.ErrNotFound
	}
	return err
}

// Requests implements network.GroupStore.
func (s *Store) Requests(ctx context.Context, groupID string, pg network.Page) ([]network.JoinRequest, string, error) {
	var qs []network.JoinRequest
	next, err := s.page(ctx, groupPK(groupID), "REQUEST#", pg, &qs)
	return qs, next, err
}

// MyRequests implements network.GroupStore.
func (s *Store) MyRequests(ctx context.Context, accountID string) ([]network.JoinRequest, error) {
	var qs []network.JoinRequest
	return qs, s.table().QueryAll(ctx, accountPK(accountID), "REQUEST#", dynamo.IgnoreTTL, &qs)
}

// Profiles implements network.GroupStore.
func (s *Store) Profiles(ctx context.Context, accountIDs []string) (map[string]network.Profile, error) {
	_, profiles, err := s.Read(ctx, nil, accountIDs)
	return profiles, err
}
