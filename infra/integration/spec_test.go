package integration

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

var (
	specRouter routers.Router
	// covered records which operations the suite exercised, per status.
	coveredMu sync.Mutex
	covered   = map[string]bool{}
)

// loadSpec reads openapi.yaml and points its server list at the running stack.
func loadSpec(root string) error {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile(filepath.Join(root, "openapi.yaml"))
	if err != nil {
		return err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return fmt.Errorf("invalid: %w", err)
	}
	doc.Servers = openapi3.Servers{{URL: stack.APIURL}}
	// HTML pages (the record of processing) are checked for their type only.
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.FileBodyDecoder)
	r, err := legacy.NewRouter(doc)
	if err != nil {
		return err
	}
	specRouter = r
	return nil
}

// checkAgainstSpec fails the test when a response of a documented route does not
// match openapi.yaml: undocumented status, wrong content type, or a body that breaks
// the schema. Requests to routes outside the spec (deliberately unknown ones) pass.
func checkAgainstSpec(t *testing.T, req *http.Request, body []byte, resp response) {
	t.Helper()
	u, _ := url.Parse(req.URL.String())
	vreq := req.Clone(context.Background())
	vreq.URL = u
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := specRouter.FindRoute(vreq)
	if err != nil {
		return
	}
	coveredMu.Lock()
	covered[route.Method+" "+route.Path] = true
	coveredMu.Unlock()
	// Promise: HGK-15, AHK-7 — every answer tells browsers to use HTTPS only, and
	// nothing personal is cached on the way.
	if !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("%s %s → %d lacks HSTS or no-store: %v", req.Method, req.URL.Path, resp.Status, resp.Header)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: vreq, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
		},
		Status: resp.Status,
		Header: resp.Header,
		Body:   io.NopCloser(bytes.NewReader(resp.Body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus: true,
			MultiError:            true,
		},
	}
	if resp.Status == http.StatusNoContent {
		in.Body = io.NopCloser(bytes.NewReader(nil))
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		// Asked for gzip explicitly (the transport decompresses only what it asked
		// for itself): the document is checked as the client reads it.
		zr, err := gzip.NewReader(bytes.NewReader(resp.Body))
		if err != nil {
			t.Errorf("%s %s → gzip: %v", req.Method, req.URL.Path, err)
			return
		}
		in.Body = zr
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %s", req.Method, req.URL.Path, resp.Status, err, resp.Body)
	}
}
