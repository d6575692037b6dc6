package classifiedsdb

import (
	"context"
	"strings"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

// Visitors reads the request log's closed-day distinct-visitor totals (HGK-13):
// the items AGG#<day> / VISITORS#<resource> of RequestLogTable, which hold only a
// count. The function's IAM policy allows a batch read there on AGG# partitions
// alone (dynamodb:LeadingKeys), so nothing else of the request log — raw records,
// salts, pseudonyms — is in its reach. The key layout is the request log's
// (requestlogdb.totalKey); its test of closed days pins it
// (TestListingVisitorStatistics).
type Visitors struct {
	DB    dynamo.DB
	Table string
}

var _ classifieds.VisitorCounts = (*Visitors)(nil)

// Visitors implements classifieds.VisitorCounts.
func (v *Visitors) Visitors(ctx context.Context, resource string, days []string) (map[string]int64, error) {
	keys := make([]dynamo.Item, 0, len(days))
	for _, d := range days {
		keys = append(keys, dynamo.Key("AGG#"+d, "VISITORS#"+resource))
	}
	items, err := batchGet(ctx, v.DB, v.Table, keys)
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(items))
	for _, it := range items {
		var c struct {
			PK    string `dynamodbav:"pk"`
			Count int64  `dynamodbav:"count"`
		}
		if err := dynamo.Unmarshal(it, &c); err != nil {
			return nil, err
		}
		out[strings.TrimPrefix(c.PK, "AGG#")] = c.Count
	}
	return out, nil
}
