package requestlog

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Capturer turns API Gateway events into raw records for one feature (function).
type Capturer struct {
	Recorder *Recorder
	Feature  string
}

// Capture is an httpapi.Capture: it records one request. Only public GET routes
// name a resource for distinct-visitor counts; signed-in routes are counted by route.
func (c Capturer) Capture(ctx context.Context, ev events.APIGatewayV2HTTPRequest, status int, public bool) error {
	// The capture's own clock, not the event's: a replayed or sample event must not
	// write into a day that is already closed.
	at := time.Now().UTC()
	raw := Raw{
		At: at, IP: ev.RequestContext.HTTP.SourceIP, Method: ev.RequestContext.HTTP.Method, Route: ev.RouteKey,
		Status: status, UA: ev.RequestContext.HTTP.UserAgent, Referrer: ev.Headers["referer"],
		ID: ev.RequestContext.RequestID, Feature: c.Feature,
	}
	if public && raw.Method == http.MethodGet {
		raw.Resource = ev.RawPath
	}
	return c.Recorder.Record(ctx, raw)
}
