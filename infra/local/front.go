package local

import (
	"bytes"
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"
)

// front is the emulator's endpoint as every client sees it (Stack.EndpointURL, the
// functions' AWS_ENDPOINT_URL): it forwards each request verbatim, Host header
// included, to moto server on its private port, adds to the mailbox each mail
// moto accepted, and when asked meters DynamoDB reads per function and table
// (reads.go). So moto still refuses unverified senders, and the mail list costs
// nothing to read, whoever sent the mail: a function, a test's SDK client or the
// AWS CLI.
type front struct {
	proxy *httputil.ReverseProxy
	mail  *mailbox
	reads *readMeter
}

// pendingMail carries a parsed SendEmail from the request to its response.
type pendingMail struct{}

// pendingRead carries a DynamoDB read being metered from the request to its
// response.
type pendingRead struct{}

func newFront(moto *url.URL, mail *mailbox, reads *readMeter) *front {
	f := &front{mail: mail, reads: reads}
	f.proxy = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(moto)
			pr.Out.Host = pr.In.Host
		},
		Transport: &http.Transport{
			Proxy:               nil, // never an HTTP(S)_PROXY of the environment
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			DisableCompression:  true, // bodies pass as they are
			MaxIdleConns:        256,
			MaxIdleConnsPerHost: 256,
			IdleConnTimeout:     90 * time.Second,
		},
		ModifyResponse: func(resp *http.Response) error {
			if m, ok := resp.Request.Context().Value(pendingMail{}).(*Mail); ok && resp.StatusCode == http.StatusOK {
				m.SentAt = time.Now().UTC()
				f.mail.add(*m)
			}
			if mr, ok := resp.Request.Context().Value(pendingRead{}).(*meteredRead); ok {
				f.reads.response(mr, resp)
			}
			return nil
		},
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
			http.Error(w, "kontor-local: the emulator did not answer: "+err.Error(), http.StatusBadGateway)
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	return f
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && signingService(r) == "ses" {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "kontor-local: read request: "+err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		r.TransferEncoding = nil
		if m, ok := sesMail(r, body); ok {
			r = r.WithContext(context.WithValue(r.Context(), pendingMail{}, &m))
		}
	}
	if mr, ok := f.reads.request(r); ok {
		r = r.WithContext(context.WithValue(r.Context(), pendingRead{}, mr))
	}
	f.proxy.ServeHTTP(w, r)
}

// signingService returns the service of a SigV4 request's credential scope
// (Credential=<key>/<date>/<region>/<service>/aws4_request): "ses" for SES v1 and v2.
func signingService(r *http.Request) string {
	var cred string
	if a := r.Header.Get("Authorization"); a != "" {
		_, rest, ok := strings.Cut(a, "Credential=")
		if !ok {
			return ""
		}
		cred, _, _ = strings.Cut(rest, ",")
	} else {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 {
		return ""
	}
	return parts[3]
}
