package requestlogdb

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/requestlog"
)

func TestStoredFormatRoundTrips(t *testing.T) {
	raw := requestlog.Raw{At: time.Date(2026, 3, 10, 23, 59, 59, 123456789, time.UTC), IP: "2001:db8::1", Method: "GET", Route: "GET /v1/x/{id}",
		Resource: "/v1/x/7", Status: 404, UA: strings.Repeat("ü", 400), Referrer: "https://a.example/?q=\"x\"", ID: "req#1", Feature: "x"}
	item, err := Item(raw, 5, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if pk := item["pk"]; pk == nil || !strings.HasPrefix(toS(pk), "RAW#2026-03-10#5") || toS(item["ip"]) != raw.IP || toN(item["ttl"]) != raw.At.Add(time.Hour).Unix() {
		t.Fatalf("item %+v", item)
	}
	// Counting reads r alone.
	got, err := decode(map[string]types.AttributeValue{"r": item["r"]})
	if err != nil {
		t.Fatal(err)
	}
	want := raw
	want.UA = clip(raw.UA, 512)
	if got.raw != want || got.sk != toS(item["sk"]) || got.processed {
		t.Fatalf("decoded %+v\nwant %+v", got.raw, want)
	}
}

func toS(v types.AttributeValue) string {
	s, _ := v.(*types.AttributeValueMemberS)
	if s == nil {
		return ""
	}
	return s.Value
}

func toN(v types.AttributeValue) int64 {
	n, _ := v.(*types.AttributeValueMemberN)
	if n == nil {
		return 0
	}
	i, _ := strconv.ParseInt(n.Value, 10, 64)
	return i
}
