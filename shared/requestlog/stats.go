package requestlog

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// RouteCount is the requests of one route and status class on a day.
type RouteCount struct {
	Route       string `json:"route"`
	StatusClass string `json:"statusClass"`
	Count       int64  `json:"count"`
}

// NamedCount is a count for a feature or a resource.
type NamedCount struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// DayStats are one day's anonymous statistics.
type DayStats struct {
	Day      string       `json:"day"`
	Routes   []RouteCount `json:"routes"`
	Features []NamedCount `json:"features"`
	// Visitors are distinct visitors per viewed public resource (HGK-13); for a day
	// that is not closed yet they are counted from the day's pseudonyms.
	Visitors []NamedCount `json:"visitors"`
	Closed   bool         `json:"closed"`
}

// MaxStatsDays bounds one statistics request.
const MaxStatsDays = 92

// Stats returns the statistics of the days from..to (inclusive, UTC dates).
func (a *Aggregator) Stats(ctx context.Context, from, to time.Time) ([]DayStats, error) {
	var out []DayStats
	for d := from.UTC(); !d.After(to.UTC()); d = d.AddDate(0, 0, 1) {
		day := Day(d)
		ds := DayStats{Day: day, Routes: []RouteCount{}, Features: []NamedCount{}, Visitors: []NamedCount{}}
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
			if err := a.query(ctx, "AGG#"+day, &items); err != nil {
				return nil, err
			}
			for _, it := range items {
				switch {
				case strings.HasPrefix(it.SK, "ROUTE#"):
					ds.Routes = append(ds.Routes, routeCount(strings.TrimPrefix(it.SK, "ROUTE#"), it.Count))
				case strings.HasPrefix(it.SK, "FEATURE#"):
					ds.Features = append(ds.Features, NamedCount{Name: strings.TrimPrefix(it.SK, "FEATURE#"), Count: it.Count})
				case strings.HasPrefix(it.SK, "VISITORS#"):
					ds.Visitors = append(ds.Visitors, NamedCount{Name: strings.TrimPrefix(it.SK, "VISITORS#"), Count: it.Count})
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
				ds.Features = append(ds.Features, NamedCount{Name: k, Count: v})
			}
			for res, hs := range visitors {
				ds.Visitors = append(ds.Visitors, NamedCount{Name: res, Count: int64(len(hs))})
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

func routeCount(k string, n int64) RouteCount {
	i := strings.LastIndex(k, "#")
	return RouteCount{Route: k[:i], StatusClass: k[i+1:], Count: n}
}

// RawRecords returns the raw records of a day still kept (security mode).
func (a *Aggregator) RawRecords(ctx context.Context, day string) ([]Raw, error) {
	out := []Raw{}
	for shard := 0; shard < Shards; shard++ {
		items, err := a.queryItems(ctx, &dynamodb.QueryInput{
			KeyConditionExpression:    aws.String("pk = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: shardKey(day, shard)}},
		})
		if err != nil {
			return nil, err
		}
		for _, it := range items {
			s, err := decode(it)
			if err != nil {
				continue
			}
			out = append(out, s.raw)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

func (a *Aggregator) query(ctx context.Context, pk string, out any) error {
	return a.queryInto(ctx, &dynamodb.QueryInput{
		KeyConditionExpression:    aws.String("pk = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}},
	}, out)
}
