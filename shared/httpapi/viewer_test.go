package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

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
