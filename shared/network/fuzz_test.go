package network

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Whatever a change's body holds, a stored profile keeps the rules: every detail
// within its cap and free of control characters, the website http or https, the
// country a real one and the postal code fitting it.
func FuzzUpdate(f *testing.F) {
	base, _ := json.Marshal(complete())
	f.Add(base)
	f.Add([]byte(`{"version":0,"companyWebsite":"javascript:alert(1)"}`))
	f.Add([]byte(`{"version":0,"postalCode":"20457","country":"NL","expertise":["a","A"],"about":null}`))
	f.Add([]byte(`{"version":0,"firstName":"A\u0000","birthdate":"1975-02-30","birthdateVisible":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var patch map[string]any
		if json.Unmarshal(data, &patch) != nil {
			return
		}
		store := memStore{}
		svc := &Service{Store: store, Now: time.Now}
		if _, err := svc.Update(context.Background(), owner, patch, true); err != nil {
			if len(store) != 0 {
				t.Fatal("stored after a refusal")
			}
			return
		}
		p := store[owner]
		for _, fd := range textFields {
			v := *fd.at(&p)
			if utf8.RuneCountInString(v) > fd.max || hasControl(v, fd.multiline) || strings.TrimSpace(v) != v {
				t.Fatalf("%s stored as %q", fd.name, v)
			}
		}
		if p.CompanyWebsite != "" {
			if u, err := url.Parse(p.CompanyWebsite); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				t.Fatalf("website %q", p.CompanyWebsite)
			}
		}
		if p.Country != "" && !checkCountry(p.Country).IsZero() {
			t.Fatalf("country %q", p.Country)
		}
		if p.PostalCode != "" && !validPostalCode(p.Country, p.PostalCode) {
			t.Fatalf("postal code %q for %q", p.PostalCode, p.Country)
		}
		for _, l := range [][]string{p.Expertise, p.Languages} {
			if len(l) > MaxListItems {
				t.Fatalf("list of %d", len(l))
			}
		}
	})
}
