// Package register is the local stack's stand-in for the company register's API
// (HKC-10): a small database of companies by register number, served as the
// register serves it to the daily sync, with the API key check, and set by the
// tests (or by hand under `make run`), each company able to make the register
// fail in one of the ways a real one can.
//
// Served under /_local/register/ (local.StandIn):
//
//	GET    /_local/register/api/companies/{number}  the register's API (Authorization: Bearer <key>)
//	GET    /_local/register/companies               the database, with how often each was asked
//	PUT    /_local/register/companies/{number}      put or change a company:
//	       {"name", "street", "houseNumber", "postalCode", "city", "country", "website", "phone",
//	        "fail": ""|"down"|"slow"|"garbage"|"wrong-number"|"oversized"|"html"|"redirect",
//	        "delaySeconds": n (for "slow"; default 30)}
//	GET    /_local/register/companies/{number}      one company and how often it was asked
//	DELETE /_local/register/companies/{number}      remove it (the API then answers 404)
//
// It points RegisterApiUrl at its API and checks the run's API key, the
// SecureString that RegisterApiKeyName names. The number in a path is the
// register number, path-escaped.
package register

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"kontor/infra/local"
	"kontor/shared/network"
)

// The template parameters the stand-in sets and reads.
const (
	URLParameter = "RegisterApiUrl"
	KeyParameter = "RegisterApiKeyName" // #nosec G101 -- the name of a template parameter, not its value
)

// Company is one company of the stand-in's database (the record the register
// answers, its number set from the path), with how it fails.
type Company struct {
	network.RegisterRecord
	Fail         string `json:"fail,omitempty"`
	DelaySeconds int    `json:"delaySeconds,omitempty"`
	// Asked counts the API's answers for the number (tests see who was asked).
	Asked int `json:"asked"`
}

// Fail modes of a company.
var failModes = []string{"", "down", "slow", "garbage", "wrong-number", "oversized", "html", "redirect"}

// Register is the stand-in register; New makes one, and each stack it is plugged
// into starts it afresh.
type Register struct {
	mu        sync.Mutex
	key, path string
	companies map[string]*Company
}

// New returns the stand-in register.
func New() *Register { return &Register{} }

// Name implements local.StandIn.
func (*Register) Name() string { return "register" }

// Plug implements local.StandIn.
func (g *Register) Plug(s local.Socket) (local.Plugged, error) {
	key, err := s.Secret(KeyParameter)
	if err != nil {
		return local.Plugged{}, err
	}
	g.mu.Lock()
	g.key, g.path, g.companies = key, s.BasePath, map[string]*Company{}
	g.mu.Unlock()
	return local.Plugged{
		Handler:    g,
		Parameters: map[string]string{URLParameter: s.BaseURL + "/api"},
		Banner:     fmt.Sprintf("%s/companies   (company register, %s; PUT companies/{number} to set one or make it fail)", s.BaseURL, URLParameter),
	}, nil
}

func (g *Register) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if number, ok := strings.CutPrefix(r.URL.Path, g.path+"/api/companies/"); ok && r.Method == http.MethodGet {
		g.answer(w, r, number)
		return
	}
	if r.URL.Path == g.path+"/companies" && r.Method == http.MethodGet {
		g.mu.Lock()
		out := make(map[string]Company, len(g.companies))
		for n, c := range g.companies {
			out[n] = *c
		}
		g.mu.Unlock()
		writeJSON(w, http.StatusOK, out)
		return
	}
	number, ok := strings.CutPrefix(r.URL.Path, g.path+"/companies/")
	if !ok || number == "" {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	switch r.Method {
	case http.MethodPut:
		g.put(w, r, number)
	case http.MethodGet:
		g.mu.Lock()
		c, found := g.companies[number]
		var cp Company
		if found {
			cp = *c
		}
		g.mu.Unlock()
		if !found {
			writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
			return
		}
		writeJSON(w, http.StatusOK, cp)
	case http.MethodDelete:
		g.mu.Lock()
		delete(g.companies, number)
		g.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"message": "Method Not Allowed"})
	}
}

// put stores a company (its count of answers kept).
func (g *Register) put(w http.ResponseWriter, r *http.Request, number string) {
	var c Company
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&c); err != nil || !validFail(c.Fail) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Bad Request"})
		return
	}
	g.mu.Lock()
	if old, ok := g.companies[number]; ok {
		c.Asked = old.Asked
	} else {
		c.Asked = 0
	}
	g.companies[number] = &c
	g.mu.Unlock()
	writeJSON(w, http.StatusOK, c)
}

func validFail(mode string) bool { return slices.Contains(failModes, mode) }

// answer is the register's API: the key checked, then the company as the
// register has it, or the failure it is set to.
func (g *Register) answer(w http.ResponseWriter, r *http.Request, number string) {
	g.mu.Lock()
	key := g.key
	c, found := g.companies[number]
	var cp Company
	if found {
		c.Asked++
		cp = *c
	}
	g.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+key {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"message": "Unauthorized"})
		return
	}
	if !found {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": "Not Found"})
		return
	}
	record := cp.RegisterRecord
	record.RegisterNumber = number
	switch cp.Fail {
	case "down":
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"message": "Service Unavailable"})
	case "slow":
		delay := time.Duration(cp.DelaySeconds) * time.Second
		if delay <= 0 {
			delay = 30 * time.Second
		}
		select {
		case <-r.Context().Done():
			return
		case <-time.After(delay):
		}
		writeJSON(w, http.StatusOK, record)
	case "garbage":
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"registerNumber": "Amtsgericht`)
	case "wrong-number":
		record.RegisterNumber = "Amtsgericht Hamburg HRB 999999"
		if number == record.RegisterNumber {
			record.RegisterNumber = "Amtsgericht Hamburg HRB 999998"
		}
		writeJSON(w, http.StatusOK, record)
	case "oversized":
		writeJSON(w, http.StatusOK, struct {
			network.RegisterRecord
			Padding string `json:"padding"`
		}{record, strings.Repeat("x", 1<<20)})
	case "html":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, "<!doctype html><title>Maintenance</title><p>Back soon.")
	case "redirect":
		http.Redirect(w, r, "https://register.invalid/elsewhere", http.StatusFound)
	default:
		writeJSON(w, http.StatusOK, record)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
