package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"kontor/shared/spam"
)

// The corpus's groups (directories of the npm package's data folder) and whether
// they hold spam.
var corpusGroups = []struct {
	name string
	spam bool
}{
	{"easy-ham-1", false}, {"easy-ham-2", false}, {"hard-ham-1", false},
	{"spam-1", true}, {"spam-2", true},
}

// readCorpus reads the SpamAssassin public corpus as the npm package lays it out (one
// .txt file a mail) and turns each mail into what a reply gives the filter: the
// subject and the decoded text of the body as text, the From header's name and
// address as meta. The other headers are left out: a reply has none, so a model
// that learnt from them would be measured on clues it never sees in use.
func readCorpus(dir string) ([]spam.Labeled, error) {
	var out []spam.Labeled
	for _, g := range corpusGroups {
		files, err := filepath.Glob(filepath.Join(dir, g.name, "*.txt"))
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("no mails in %s (run npm ci in infra/spamcorpus)", filepath.Join(dir, g.name))
		}
		slices.Sort(files)
		for _, f := range files {
			raw, err := os.ReadFile(f) // #nosec G304 G703 -- the corpus directory is the operator's own flag
			if err != nil {
				return nil, err
			}
			text, meta := parseMail(raw)
			out = append(out, spam.Labeled{Spam: g.spam, Text: text, Meta: meta, Source: g.name})
		}
	}
	return out, nil
}

// parseMail returns a mail's subject and body text and its sender; a mail that
// does not parse is taken as text whole.
func parseMail(raw []byte) (string, spam.Meta) {
	// The corpus's files start with an mbox "From " line, which is no header.
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			raw = raw[i+1:]
		}
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return string(raw), spam.Meta{}
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	var meta spam.Meta
	if from, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		meta = spam.Meta{Name: from.Name, Email: from.Address}
	}
	body := bodyText(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, 0)
	return subject + "\n" + body, meta
}

// bodyText decodes a body or a MIME part: text parts decoded from their transfer
// encoding (HTML reduced to its text and links), multiparts walked, everything else
// (attachments, images) named by its type only.
func bodyText(contentType, encoding string, r io.Reader, depth int) string {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") && params["boundary"] != "" && depth < 5 {
		var parts []string
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				break
			}
			parts = append(parts, bodyText(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p, depth+1))
		}
		return strings.Join(parts, "\n")
	}
	data, _ := io.ReadAll(decodeTransfer(encoding, io.LimitReader(r, 1<<20)))
	switch {
	case mediaType == "text/html":
		return htmlText(string(data))
	case strings.HasPrefix(mediaType, "text/"):
		return string(data)
	}
	return "attachment " + strings.ReplaceAll(mediaType, "/", " ")
}

func decodeTransfer(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, newlineStripper{r})
	}
	return r
}

// newlineStripper drops line breaks, which base64 bodies have every 76 characters.
type newlineStripper struct{ r io.Reader }

func (s newlineStripper) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	out := p[:0]
	for _, b := range p[:n] {
		if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
			out = append(out, b)
		}
	}
	return len(out), err
}

var (
	hrefPattern = regexp.MustCompile(`(?i)\b(?:href|src)\s*=\s*["']?([^"'\s>]+)`)
	tagPattern  = regexp.MustCompile(`(?s)<[^>]*>`)
	skipPattern = regexp.MustCompile(`(?is)<(script|style)[^>]*>.*?</(script|style)>`)
)

// htmlText is an HTML body's visible text followed by the targets of its links, so
// the links count as links as in a plain-text body.
func htmlText(s string) string {
	var links []string
	for _, m := range hrefPattern.FindAllStringSubmatch(s, -1) {
		if strings.HasPrefix(strings.ToLower(m[1]), "http") {
			links = append(links, m[1])
		}
	}
	s = skipPattern.ReplaceAllString(s, " ")
	s = tagPattern.ReplaceAllString(s, " ")
	return html.UnescapeString(s) + "\n" + strings.Join(links, "\n")
}
