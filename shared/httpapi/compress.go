package httpapi

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// CompressMin is the smallest answer worth compressing: below it, gzip's header
// and the base64 API Gateway needs for a binary body outweigh the saving.
const CompressMin = 1024

// compressed returns ev gzipped, as base64 with Content-Encoding: gzip, when the
// client accepts gzip and the body is at least CompressMin bytes; ev as it is
// otherwise. Either way the answer varies by Accept-Encoding.
func compressed(ev events.APIGatewayV2HTTPResponse, acceptEncoding string) events.APIGatewayV2HTTPResponse {
	if ev.Headers == nil {
		ev.Headers = map[string]string{}
	}
	ev.Headers["Vary"] = "Accept-Encoding"
	if ev.IsBase64Encoded || len(ev.Body) < CompressMin || !acceptsGzip(acceptEncoding) {
		return ev
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level: no error
	if _, err := zw.Write([]byte(ev.Body)); err != nil {
		return ev
	}
	if err := zw.Close(); err != nil {
		return ev
	}
	ev.Body = base64.StdEncoding.EncodeToString(buf.Bytes())
	ev.IsBase64Encoded = true
	ev.Headers["Content-Encoding"] = "gzip"
	return ev
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (or *), not
// refused with q=0.
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "x-gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
