package network

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// A post's or comment's text is stored exactly as written and turned into HTML
// only when read, by Render: every character is escaped, blank lines make
// paragraphs, single line breaks stay, and http(s) addresses become links that
// open nothing by themselves (no image, no embed, no script, no style: the HTML
// can hold only <p>, <br> and <a href rel>). A video link is a link like any other.

// linkPattern finds the web addresses in a text: http:// or https:// up to the
// next space or character that cannot end one.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"']+`)

// linkRel is the rel of every link a member wrote: no referrer, no credit to the
// target, no access to the page that opened it.
const linkRel = "nofollow noopener noreferrer ugc"

// bidiControls are the explicit embedding, override and isolate controls
// (U+202A–U+202E, U+2066–U+2069). Rendered, they reorder what follows them on
// screen: a link's text could read as another address than the one it opens, a
// name as another name. Render drops them; the stored text keeps them, and the
// implicit marks (U+200E, U+200F) that right-to-left writing needs stay.
var bidiControls = strings.NewReplacer(
	"\u202a", "", "\u202b", "", "\u202c", "", "\u202d", "", "\u202e", "",
	"\u2066", "", "\u2067", "", "\u2068", "", "\u2069", "")

// Render turns a stored text into sanitised HTML.
func Render(text string) string {
	var b strings.Builder
	text = bidiControls.Replace(text)
	for i, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.Trim(para, "\n")
		if para == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			b.WriteString("\n")
		}
		b.WriteString("<p>")
		for j, line := range strings.Split(para, "\n") {
			if j > 0 {
				b.WriteString("<br>")
			}
			renderLine(&b, line)
		}
		b.WriteString("</p>")
	}
	return b.String()
}

// renderLine escapes a line and links its web addresses.
func renderLine(b *strings.Builder, line string) {
	last := 0
	for _, m := range linkPattern.FindAllStringIndex(line, -1) {
		start, end := m[0], m[1]
		// A sentence's closing punctuation is not part of the address.
		for end > start && strings.ContainsRune(".,;:!?)]", rune(line[end-1])) {
			end--
		}
		b.WriteString(html.EscapeString(line[last:start]))
		addr := line[start:end]
		if u, err := url.Parse(addr); err == nil && u.Host != "" && u.User == nil {
			b.WriteString(`<a href="` + html.EscapeString(u.String()) + `" rel="` + linkRel + `">` + html.EscapeString(addr) + `</a>`)
		} else {
			b.WriteString(html.EscapeString(addr))
		}
		last = end
	}
	b.WriteString(html.EscapeString(line[last:]))
}

// videoHosts are the hosts whose links are labelled as videos. They stay links:
// nothing of the host is loaded when a post is read.
var videoHosts = []string{"youtube.com", "youtu.be", "vimeo.com", "dailymotion.com"}

// isVideo tells whether a link points to a video platform.
func isVideo(u string) bool {
	p, err := url.Parse(u)
	if err != nil {
		return false
	}
	h := strings.TrimPrefix(strings.ToLower(p.Hostname()), "www.")
	for _, v := range videoHosts {
		if h == v || strings.HasSuffix(h, "."+v) {
			return true
		}
	}
	return false
}
