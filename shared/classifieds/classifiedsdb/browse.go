package classifiedsdb

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

// Browsing reads a sparse index in its sort order and lets DynamoDB filter: the
// listing must not have expired at now (exp), and match the filter's kind, area,
// boat type, date range and words. A page is filled from requests of
// browseBatch index entries each, at most browseRequests of them; a page the
// budget could not fill ends early with a cursor, and the client goes on from
// there (docs/classifieds.md).
const (
	browseBatch    = 200
	browseRequests = 5
)

// browseIndex is the index and range attribute of a sort order.
func browseIndex(sort string) (dynamo.Index, string) {
	if sort == classifieds.SortStart {
		return BrowseStart, attrPubStart
	}
	return BrowseNew, attrPubNew
}

// browseQuery is the index query of a filter at now.
func browseQuery(f classifieds.Filter, now time.Time) dynamo.IndexQuery {
	ix, rangeAttr := browseIndex(f.Sort)
	q := dynamo.IndexQuery{Index: ix.Name, KeyCond: "#pub = :pub", Limit: browseBatch, Descending: f.Sort != classifieds.SortStart,
		Names:  map[string]string{"#pub": attrPub, "#exp": attrExp},
		Values: dynamo.Item{":pub": dynamo.S(browsePartition), ":now": dynamo.N(now.Unix())}}
	filters := []string{"#exp > :now"}
	eq := func(attr, v string) {
		if v != "" {
			filters = append(filters, "#"+attr+" = :"+attr)
			q.Names["#"+attr], q.Values[":"+attr] = attr, dynamo.S(v)
		}
	}
	eq(attrKind, f.Kind)
	eq(attrArea, f.Area)
	eq(attrBoatType, f.BoatType)
	if f.From != "" {
		filters = append(filters, "#to >= :qfrom")
		q.Names["#to"], q.Values[":qfrom"] = attrTo, dynamo.S(f.From)
	}
	if f.To != "" {
		filters = append(filters, "#from <= :qto")
		q.Names["#from"], q.Values[":qto"] = attrFrom, dynamo.S(f.To)
		if f.Sort == classifieds.SortStart {
			// Sorted by start, a trip starting after the range ends the page.
			q.KeyCond += " AND #range < :hi"
			q.Names["#range"], q.Values[":hi"] = rangeAttr, dynamo.S(f.To+"$")
		}
	}
	for i, t := range f.Terms {
		n := ":t" + strconv.Itoa(i)
		filters = append(filters, "contains(#words, "+n+")")
		q.Names["#words"], q.Values[n] = attrWords, dynamo.S(t)
	}
	q.Filter = strings.Join(filters, " AND ")
	return q
}

// browseCursor is the cursor after an index entry: the sort order and its range
// key, which ends in the listing's id.
func browseCursor(sort, rangeKey string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(sort + "|" + rangeKey))
}

// browseStart is the index key a cursor continues after; it must be of the same
// sort order and name a listing.
func browseStart(sort, cursor string) (dynamo.Item, error) {
	if cursor == "" {
		return nil, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	s, rangeKey, ok := strings.Cut(string(raw), "|")
	i := strings.LastIndexByte(rangeKey, '#')
	if err != nil || !ok || s != sort || i < 0 || !ids.ValidV7(rangeKey[i+1:]) {
		return nil, classifieds.ErrBadCursor
	}
	_, rangeAttr := browseIndex(sort)
	k := listingKey(rangeKey[i+1:])
	k[attrPub], k[rangeAttr] = dynamo.S(browsePartition), dynamo.S(rangeKey)
	return k, nil
}

// Browse implements classifieds.ListingStore.
func (s *Store) Browse(ctx context.Context, f classifieds.Filter, pg classifieds.Page, now time.Time) ([]classifieds.Card, string, error) {
	q := browseQuery(f, now)
	start, err := browseStart(f.Sort, pg.Cursor)
	if err != nil {
		return nil, "", err
	}
	q.Start = start
	_, rangeAttr := browseIndex(f.Sort)
	out := []classifieds.Card{}
	for n := 0; n < browseRequests; n++ {
		items, last, err := s.table().QueryIndexPage(ctx, q)
		if err != nil {
			return nil, "", err
		}
		for _, it := range items {
			var c classifieds.Card
			if err := dynamo.Unmarshal(it, &c); err != nil {
				return nil, "", err
			}
			out = append(out, c)
			if len(out) == pg.Limit {
				return out, browseCursor(f.Sort, dynamo.String(it, rangeAttr)), nil
			}
		}
		if last == nil {
			return out, "", nil
		}
		q.Start = last
	}
	return out, browseCursor(f.Sort, dynamo.String(q.Start, rangeAttr)), nil
}
