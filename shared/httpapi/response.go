package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/problem"
)

// Response is what a handler returns: status, JSON body (nil for none) and cookies.
type Response struct {
	Status  int
	Body    any
	Cookies []string
	Headers map[string]string
	// Raw, when set, is sent as is with RawType instead of a JSON body.
	Raw     string
	RawType string
}

// HTML returns a response with an HTML page, under the page's own
// Content-Security-Policy (PageCSP).
func HTML(status int, page string) Response {
	return Response{Status: status, Raw: page, RawType: "text/html; charset=utf-8",
		Headers: map[string]string{"Content-Security-Policy": PageCSP(page)}}
}

// JSON returns a response with status and a JSON body.
func JSON(status int, body any) Response { return Response{Status: status, Body: body} }

// NoContent returns 204 without a body.
func NoContent() Response { return Response{Status: http.StatusNoContent} }

// WithCookies returns r with Set-Cookie values added.
func (r Response) WithCookies(c ...string) Response {
	r.Cookies = append(append([]string(nil), r.Cookies...), c...)
	return r
}

func baseHeaders(contentType, lang string) map[string]string {
	h := map[string]string{
		"Cache-Control":    "no-store",
		"Content-Language": lang,
	}
	securityHeaders(h)
	if contentType != "" {
		h["Content-Type"] = contentType
	}
	return h
}

func (r Response) event(lang string) events.APIGatewayV2HTTPResponse {
	out := events.APIGatewayV2HTTPResponse{StatusCode: r.Status, Cookies: r.Cookies}
	if r.RawType != "" {
		out.Headers = baseHeaders(r.RawType, lang)
		out.Body = r.Raw
	} else if r.Body == nil {
		out.Headers = baseHeaders("", lang)
	} else {
		b, err := json.Marshal(r.Body)
		if err != nil {
			return problemEvent(problem.New(http.StatusInternalServerError, problem.CodeInternal), lang, "")
		}
		out.Headers = baseHeaders("application/json", lang)
		out.Body = string(b)
	}
	for k, v := range r.Headers {
		out.Headers[k] = v
	}
	return out
}

func problemEvent(p *problem.Problem, lang, requestID string) events.APIGatewayV2HTTPResponse {
	b, _ := json.Marshal(p.Render(lang, requestID))
	h := baseHeaders("application/problem+json", lang)
	if p.RetryAfterSeconds > 0 {
		h["Retry-After"] = strconv.Itoa(p.RetryAfterSeconds)
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: p.Status, Headers: h, Body: string(b)}
}
