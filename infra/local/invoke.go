package local

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"

	"kontor/infra/lambdart"
)

// invokePrefix is the path of Lambda's Invoke API:
// POST /2015-03-31/functions/{name}/invocations.
const invokePrefix = "/2015-03-31/functions/"

// invoke serves Lambda's Invoke API (RequestResponse) for the template's
// functions, by physical name, logical id or ARN, so one function can call another
// as in AWS. A function's own error is answered as Lambda does: 200 with
// X-Amz-Function-Error and the error document.
func (g *gateway) invoke(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, invokePrefix)
	name, ok := strings.CutSuffix(rest, "/invocations")
	if !ok || r.Method != http.MethodPost {
		gwError(w, http.StatusNotFound, "Not Found")
		return
	}
	name, _ = url.PathUnescape(name)
	if i := strings.LastIndex(name, ":function:"); i >= 0 {
		name = name[i+len(":function:"):]
	}
	logical := ""
	for _, f := range g.s.tpl.Functions {
		if name == f.LogicalID || name == g.s.resolver.Name(f.LogicalID) {
			logical = f.LogicalID
		}
	}
	if logical == "" || r.Header.Get("Authorization") == "" {
		gwError(w, http.StatusNotFound, "Function not found")
		return
	}
	payload, err := io.ReadAll(io.LimitReader(r.Body, 6<<20))
	if err != nil {
		gwError(w, http.StatusBadRequest, "Bad Request")
		return
	}
	out, err := g.s.Invoke(r.Context(), logical, payload)
	var fe *lambdart.FunctionError
	switch {
	case errors.As(err, &fe):
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		writeJSON(w, fe)
	case err != nil:
		gwError(w, http.StatusBadGateway, err.Error())
	default:
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(out)
	}
}
