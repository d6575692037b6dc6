package site

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"kontor/infra/local"
	"kontor/infra/template"
	"kontor/web"
)

// The local site is built with the run's OperatorDetails (make run: -operator or
// KONTOR_OPERATOR), as make deploy builds it with the stack's; a value the imprint
// cannot use stops the stack's start.
func TestSiteShowsTheRunsOperator(t *testing.T) {
	tpl, err := template.Load(filepath.Join("..", "..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plug := func(operator string) (local.Plugged, error) {
		return New().Plug(local.Socket{APIURL: "http://127.0.0.1:3000", BasePath: "/_local/site", BaseURL: "http://127.0.0.1:3000/_local/site", Param: func(name string) (string, error) {
			if name == web.OperatorParameter {
				return operator, nil
			}
			p, ok := tpl.Parameters[name]
			if !ok {
				return "", fmt.Errorf("no parameter %s", name)
			}
			return p.Default, nil
		}})
	}
	pl, err := plug(`{"name": "Beispiel GmbH", "address": ["Musterweg 1", "06108 Halle (Saale)"], "email": "kontakt@example.org", "vatId": "DE000000000"}`)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	pl.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/de/imprint", nil))
	if body := rec.Body.String(); rec.Code != http.StatusOK || !strings.Contains(body, "Beispiel GmbH<br>") || !strings.Contains(body, "DE000000000") || strings.Contains(body, "operator-missing") {
		t.Errorf("imprint %d:\n%s", rec.Code, body)
	}
	if _, err := plug(`{"name": "Beispiel GmbH"}`); err == nil {
		t.Error("an operator without address and email was taken")
	}
}
