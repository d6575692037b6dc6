package requestlogdb

import (
	"context"
	"sort"
	"strings"
	"time"

	"kontor/shared/dynamo"
	"kontor/shared/requestlog"
)

// Stats returns the statistics of the days from..to (inclusive, UTC dates).
func (a *Aggregator) Stats(ctx context.Context, from, to time.Time) ([]requestlog.DayStats, error) {
	var out []requestlog.DayStats
	for d := from.UTC(); !d.After(to.UTC()); d = d.AddDate(0, 0, 1) {
		day := requestlog.Day(d)
		ds := requestlog.DayStats{Day: day, Routes: []requestlog.RouteCount{}, Features: []requestlog.NamedCount{}, Visitors: []requestlog.NamedCount{}}
		closed, err := a.isClosed(ctx, day)
		if err != nil {
			return nil, err
		}
		ds.Closed = closed
		if closed {
			var items []struct {
				SK    string `dynamodbav:"sk"`
				Count int64  `dynamodbav:"count"`
			}
			if err := a.table().QueryAll(ctx, "AGG#"+day, "", dynamo.IgnoreTTL, &items); err != nil {
				return nil, err
			}
			for _, it := range items {
				switch {
				case strings.HasPrefix(it.SK, "ROUTE#"):
					ds.Routes = append(ds.Routes, routeCount(strings.TrimPrefix(it.SK, "ROUTE#"), it.Count))
				case strings.HasPrefix(it.SK, "FEATURE#"):
					ds.Features = append(ds.Features, requestlog.NamedCount{Name: strings.TrimPrefix(it.SK, "FEATURE#"), Count: it.Count})
				case strings.HasPrefix(it.SK, "VISITORS#"):
					ds.Visitors = append(ds.Visitors, requestlog.NamedCount{Name: strings.TrimPrefix(it.SK, "VISITORS#"), Count: it.Count})
				}
			}
		} else {
			// An open day: its batch counts and distinct pseudonyms, summed now.
			parts, err := a.dayParts(ctx, day)
			if err != nil {
				return nil, err
			}
			routes, features, visitors := sum(parts)
			for k, v := range routes {
				ds.Routes = append(ds.Routes, routeCount(k, v))
			}
			for k, v := range features {
				ds.Features = append(ds.Features, requestlog.NamedCount{Name: k, Count: v})
			}
			for res, hs := range visitors {
				ds.Visitors = append(ds.Visitors, requestlog.NamedCount{Name: res, Count: int64(len(hs))})
			}
		}
		sort.Slice(ds.Routes, func(i, j int) bool {
			return ds.Routes[i].Route+ds.Routes[i].StatusClass < ds.Routes[j].Route+ds.Routes[j].StatusClass
		})
		sort.Slice(ds.Features, func(i, j int) bool { return ds.Features[i].Name < ds.Features[j].Name })
		sort.Slice(ds.Visitors, func(i, j int) bool { return ds.Visitors[i].Name < ds.Visitors[j].Name })
		out = append(out, ds)
	}
	return out, nil
}

func routeCount(k string, n int64) requestlog.RouteCount {
	i := strings.LastIndex(k, "#")
	return requestlog.RouteCount{Route: k[:i], StatusClass: k[i+1:], Count: n}
}

// RawRecords returns the raw records of a day still kept (security mode).
func (a *Aggregator) RawRecords(ctx context.Context, day string) ([]requestlog.Raw, error) {
	out := []requestlog.Raw{}
	for shard := range Shards {
		err := a.table().Query(ctx, shardKey(day, shard), "", dynamo.IgnoreTTL, func(it dynamo.Item) error {
			if s, err := decode(it); err == nil {
				out = append(out, s.raw)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
