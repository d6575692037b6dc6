package local

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"kontor/infra/lambdart"
	"kontor/infra/template"
)

// MaxBody is API Gateway's payload limit for HTTP APIs.
const MaxBody = 10 << 20

type route struct {
	template.Route
	fn       string
	segments []string
}

// gateway is the local API Gateway: HTTP API payload 2.0, Lambda REQUEST
// authorizer with simple responses and no caching, as template.yaml declares.
type gateway struct {
	s      *Stack
	routes []route
}

func newGateway(s *Stack) (*gateway, error) {
	g := &gateway{s: s}
	for _, f := range s.tpl.Functions {
		for _, r := range f.Routes {
			g.routes = append(g.routes, route{Route: r, fn: f.LogicalID, segments: strings.Split(strings.Trim(r.Path, "/"), "/")})
		}
	}
	if s.tpl.Authorizer == "" {
		for _, r := range g.routes {
			if !r.Public {
				return nil, fmt.Errorf("route %s needs an authorizer, but the HttpApi has none", r.Key())
			}
		}
	}
	// More literal segments first, so /v1/me/password wins over /v1/me/{x}.
	sort.SliceStable(g.routes, func(i, j int) bool { return literals(g.routes[i]) > literals(g.routes[j]) })
	return g, nil
}

func literals(r route) int {
	n := 0
	for _, s := range r.segments {
		if !strings.HasPrefix(s, "{") {
			n++
		}
	}
	return n
}

// match finds the route for method and path and its path parameters.
func (g *gateway) match(method, path string) (route, map[string]string, bool) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for _, r := range g.routes {
		if r.Method != method && r.Method != "ANY" {
			continue
		}
		params := map[string]string{}
		ok := true
		for i, s := range r.segments {
			if strings.HasSuffix(s, "+}") {
				if i >= len(segs) {
					ok = false
					break
				}
				params[strings.Trim(s, "{}+")] = strings.Join(segs[i:], "/")
				segs = segs[:i+1]
				break
			}
			if i >= len(segs) {
				ok = false
				break
			}
			if strings.HasPrefix(s, "{") {
				if segs[i] == "" {
					ok = false
					break
				}
				params[strings.Trim(s, "{}")] = segs[i]
			} else if s != segs[i] {
				ok = false
				break
			}
		}
		if ok && len(segs) == len(r.segments) {
			return r, params, true
		}
	}
	return route{}, nil, false
}

func gwError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// As API Gateway answers: {"message": "…"}, JSON-escaped (a Go-quoted string is
	// not always valid JSON).
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, localPrefix) {
		g.local(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, invokePrefix) {
		g.invoke(w, r)
		return
	}
	rt, params, ok := g.match(r.Method, r.URL.Path)
	if !ok {
		if h, ok := g.s.standIn(r.Method, r.URL.Path); ok {
			h.ServeHTTP(w, r) // a stand-in's page
			return
		}
		gwError(w, http.StatusNotFound, "Not Found")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		gwError(w, http.StatusBadRequest, "Bad Request")
		return
	}
	if len(body) > MaxBody {
		gwError(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	ev := buildEvent(r, rt, params, body)
	ctx := r.Context()
	if !rt.Public {
		allowed, authCtx, err := g.authorize(ctx, ev)
		if err != nil {
			gwError(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		if !allowed {
			gwError(w, http.StatusForbidden, "Forbidden")
			return
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{Lambda: authCtx}
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		gwError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	out, err := g.s.Invoke(ctx, rt.fn, payload)
	if err != nil {
		if errors.Is(err, lambdart.ErrTimeout) {
			gwError(w, http.StatusServiceUnavailable, "Service Unavailable")
			return
		}
		gwError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	writeResponse(w, out)
}

func (g *gateway) authorize(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (bool, map[string]any, error) {
	req := events.APIGatewayV2CustomAuthorizerV2Request{
		Version: "2.0", Type: "REQUEST",
		RouteArn:              fmt.Sprintf("arn:aws:execute-api:%s:%s:%s/$default/%s%s", Region, Account, ev.RequestContext.APIID, ev.RequestContext.HTTP.Method, ev.RawPath),
		RouteKey:              ev.RouteKey,
		RawPath:               ev.RawPath,
		RawQueryString:        ev.RawQueryString,
		Cookies:               ev.Cookies,
		Headers:               ev.Headers,
		QueryStringParameters: ev.QueryStringParameters,
		RequestContext:        ev.RequestContext,
		PathParameters:        ev.PathParameters,
	}
	payload, err := json.Marshal(req)
	if err != nil {
		return false, nil, err
	}
	out, err := g.s.Invoke(ctx, g.s.tpl.Authorizer, payload)
	if err != nil {
		return false, nil, err
	}
	var resp events.APIGatewayV2CustomAuthorizerSimpleResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		return false, nil, fmt.Errorf("authorizer response: %w", err)
	}
	return resp.IsAuthorized, resp.Context, nil
}

// buildEvent makes the payload-2.0 event API Gateway would send for r.
func buildEvent(r *http.Request, rt route, params map[string]string, body []byte) events.APIGatewayV2HTTPRequest {
	now := time.Now().UTC()
	headers := map[string]string{}
	var cookies []string
	for k, vs := range r.Header {
		lk := strings.ToLower(k)
		if lk == "cookie" {
			for _, v := range vs {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lk] = strings.Join(vs, ",")
	}
	headers["host"] = r.Host
	headers["x-forwarded-proto"] = "http"
	var query map[string]string
	if q := r.URL.Query(); len(q) > 0 {
		query = map[string]string{}
		for k, vs := range q {
			query[k] = strings.Join(vs, ",")
		}
	}
	if len(params) == 0 {
		params = nil
	}
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: rt.Key(), RawPath: r.URL.EscapedPath(), RawQueryString: r.URL.RawQuery,
		Cookies: cookies, Headers: headers, QueryStringParameters: query, PathParameters: params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey: rt.Key(), AccountID: Account, Stage: "$default", RequestID: requestID(),
			APIID: "local", DomainName: r.Host, DomainPrefix: strings.SplitN(r.Host, ".", 2)[0],
			Time: now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: ip, UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if textual(r.Header.Get("Content-Type")) && utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev
}

// textual reports whether API Gateway passes a body of this type as text.
func textual(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return strings.HasPrefix(mt, "text/") || mt == "application/json" || strings.HasSuffix(mt, "+json") ||
		mt == "application/xml" || strings.HasSuffix(mt, "+xml") || mt == "application/x-www-form-urlencoded" || mt == "application/javascript"
}

func requestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "local-" + hex.EncodeToString(b)
}

// writeResponse maps a payload-2.0 response back to HTTP.
func writeResponse(w http.ResponseWriter, out []byte) {
	var resp events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		gwError(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			gwError(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		body = b
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// local serves the routes that exist only on the local stack: its own and the
// stand-ins'.
func (g *gateway) local(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/_local/mail":
		ms, err := g.s.Mail(r.Context())
		if err != nil {
			gwError(w, http.StatusBadGateway, err.Error())
			return
		}
		writeJSON(w, ms)
	case r.Method == http.MethodGet && r.URL.Path == "/_local/functions":
		type fn struct {
			LogicalID       string   `json:"logicalId"`
			Routes          []string `json:"routes"`
			Schedules       []string `json:"schedules"`
			InitDurationsMs []int64  `json:"initDurationsMs"`
		}
		var out []fn
		inits := g.s.InitDurations()
		for _, f := range g.s.tpl.Functions {
			x := fn{LogicalID: f.LogicalID, Routes: []string{}, Schedules: []string{}, InitDurationsMs: []int64{}}
			for _, rt := range f.Routes {
				x.Routes = append(x.Routes, rt.Key())
			}
			for _, s := range f.Schedules {
				x.Schedules = append(x.Schedules, s.Expression)
			}
			for _, d := range inits[f.LogicalID] {
				x.InitDurationsMs = append(x.InitDurationsMs, d.Milliseconds())
			}
			out = append(out, x)
		}
		writeJSON(w, out)
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/_local/schedules/"):
		id, _ := url.PathUnescape(strings.TrimPrefix(r.URL.Path, "/_local/schedules/"))
		out, err := g.s.trigger(r.Context(), id)
		if err != nil {
			gwError(w, http.StatusBadRequest, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out) // #nosec G705 -- the function's own JSON result, as application/json, on the local stack's developer endpoint
	default:
		if h, ok := g.s.standIn(r.Method, r.URL.Path); ok {
			h.ServeHTTP(w, r)
			return
		}
		gwError(w, http.StatusNotFound, "Not Found")
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
