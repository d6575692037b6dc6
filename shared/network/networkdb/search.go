package networkdb

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// The search index in the network table (HKC-9):
//
//	SEARCH#<type>#<first 2 letters of term> / <term>#<doc id>   an entry: kind and ids, no text
//	SEARCHDOC#<kind>#<doc id> / DOC                             the terms a document is entered under
//
// A prefix is one Query (begins_with on the sort key) in one partition; a whole
// term is the prefix "<term>#". The document's item records its terms, so that a
// change or a removal deletes exactly its entries. The index is written only by
// the indexer (SearchIndexFunction) from the table's stream, and by the erasure.

var _ network.SearchStore = (*Store)(nil)

func searchPK(typ, term string) string {
	r := []rune(term)
	return "SEARCH#" + typ + "#" + string(r[:min(len(r), network.MinTermRunes)])
}

func entryKey(typ, term, id string) dynamo.Item {
	return dynamo.Key(searchPK(typ, term), term+"#"+id)
}

func searchDocKey(kind, id string) dynamo.Item { return dynamo.Key("SEARCHDOC#"+kind+"#"+id, "DOC") }

// searchDoc is a document's item: the terms it is entered under.
type searchDoc struct {
	Terms []string `dynamodbav:"terms"`
}

// Lookup implements network.SearchStore: whole terms newest document first
// (document ids are time-ordered), prefixes in the order of their terms.
func (s *Store) Lookup(ctx context.Context, typ, term string, prefix bool, limit int) ([]network.Hit, error) {
	begins := term
	if !prefix {
		begins += "#"
	}
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression:    aws.String("pk = :pk AND begins_with(sk, :p)"),
		ExpressionAttributeValues: dynamo.Item{":pk": dynamo.S(searchPK(typ, term)), ":p": dynamo.S(begins)},
		ProjectionExpression:      aws.String("kind, id, postId, groupId"),
		ScanIndexForward:          aws.Bool(prefix), Limit: aws.Int32(int32(limit))} // #nosec G115 -- limit is network.MaxCandidates
	var hits []network.Hit
	for {
		out, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", typ, err)
		}
		for _, it := range out.Items {
			var h network.Hit
			if err := dynamo.Unmarshal(it, &h); err != nil {
				return nil, err
			}
			hits = append(hits, h)
		}
		if len(out.LastEvaluatedKey) == 0 || len(hits) >= limit {
			return hits[:min(len(hits), limit)], nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// Current implements network.SearchStore in one consistent batched read (a
// call per 100 keys).
func (s *Store) Current(ctx context.Context, readerID string, hits []network.Hit) (network.Current, error) {
	cur := network.Current{Profiles: map[string]network.Profile{}, Groups: map[string]network.Group{}, Member: map[string]bool{},
		Posts: map[string]network.Post{}, Comments: map[string]network.Comment{}}
	var keys []dynamo.Item
	seen := map[string]bool{}
	add := func(k dynamo.Item) {
		id := dynamo.String(k, dynamo.PK) + "|" + dynamo.String(k, dynamo.SK)
		if !seen[id] {
			seen[id] = true
			keys = append(keys, k)
		}
	}
	for _, h := range hits {
		switch h.Kind {
		case network.DocPerson:
			add(profileKey(h.ID))
		case network.DocPost:
			add(postKey(h.ID))
		case network.DocComment:
			add(commentKey(h.PostID, h.ID))
		}
		if g := groupOf(h); g != "" {
			add(groupKey(g))
			add(memberKey(g, readerID))
		}
	}
	items, err := s.batchGet(ctx, keys)
	if err != nil {
		return network.Current{}, err
	}
	for _, it := range items {
		if err := decodeCurrent(it, &cur); err != nil {
			return network.Current{}, err
		}
	}
	return cur, nil
}

// groupOf is the group a hit concerns: its post's group, or itself.
func groupOf(h network.Hit) string {
	if h.Kind == network.DocGroup {
		return h.ID
	}
	return h.GroupID
}

// decodeCurrent files an item read for the check in cur.
func decodeCurrent(it dynamo.Item, cur *network.Current) error {
	pk, sk := dynamo.String(it, dynamo.PK), dynamo.String(it, dynamo.SK)
	switch {
	case strings.HasPrefix(pk, "PROFILE#"):
		var p network.Profile
		err := dynamo.Unmarshal(it, &p)
		cur.Profiles[p.AccountID] = p
		return err
	case sk == "GROUP":
		var g storedGroup
		if err := dynamo.Unmarshal(it, &g); err != nil || g.Deleted {
			return err
		}
		cur.Groups[g.ID] = g.Group
	case strings.HasPrefix(sk, "MEMBER#"):
		cur.Member[strings.TrimPrefix(pk, "GROUP#")] = true
	case sk == "POST":
		var p network.Post
		err := dynamo.Unmarshal(it, &p)
		cur.Posts[p.ID] = p
		return err
	case strings.HasPrefix(sk, "COMMENT#"):
		var c network.Comment
		err := dynamo.Unmarshal(it, &c)
		cur.Comments[c.ID] = c
		return err
	}
	return nil
}

// Reindex enters the item under pk/sk in the index as it is now, or removes it
// from the index when it is gone (or a profile no longer shown, a group
// deleted). Items that are no profile, group, post or comment are not read at
// all. Run twice, or for an older change after a newer one, it ends the same:
// it reads the latest state.
func (s *Store) Reindex(ctx context.Context, pk, sk string) error {
	var (
		hit   network.Hit
		terms []string
		err   error
	)
	switch id, _ := strings.CutPrefix(pk, "POST#"); {
	case strings.HasPrefix(pk, "PROFILE#") && sk == "PROFILE":
		hit.Kind, hit.ID = network.DocPerson, strings.TrimPrefix(pk, "PROFILE#")
		var p network.Profile
		if p, err = s.Get(ctx, hit.ID); err == nil {
			terms = network.PersonTerms(p)
		}
	case strings.HasPrefix(pk, "GROUP#") && sk == "GROUP":
		hit.Kind, hit.ID = network.DocGroup, strings.TrimPrefix(pk, "GROUP#")
		var g network.Group
		if g, err = s.Group(ctx, hit.ID); err == nil {
			terms = network.GroupTerms(g)
		}
	case strings.HasPrefix(pk, "POST#") && sk == "POST":
		hit = network.Hit{Kind: network.DocPost, ID: id}
		var p network.Post
		if p, err = s.Post(ctx, id); err == nil {
			hit.GroupID, terms = p.GroupID, network.Terms(p.Text)
		}
	case strings.HasPrefix(pk, "POST#") && strings.HasPrefix(sk, "COMMENT#"):
		hit = network.Hit{Kind: network.DocComment, ID: strings.TrimPrefix(sk, "COMMENT#"), PostID: id}
		var c network.Comment
		if err = s.table().Get(ctx, commentKey(id, hit.ID), &c, dynamo.IgnoreTTL); err == nil {
			hit.GroupID, terms = c.GroupID, network.Terms(c.Text)
		}
	default:
		return nil
	}
	if err != nil && !errors.Is(err, network.ErrNotFound) && !errors.Is(err, dynamo.ErrNotFound) {
		return err
	}
	return s.enter(ctx, hit, terms)
}

// Unindex removes a document from the index (the erasure of a person).
func (s *Store) Unindex(ctx context.Context, kind, id string) error {
	return s.enter(ctx, network.Hit{Kind: kind, ID: id}, nil)
}

// IndexedTerms are the terms a document is entered under (the export).
func (s *Store) IndexedTerms(ctx context.Context, kind, id string) ([]string, error) {
	var d searchDoc
	err := s.table().Get(ctx, searchDocKey(kind, id), &d, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil, nil
	}
	return d.Terms, err
}

// enter makes the document's entries exactly terms. The document's item first
// records the old and new terms together, so that a failure half way leaves
// nothing it does not know of; the next run (a retry, or the next change)
// finishes.
func (s *Store) enter(ctx context.Context, h network.Hit, terms []string) error {
	old, err := s.IndexedTerms(ctx, h.Kind, h.ID)
	if err != nil {
		return err
	}
	added, removed := diff(terms, old), diff(old, terms)
	if len(added) == 0 && len(removed) == 0 {
		return nil
	}
	if len(added) > 0 {
		if err := s.table().Put(ctx, searchDocKey(h.Kind, h.ID), searchDoc{Terms: append(slices.Clone(old), added...)}, time.Time{}, dynamo.Cond{}); err != nil {
			return err
		}
	}
	typ := network.TypeOf(h.Kind)
	reqs := make([]types.WriteRequest, 0, len(added)+len(removed))
	for _, t := range removed {
		reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: entryKey(typ, t, h.ID)}})
	}
	for _, t := range added {
		it, err := dynamo.Marshal(entryKey(typ, t, h.ID), h, time.Time{})
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return err
	}
	if len(terms) == 0 {
		return s.table().Delete(ctx, searchDocKey(h.Kind, h.ID))
	}
	return s.table().Put(ctx, searchDocKey(h.Kind, h.ID), searchDoc{Terms: terms}, time.Time{}, dynamo.Cond{})
}

// IndexItems are the items that enter a document under terms in an empty index
// (its entries and its record), for seeding benchmarks with BatchWriteItem.
func IndexItems(h network.Hit, terms []string) ([]dynamo.Item, error) {
	typ := network.TypeOf(h.Kind)
	out := make([]dynamo.Item, 0, len(terms)+1)
	for _, t := range terms {
		it, err := dynamo.Marshal(entryKey(typ, t, h.ID), h, time.Time{})
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	doc, err := dynamo.Marshal(searchDocKey(h.Kind, h.ID), searchDoc{Terms: terms}, time.Time{})
	return append(out, doc), err
}

// diff is what a holds that b does not.
func diff(a, b []string) []string {
	var out []string
	for _, t := range a {
		if !slices.Contains(b, t) {
			out = append(out, t)
		}
	}
	return out
}
