package httpapi

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

// A route that compresses answers gzip to a client that accepts it, only from
// CompressMin bytes, and never to one that refuses gzip; the answer varies by
// Accept-Encoding either way. A route without Compress never compresses.
func TestCompressedAnswers(t *testing.T) {
	big := strings.Repeat("Verarbeitungsverzeichnis ", 200)
	rt := NewRouter(slog.New(slog.NewTextHandler(io.Discard, nil)), map[string]Route{
		"GET /v1/big":   {Access: Public, Compress: true, Handler: func(context.Context, *Request) (Response, error) { return JSON(http.StatusOK, big), nil }},
		"GET /v1/small": {Access: Public, Compress: true, Handler: func(context.Context, *Request) (Response, error) { return JSON(http.StatusOK, "klein"), nil }},
		"GET /v1/plain": {Access: Public, Handler: func(context.Context, *Request) (Response, error) { return JSON(http.StatusOK, big), nil }},
	})
	for _, c := range []struct {
		path, accept string
		gzipped      bool
	}{
		{"/v1/big", "gzip, deflate, br", true},
		{"/v1/big", "br;q=1.0, GZIP;q=0.5", true},
		{"/v1/big", "*", true},
		{"/v1/big", "gzip;q=0, br", false},
		{"/v1/big", "", false},
		{"/v1/small", "gzip", false},
		{"/v1/plain", "gzip", false},
	} {
		ev := event(http.MethodGet, c.path)
		if c.accept != "" {
			ev.Headers["accept-encoding"] = c.accept
		}
		resp, err := rt.Handle(context.Background(), ev)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %v", c.path, resp.StatusCode, err)
		}
		if got := resp.Headers["Content-Encoding"] == "gzip"; got != c.gzipped || resp.IsBase64Encoded != c.gzipped {
			t.Errorf("%s with Accept-Encoding %q: gzipped %v (base64 %v), want %v", c.path, c.accept, got, resp.IsBase64Encoded, c.gzipped)
		}
		if c.path != "/v1/plain" && resp.Headers["Vary"] != "Accept-Encoding" {
			t.Errorf("%s: Vary %q", c.path, resp.Headers["Vary"])
		}
		if !c.gzipped {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		if want := `"` + big + `"`; string(plain) != want {
			t.Errorf("%s: the body does not decompress to the answer", c.path)
		}
		if len(raw) >= len(big)/4 {
			t.Errorf("%s: %d bytes gzipped for %d", c.path, len(raw), len(big))
		}
	}
}
