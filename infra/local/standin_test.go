package local

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"kontor/infra/template"
)

const standInTemplate = `
Parameters:
  ServiceUrl:
    Type: String
    Default: https://service.example.org/v1
  ServiceSecret:
    Type: String
    NoEcho: true
  Plain:
    Type: String
    Default: plain
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
`

// fakeStandIn records what it was told and contributes what it is given.
type fakeStandIn struct {
	name   string
	reads  []string
	sets   map[string]string
	pages  []string
	err    error
	socket Socket
	read   map[string]string
}

func (f *fakeStandIn) Name() string { return f.name }

func (f *fakeStandIn) Plug(s Socket) (Plugged, error) {
	f.socket, f.read = s, map[string]string{}
	for _, p := range f.reads {
		v, err := s.Param(p)
		if err != nil {
			return Plugged{}, err
		}
		f.read[p] = v
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, f.name+" "+r.Method+" "+r.URL.Path)
	})
	return Plugged{Handler: h, Parameters: f.sets, Pages: f.pages, Banner: f.name + " at " + s.BaseURL}, f.err
}

func loadTemplate(t *testing.T, src string) *template.Template {
	t.Helper()
	tpl, err := template.Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}

// A stand-in gets its place on the stack and the run's parameter values, and its
// parameters reach the functions unless Options.Parameters say otherwise.
func TestStandInsArePluggedIn(t *testing.T) {
	tpl := loadTemplate(t, standInTemplate)
	svc := &fakeStandIn{name: "svc", reads: []string{"ServiceSecret", "Plain"}, sets: map[string]string{"ServiceUrl": "http://127.0.0.1:3000/_local/svc/v1"}}
	front := &fakeStandIn{name: "front-end", pages: []string{"/", "/login"}}
	params, plugged, err := plugStandIns(tpl, Socket{APIURL: "http://127.0.0.1:3000"}, nil, nil, []StandIn{svc, front})
	if err != nil {
		t.Fatal(err)
	}
	if svc.socket.APIURL != "http://127.0.0.1:3000" || svc.socket.BasePath != "/_local/svc" || svc.socket.BaseURL != "http://127.0.0.1:3000/_local/svc" {
		t.Fatalf("socket %+v", svc.socket)
	}
	if len(svc.read["ServiceSecret"]) < 32 || svc.read["ServiceSecret"] != params["ServiceSecret"] {
		t.Fatalf("the stand-in read %q, the functions get %q", svc.read["ServiceSecret"], params["ServiceSecret"])
	}
	if svc.read["Plain"] != "plain" {
		t.Fatalf("default read as %q", svc.read["Plain"])
	}
	if _, set := params["Plain"]; params["ServiceUrl"] != "http://127.0.0.1:3000/_local/svc/v1" || set {
		t.Fatalf("params %v", params)
	}
	if len(plugged) != 2 || plugged[0].name != "svc" || plugged[1].name != "front-end" {
		t.Fatalf("plugged %+v", plugged)
	}
	// Options.Parameters win over a stand-in's, and a stand-in reads them.
	svc.reads = []string{"ServiceSecret"}
	params, _, err = plugStandIns(tpl, Socket{APIURL: "http://127.0.0.1:3000"}, map[string]string{"ServiceUrl": "https://elsewhere.example.org", "ServiceSecret": "given"}, nil, []StandIn{svc})
	if err != nil || params["ServiceUrl"] != "https://elsewhere.example.org" || svc.read["ServiceSecret"] != "given" {
		t.Fatalf("params %v, read %v, %v", params, svc.read, err)
	}
}

// Whatever a stand-in asks that the stack cannot keep is an error at start, not a
// wrong value later.
func TestStandInsThatDoNotFitAreRefused(t *testing.T) {
	tpl := loadTemplate(t, standInTemplate)
	for _, c := range []struct {
		name     string
		standIns []StandIn
		want     string
	}{
		{"undeclared read", []StandIn{&fakeStandIn{name: "a", reads: []string{"Nope"}}}, "template has no parameter Nope"},
		{"undeclared set", []StandIn{&fakeStandIn{name: "a", sets: map[string]string{"Nope": "x"}}}, "does not declare"},
		{"set twice", []StandIn{&fakeStandIn{name: "a", sets: map[string]string{"Plain": "x"}}, &fakeStandIn{name: "b", sets: map[string]string{"Plain": "y"}}}, "both set Plain"},
		{"reads what another sets", []StandIn{&fakeStandIn{name: "a", reads: []string{"Plain"}}, &fakeStandIn{name: "b", sets: map[string]string{"Plain": "y"}}}, "a reads Plain, which stand-in b sets"},
		{"same page", []StandIn{&fakeStandIn{name: "a", pages: []string{"/"}}, &fakeStandIn{name: "b", pages: []string{"/"}}}, "both serve /"},
		{"page under /_local/", []StandIn{&fakeStandIn{name: "a", pages: []string{"/_local/x"}}}, "must be a path outside"},
		{"same name", []StandIn{&fakeStandIn{name: "a"}, &fakeStandIn{name: "a"}}, `two stand-ins named "a"`},
		{"the stack's own name", []StandIn{&fakeStandIn{name: "mail"}}, `stand-in name "mail"`},
		{"not a path segment", []StandIn{&fakeStandIn{name: "A/b"}}, `stand-in name "A/b"`},
		{"plug fails", []StandIn{&fakeStandIn{name: "a", err: errors.New("no way")}}, "stand-in a: no way"},
	} {
		if _, _, err := plugStandIns(tpl, Socket{APIURL: "http://127.0.0.1:3000"}, nil, nil, c.standIns); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}

// The gateway serves each stand-in under /_local/<name>/ and its pages on GET when
// no route takes them; everything else stays the stack's own.
func TestGatewayServesStandIns(t *testing.T) {
	svc := &fakeStandIn{name: "svc", reads: []string{"ServiceSecret"}, sets: map[string]string{"ServiceUrl": "set"}}
	front := &fakeStandIn{name: "front", pages: []string{"/", "/login"}}
	s := startTestStack(t, standInTemplate, Options{StandIns: []StandIn{svc, front}})
	if got := s.Parameters(); got["ServiceUrl"] != "set" || got["ServiceSecret"] != svc.read["ServiceSecret"] {
		t.Fatalf("parameters %v", got)
	}
	if info := s.StandIns(); len(info) != 2 || info[0] != (StandInInfo{Name: "svc", BaseURL: s.APIURL + "/_local/svc", Banner: "svc at " + s.APIURL + "/_local/svc"}) {
		t.Fatalf("stand-ins %+v", info)
	}
	for _, c := range []struct{ method, path, want string }{
		{"POST", "/_local/svc/sessions", "svc POST /_local/svc/sessions"},
		{"GET", "/_local/svc/", "svc GET /_local/svc/"},
		{"GET", "/_local/front/x", "front GET /_local/front/x"},
		{"GET", "/login", "front GET /login"},
		{"GET", "/", "front GET /"},
		{"POST", "/login", `{"message":"Not Found"}`},
		{"GET", "/_local/svc", `{"message":"Not Found"}`},
		{"GET", "/_local/other/x", `{"message":"Not Found"}`},
		{"GET", "/elsewhere", `{"message":"Not Found"}`},
		{"GET", "/_local/mail", `[]`},
	} {
		req, _ := http.NewRequest(c.method, s.APIURL+c.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := strings.Join(strings.Fields(string(body)), ""); got != strings.Join(strings.Fields(c.want), "") {
			t.Errorf("%s %s: %d %s, want %s", c.method, c.path, resp.StatusCode, body, c.want)
		}
	}
}
