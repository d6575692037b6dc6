// Package httpapi turns API Gateway HTTP API (payload 2.0) events into requests that
// handlers read, and handler results into responses: JSON, problem details, cookies,
// CSRF and session checks, language negotiation. One shape for every handler.
package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/access"
	"kontor/shared/problem"
)

// DefaultMaxBody bounds JSON request bodies unless a route sets its own limit.
const DefaultMaxBody = 16 << 10

// Request is one API call as a handler sees it.
type Request struct {
	Event     events.APIGatewayV2HTTPRequest
	Lang      string           // "de" or "en"
	Principal access.Principal // zero unless the route requires a session
	// granted are the consents the caller has given, read by the route's gate
	// (Consented).
	granted map[string]string
}

// UseLanguage answers the request in lang when the caller named a supported one
// in the body (a registration's "language"), ahead of cookie and Accept-Language.
func (r *Request) UseLanguage(lang string) {
	if SupportedLang(lang) {
		r.Lang, r.Principal.Lang = lang, lang
	}
}

// RouteKey returns "METHOD /path" as API Gateway names the matched route.
func (r *Request) RouteKey() string { return r.Event.RouteKey }

// Header returns a request header; API Gateway lower-cases header names.
func (r *Request) Header(name string) string {
	return r.Event.Headers[strings.ToLower(name)]
}

// Cookie returns the value of the named cookie, or "" when absent.
func (r *Request) Cookie(name string) string { return CookieValue(r.Event.Cookies, name) }

// CookieValue finds a cookie in API Gateway's cookies array. A cookie that appears
// twice is treated as absent: a planted duplicate must not win.
func CookieValue(cookies []string, name string) string {
	found := ""
	n := 0
	for _, raw := range cookies {
		for _, part := range strings.Split(raw, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && k == name {
				found = v
				n++
			}
		}
	}
	if n != 1 {
		return ""
	}
	return found
}

// ClientIP returns the caller's address as API Gateway saw it.
func (r *Request) ClientIP() string { return r.Event.RequestContext.HTTP.SourceIP }

// RequestID returns API Gateway's id of this request, safe to log.
func (r *Request) RequestID() string { return r.Event.RequestContext.RequestID }

// Body returns the raw body bytes, decoding base64 when API Gateway encoded it.
func (r *Request) Body() ([]byte, error) {
	if !r.Event.IsBase64Encoded {
		return []byte(r.Event.Body), nil
	}
	b, err := base64.StdEncoding.DecodeString(r.Event.Body)
	if err != nil {
		return nil, problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	return b, nil
}

// DecodeJSON strictly decodes a JSON object body into dst: the content type must be
// application/json, the body at most maxBytes, valid UTF-8, one object, no unknown
// fields. Every failure is a problem the caller can act on, and nothing has changed.
func (r *Request) DecodeJSON(dst any, maxBytes int) error {
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBody
	}
	mt, _, err := mime.ParseMediaType(r.Header("content-type"))
	if err != nil || mt != "application/json" {
		return problem.New(http.StatusUnsupportedMediaType, problem.CodeUnsupportedMediaType)
	}
	body, err := r.Body()
	if err != nil {
		return err
	}
	if len(body) > maxBytes {
		return problem.New(http.StatusRequestEntityTooLarge, problem.CodeBodyTooLarge)
	}
	if !utf8.Valid(body) {
		return problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || t[0] != '{' {
		return problem.New(http.StatusBadRequest, problem.CodeInvalidJSON)
	}
	return nil
}

// StateChanging reports whether the method may change state and so needs CSRF proof.
func (r *Request) StateChanging() bool {
	switch r.Event.RequestContext.HTTP.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}
