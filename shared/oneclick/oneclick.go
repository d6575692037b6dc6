// Package oneclick answers the links of mails one can stop with one click (RFC
// 8058): a GET shows a page that asks to confirm and changes nothing (mail
// scanners follow links), a POST (the page's form, or the mail program's
// one-click) tells that it is done. Each module keeps its own tokens and texts.
package oneclick

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"kontor/shared/httpapi"
)

// page is the answer: no script, no style, no outside resource.
var page = template.Must(template.New("unsubscribe").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>{{.Title}}</title></head>
<body><main><h1>{{.Title}}</h1><p>{{.Text}}</p>{{if .Button}}<form method="post" action="{{.Action}}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">{{.Button}}</button></form>{{end}}</main></body></html>
`))

// Text is one state of the page: its title, its text and the button (only on
// the page that asks).
type Text struct{ Title, Text, Button string }

// Texts are a link's pages by language ("de", "en") and state (Ask, Done).
type Texts map[string]map[string]Text

// States of the page.
const (
	Ask  = "ask"
	Done = "done"
)

// Answer is the page in state for the request's language (English when it has
// none of its own), its form posting to path with the request's token.
func Answer(r *httpapi.Request, texts Texts, state, path string) (httpapi.Response, error) {
	t, ok := texts[r.Lang][state]
	if !ok {
		t = texts["en"][state]
	}
	var b strings.Builder
	err := page.Execute(&b, map[string]string{"Lang": r.Lang, "Title": t.Title, "Text": t.Text, "Button": t.Button,
		"Action": path + "?token=" + url.QueryEscape(Token(r))})
	if err != nil {
		return httpapi.Response{}, err
	}
	resp := httpapi.HTML(http.StatusOK, b.String())
	resp.Headers["Cache-Control"] = "no-store"
	resp.Headers["Referrer-Policy"] = "no-referrer"
	return resp, nil
}

// Token is the link's token.
func Token(r *httpapi.Request) string { return r.Event.QueryStringParameters["token"] }
