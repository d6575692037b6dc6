package httpapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"

	"kontor/shared/problem"
)

// fuzzBody is a request body with the field kinds handlers decode.
type fuzzBody struct {
	Email  string             `json:"email"`
	Count  int                `json:"count"`
	Tags   []string           `json:"tags"`
	Flags  map[string]bool    `json:"flags"`
	Nested *struct{ On bool } `json:"nested"`
}

// The strict decoder accepts exactly one JSON object of known fields, of at most
// the limit, as application/json, and then decodes what encoding/json would; it
// answers everything else with a 400, 413 or 415 problem, never another error.
func FuzzDecodeJSON(f *testing.F) {
	f.Add(`{"email":"a@example.org","count":3,"tags":["x"],"flags":{"k":true},"nested":{"On":true}}`, "application/json", false)
	f.Add(`{"email":"a"} {"email":"b"}`, "application/json; charset=utf-8", false)
	f.Add(`{"unknown":1}`, "application/json", false)
	f.Add(`["not","an","object"]`, "application/json", false)
	f.Add(`null`, "application/json", false)
	f.Add(`{"count":1e400}`, "application/json", false)
	f.Add(`eyJlbWFpbCI6ImEifQ==`, "application/json", true)
	f.Add(`{"email":"a"}`, "text/plain", false)
	f.Add("{\"email\":\"\xff\"}", "application/json", false)
	const limit = 256
	f.Fuzz(func(t *testing.T, body, contentType string, b64 bool) {
		r := &Request{Event: events.APIGatewayV2HTTPRequest{Headers: map[string]string{"content-type": contentType}, Body: body, IsBase64Encoded: b64}}
		var got fuzzBody
		err := r.DecodeJSON(&got, limit)
		if err != nil {
			p, ok := problem.As(err)
			if !ok || (p.Status != http.StatusBadRequest && p.Status != http.StatusRequestEntityTooLarge && p.Status != http.StatusUnsupportedMediaType) {
				t.Fatalf("error %v is not a 400, 413 or 415 problem", err)
			}
			return
		}
		raw := []byte(body)
		if b64 {
			if raw, err = base64.StdEncoding.DecodeString(body); err != nil {
				t.Fatalf("accepted a body that is not base64: %v", err)
			}
		}
		if mt, _, err := mime.ParseMediaType(contentType); err != nil || mt != "application/json" {
			t.Fatalf("accepted content type %q", contentType)
		}
		if len(raw) > limit || !utf8.Valid(raw) || !json.Valid(raw) {
			t.Fatalf("accepted %d bytes, valid UTF-8 %v, valid JSON %v", len(raw), utf8.Valid(raw), json.Valid(raw))
		}
		if trimmed := bytes.TrimSpace(raw); len(trimmed) == 0 || trimmed[0] != '{' {
			t.Fatalf("accepted %q, which is not an object", raw)
		}
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(raw, &fields); err != nil {
			t.Fatalf("accepted a body encoding/json rejects: %v", err)
		}
		for k := range fields {
			if !knownField(k) {
				t.Fatalf("accepted unknown field %q", k)
			}
		}
		var want fuzzBody
		if err := json.Unmarshal(raw, &want); err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("decoded %+v, encoding/json decodes %+v (%v)", got, want, err)
		}
	})
}

// knownField reports whether encoding/json maps key to a field of fuzzBody (it
// matches names case-insensitively).
func knownField(key string) bool {
	for _, name := range []string{"email", "count", "tags", "flags", "nested"} {
		if strings.EqualFold(key, name) {
			return true
		}
	}
	return false
}

// A cookie's value is found only when its exact name occurs exactly once across
// every Cookie header, so a planted duplicate never wins.
func FuzzCookieValue(f *testing.F) {
	f.Add(SessionCookie+"=abc; "+CSRFCookie+"=def", byte(0))
	f.Add(SessionCookie+"=abc\n"+SessionCookie+"=evil", byte(0))
	f.Add("x"+SessionCookie+"=evil;  "+SessionCookie+" =a", byte(0))
	f.Add(LangCookie+"=de;"+LangCookie+"=en", byte(2))
	f.Add(CSRFCookie+"==; a=b", byte(1))
	names := []string{SessionCookie, CSRFCookie, LangCookie}
	f.Fuzz(func(t *testing.T, headers string, which byte) {
		name := names[int(which)%len(names)]
		cookies := strings.Split(headers, "\n")
		v := CookieValue(cookies, name)
		if strings.Contains(v, ";") {
			t.Fatalf("value %q spans cookies", v)
		}
		if v != "" {
			found := false
			for _, h := range cookies {
				for _, part := range strings.Split(h, ";") {
					found = found || strings.TrimSpace(part) == name+"="+v
				}
			}
			if !found {
				t.Fatalf("value %q is no cookie named %s", v, name)
			}
		}
		planted := CookieValue(append(cookies, name+"=planted"), name)
		if planted != "" && (planted != "planted" || v != "") {
			t.Fatalf("with a planted duplicate the value is %q (was %q)", planted, v)
		}
	})
}
