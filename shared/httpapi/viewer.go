package httpapi

import (
	"crypto/subtle"
	"net/netip"

	"github.com/aws/aws-lambda-go/events"
)

// Behind the site's CloudFront distribution, API Gateway sees the edge's address,
// not the person's: every per-client limit would count everyone who reaches the
// same edge together. The distribution therefore passes the viewer's address in
// ViewerAddressHeader (its viewer-request function on /v1/*, web/cloudfront/api.js,
// overwrites whatever a viewer sent under that name) and adds OriginHeader with a
// value generated at deployment (template.yaml, OriginVerifySecret), which a viewer
// cannot set: CloudFront overwrites a viewer's header of an origin custom header's
// name. The API stays reachable at its own address too; a request there carries no
// valid OriginHeader, and its viewer address header is not believed.
const (
	// OriginHeader carries the distribution's origin value (lower case, as API
	// Gateway's payload 2.0 names headers).
	OriginHeader = "x-kontor-origin"
	// ViewerAddressHeader carries the viewer's address as the distribution saw it.
	ViewerAddressHeader = "x-kontor-viewer-address"
	// OriginVerifyVariable is the environment variable holding the origin value.
	OriginVerifyVariable = "ORIGIN_VERIFY"
)

// viaDistribution returns ev with SourceIP set to the viewer's address when the
// request came through the distribution (OriginHeader equals origin, and the
// viewer address parses), and with both headers removed in any case: no handler,
// capture or log sees the origin value, and a forged viewer address goes nowhere.
func viaDistribution(ev events.APIGatewayV2HTTPRequest, origin string) events.APIGatewayV2HTTPRequest {
	got, hasOrigin := ev.Headers[OriginHeader]
	viewer, hasViewer := ev.Headers[ViewerAddressHeader]
	if !hasOrigin && !hasViewer {
		return ev
	}
	headers := make(map[string]string, len(ev.Headers))
	for k, v := range ev.Headers {
		if k != OriginHeader && k != ViewerAddressHeader {
			headers[k] = v
		}
	}
	ev.Headers = headers
	if origin == "" || subtle.ConstantTimeCompare([]byte(got), []byte(origin)) != 1 {
		return ev
	}
	if addr, err := netip.ParseAddr(viewer); err == nil {
		ev.RequestContext.HTTP.SourceIP = addr.Unmap().String()
	}
	return ev
}
