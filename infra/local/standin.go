package local

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"

	"kontor/infra/template"
)

// A StandIn plays, on the local stack, something the deployed stack finds outside
// itself: an external service (an identity provider, a company register, payments)
// or a front end. The stack knows none of them: whoever starts it passes them in
// Options.StandIns, and each is plugged in once the API's address is known, before
// any resource or function exists.
//
// A stand-in is served on the API's address under /_local/<Name>/ and, for GET
// requests that no route of the template takes, on the Pages it names. It points
// the template's parameters for what it replaces at itself (Plugged.Parameters) and
// reads the parameter values it shares with the functions through Socket.Param,
// for example the random secret a NoEcho parameter gets on each run.
type StandIn interface {
	// Name is the stand-in's path segment under /_local/: lower-case letters,
	// digits and '-', not one of the stack's own (mail, functions, schedules).
	Name() string
	// Plug is called once per stack with the stand-in's place on it.
	Plug(Socket) (Plugged, error)
}

// Socket is what the stack tells a stand-in it plugs in.
type Socket struct {
	APIURL   string // the stack's API, e.g. http://127.0.0.1:3000
	BasePath string // where the stand-in is served: /_local/<Name>
	BaseURL  string // APIURL + BasePath
	// EmulatorURL is the emulator as the functions reach it (their
	// AWS_ENDPOINT_URL): presigned URLs they issue lead there.
	EmulatorURL string
	// Param returns a template parameter's value on this run, as the functions get
	// it: from Options.Parameters, else the random value of a NoEcho parameter
	// without default, else the template's default. It is an error to read a
	// parameter the template does not declare, or one that a stand-in sets.
	Param func(name string) (string, error)
	// Secret returns the value of the SecureString a parameter of type
	// AWS::SSM::Parameter::Name names: the stack creates each such secret with a
	// random value per run (Secrets), as an operator creates it before deploying.
	Secret func(parameter string) (string, error)
}

// Plugged is what a stand-in contributes to the stack.
type Plugged struct {
	// Handler serves every request whose path starts with BasePath + "/", and GET
	// requests to Pages; it sees the request's path unchanged.
	Handler http.Handler
	// Parameters are template parameter values the stand-in sets, typically the
	// URL of the service it replaces pointed at BaseURL. The template must declare
	// each; Options.Parameters win over them.
	Parameters map[string]string
	// Pages are paths on the API's root the stand-in serves to GET requests that no
	// route of the template takes (a front end's pages, where mailed links lead).
	Pages []string
	// Site makes the stand-in the site of the stack's address (a front end): it
	// serves every GET and HEAD request outside /v1/ that no route, page or
	// /_local/ path takes. At most one stand-in is the site.
	Site bool
	// Banner is one line saying what the stand-in serves and where, for the
	// start-up banner of `make run`.
	Banner string
}

// StandInInfo describes a stand-in a running stack serves.
type StandInInfo struct {
	Name    string
	BaseURL string
	Banner  string
}

// pluggedStandIn is a stand-in the stack serves.
type pluggedStandIn struct {
	name    string
	baseURL string
	Plugged
}

// localPrefix is where the stack's own routes and the stand-ins are served.
const localPrefix = "/_local/"

// ownLocalRoutes are the stack's own routes under /_local/ (gateway.go, local).
var ownLocalRoutes = []string{"mail", "functions", "schedules"}

var standInName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// Parameters returns the parameter values of a local run that differ from the
// template's defaults: every NoEcho parameter without a default (a secret that must
// be given at deploy time) gets a fresh random value, and overrides win. Stand-ins
// add their own (plugStandIns).
func Parameters(tpl *template.Template, overrides map[string]string) map[string]string {
	params := map[string]string{}
	for name, p := range tpl.Parameters {
		if p.NoEcho && p.Default == "" {
			params[name] = randomSecret()
		}
	}
	for k, v := range overrides {
		params[k] = v
	}
	return params
}

// SSMParameterName is the template parameter type that names an SSM parameter; the
// local stack creates each as a SecureString with a random value.
const SSMParameterName = "AWS::SSM::Parameter::Name"

// Secrets returns a random value for every parameter of type SSMParameterName, by
// parameter name: what the stack stores under the parameter's value.
func Secrets(tpl *template.Template) map[string]string {
	out := map[string]string{}
	for name, p := range tpl.Parameters {
		if p.Type == SSMParameterName {
			out[name] = randomSecret()
		}
	}
	return out
}

func randomSecret() string {
	b := make([]byte, 36)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// plugStandIns plugs every stand-in into a stack whose API and emulator are at
// stack's APIURL and EmulatorURL, and returns the run's parameter values
// (Parameters plus the stand-ins' own) and the plugged stand-ins, in the order
// given.
func plugStandIns(tpl *template.Template, stack Socket, overrides, secrets map[string]string, standIns []StandIn) (map[string]string, []pluggedStandIn, error) {
	apiURL := stack.APIURL
	params := Parameters(tpl, overrides)
	param := func(name string) (string, error) {
		if v, ok := params[name]; ok {
			return v, nil
		}
		if p, ok := tpl.Parameters[name]; ok {
			return p.Default, nil
		}
		return "", fmt.Errorf("template has no parameter %s", name)
	}
	var out []pluggedStandIn
	reads := map[string][]string{} // parameter → stand-ins that read it
	setBy := map[string]string{}   // parameter → the stand-in that sets it
	pages := map[string]string{}   // page → the stand-in that serves it
	site := ""                     // the stand-in that is the site
	for _, si := range standIns {
		name := si.Name()
		if !standInName.MatchString(name) || slices.Contains(ownLocalRoutes, name) {
			return nil, nil, fmt.Errorf("stand-in name %q: want lower-case letters, digits and '-', not %s", name, strings.Join(ownLocalRoutes, ", "))
		}
		for _, p := range out {
			if p.name == name {
				return nil, nil, fmt.Errorf("two stand-ins named %q", name)
			}
		}
		base := localPrefix + name
		sock := Socket{APIURL: apiURL, EmulatorURL: stack.EmulatorURL, BasePath: base, BaseURL: apiURL + base, Param: func(p string) (string, error) {
			reads[p] = append(reads[p], name)
			return param(p)
		}, Secret: func(p string) (string, error) {
			if v, ok := secrets[p]; ok {
				return v, nil
			}
			return "", fmt.Errorf("template parameter %s is not of type %s", p, SSMParameterName)
		}}
		pl, err := si.Plug(sock)
		if err != nil {
			return nil, nil, fmt.Errorf("stand-in %s: %w", name, err)
		}
		if pl.Handler == nil {
			return nil, nil, fmt.Errorf("stand-in %s: no handler", name)
		}
		for p := range pl.Parameters {
			if _, ok := tpl.Parameters[p]; !ok {
				return nil, nil, fmt.Errorf("stand-in %s sets %s, which the template does not declare", name, p)
			}
			if other, ok := setBy[p]; ok {
				return nil, nil, fmt.Errorf("stand-ins %s and %s both set %s", other, name, p)
			}
			setBy[p] = name
		}
		for _, page := range pl.Pages {
			if !strings.HasPrefix(page, "/") || strings.HasPrefix(page, localPrefix) || strings.HasPrefix(page, invokePrefix) {
				return nil, nil, fmt.Errorf("stand-in %s: page %q must be a path outside %s and %s", name, page, localPrefix, invokePrefix)
			}
			if other, ok := pages[page]; ok {
				return nil, nil, fmt.Errorf("stand-ins %s and %s both serve %s", other, name, page)
			}
			pages[page] = name
		}
		if pl.Site {
			if site != "" {
				return nil, nil, fmt.Errorf("stand-ins %s and %s are both the site", site, name)
			}
			site = name
		}
		out = append(out, pluggedStandIn{name: name, baseURL: sock.BaseURL, Plugged: pl})
	}
	for p, by := range setBy {
		if _, ok := overrides[p]; ok {
			continue // Options.Parameters win: nobody read a stale value
		}
		if rs := reads[p]; len(rs) > 0 {
			sort.Strings(rs)
			return nil, nil, fmt.Errorf("stand-in %s reads %s, which stand-in %s sets", rs[0], p, by)
		}
	}
	for _, pl := range out {
		for k, v := range pl.Parameters {
			if _, ok := overrides[k]; !ok {
				params[k] = v
			}
		}
	}
	return params, out, nil
}

// standIn returns the stand-in that serves path, under /_local/<name>/, as one of
// its pages (GET only), or as the site (GET and HEAD outside /v1/).
func (s *Stack) standIn(method, path string) (http.Handler, bool) {
	if rest, ok := strings.CutPrefix(path, localPrefix); ok {
		name, _, ok := strings.Cut(rest, "/")
		if !ok {
			return nil, false
		}
		for _, p := range s.standIns {
			if p.name == name {
				return p.Handler, true
			}
		}
		return nil, false
	}
	if method != http.MethodGet && method != http.MethodHead {
		return nil, false
	}
	if method == http.MethodGet {
		for _, p := range s.standIns {
			if slices.Contains(p.Pages, path) {
				return p.Handler, true
			}
		}
	}
	if strings.HasPrefix(path, "/v1/") || strings.HasPrefix(path, invokePrefix) {
		return nil, false
	}
	for _, p := range s.standIns {
		if p.Site {
			return p.Handler, true
		}
	}
	return nil, false
}

// StandIns describes the stand-ins the stack serves, in the order they were given.
func (s *Stack) StandIns() []StandInInfo {
	out := make([]StandInInfo, 0, len(s.standIns))
	for _, p := range s.standIns {
		out = append(out, StandInInfo{Name: p.name, BaseURL: p.baseURL, Banner: p.Banner})
	}
	return out
}

// Parameters returns the stack's parameter values on this run that differ from the
// template's defaults (random secrets, the stand-ins' and Options.Parameters).
func (s *Stack) Parameters() map[string]string {
	out := make(map[string]string, len(s.resolver.Parameters))
	for k, v := range s.resolver.Parameters {
		out[k] = v
	}
	return out
}
