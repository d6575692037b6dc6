package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"kontor/shared/ratelimit"

	"github.com/aws/aws-lambda-go/events"
)

// A request through the distribution carries the origin value and the viewer's
// address: the router takes that address as the client's. Without the value, with
// a wrong one, or where no value is configured (the local stack), the viewer
// header is not believed. Neither header reaches a handler or the capture.
func TestClientAddressIsTheViewersOnlyThroughTheDistribution(t *testing.T) {
	const origin = "0123456789abcdef0123456789abcdef"
	cases := []struct {
		name, configured string
		headers          map[string]string
		want             string
	}{
		{"through the distribution", origin, map[string]string{OriginHeader: origin, ViewerAddressHeader: "203.0.113.9"}, "203.0.113.9"},
		{"IPv6 viewer", origin, map[string]string{OriginHeader: origin, ViewerAddressHeader: "2001:db8::7"}, "2001:db8::7"},
		{"IPv4-mapped viewer", origin, map[string]string{OriginHeader: origin, ViewerAddressHeader: "::ffff:203.0.113.9"}, "203.0.113.9"},
		{"forged viewer, no origin value", origin, map[string]string{ViewerAddressHeader: "203.0.113.9"}, "198.51.100.1"},
		{"forged viewer, wrong origin value", origin, map[string]string{OriginHeader: origin[:31] + "0", ViewerAddressHeader: "203.0.113.9"}, "198.51.100.1"},
		{"nothing configured", "", map[string]string{OriginHeader: "", ViewerAddressHeader: "203.0.113.9"}, "198.51.100.1"},
		{"viewer address not an address", origin, map[string]string{OriginHeader: origin, ViewerAddressHeader: "203.0.113.9, 10.0.0.1"}, "198.51.100.1"},
		{"plain request", origin, map[string]string{}, "198.51.100.1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(OriginVerifyVariable, c.configured)
			var seen *Request
			var captured events.APIGatewayV2HTTPRequest
			rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
				"GET /v1/where": {Access: Public, Handler: func(_ context.Context, r *Request) (Response, error) {
					seen = r
					return JSON(http.StatusOK, nil), nil
				}},
			}).WithCapture(func(_ context.Context, ev events.APIGatewayV2HTTPRequest, _ int, _ bool) error {
				captured = ev
				return nil
			})
			ev := event(http.MethodGet, "/v1/where")
			ev.RequestContext.HTTP.SourceIP = "198.51.100.1"
			for k, v := range c.headers {
				ev.Headers[k] = v
			}
			resp, err := rt.Handle(context.Background(), ev)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("%d %v", resp.StatusCode, err)
			}
			if got := seen.ClientIP(); got != c.want {
				t.Errorf("client address %q, want %q", got, c.want)
			}
			if got := captured.RequestContext.HTTP.SourceIP; got != c.want {
				t.Errorf("captured address %q, want %q", got, c.want)
			}
			for _, h := range []string{OriginHeader, ViewerAddressHeader} {
				if _, ok := seen.Event.Headers[h]; ok {
					t.Errorf("the handler sees %s", h)
				}
				if _, ok := captured.Headers[h]; ok {
					t.Errorf("the capture sees %s", h)
				}
			}
		})
	}
}

// Behind the distribution, a client on IPv6 counts by its /64: changing the
// address within it does not escape a per-client limit; another /64 is another
// client.
func TestIPv6ClientsCountByTheirNetwork(t *testing.T) {
	const origin = "0123456789abcdef0123456789abcdef"
	t.Setenv(OriginVerifyVariable, origin)
	lim := &countingLimiter{max: 2, counts: map[string]int{}}
	rule := ratelimit.Rule{Name: "test", Scope: ratelimit.PerClient, Max: 2, Window: time.Hour}
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"POST /v1/x": {Access: Public, Limits: []ratelimit.Rule{rule}, Handler: func(context.Context, *Request) (Response, error) { return NoContent(), nil }},
	}).WithLimiter(lim)
	send := func(viewer string) int {
		ev := withCSRF(event(http.MethodPost, "/v1/x"), "tok")
		ev.RequestContext.HTTP.SourceIP = "198.51.100.1"
		ev.Headers[OriginHeader], ev.Headers[ViewerAddressHeader] = origin, viewer
		resp, err := rt.Handle(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode
	}
	for i, addr := range []string{"2001:db8:7:7::1", "2001:db8:7:7:aaaa::2", "2001:db8:7:7:ffff::3"} {
		want := http.StatusNoContent
		if i == 2 {
			want = http.StatusTooManyRequests
		}
		if got := send(addr); got != want {
			t.Errorf("request %d from %s: %d, want %d", i+1, addr, got, want)
		}
	}
	if got := send("2001:db8:7:8::1"); got != http.StatusNoContent {
		t.Errorf("another /64: %d, want 204", got)
	}
}
