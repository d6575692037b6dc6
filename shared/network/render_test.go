package network

import (
	"strings"
	"testing"
)

func TestRenderEscapesEverythingAndLinksOnlyWebAddresses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Hallo <b>Welt</b> & \"du\"", "<p>Hallo &lt;b&gt;Welt&lt;/b&gt; &amp; &#34;du&#34;</p>"},
		{"<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"},
		{"eins\nzwei\n\ndrei", "<p>eins<br>zwei</p>\n<p>drei</p>"},
		{"Siehe https://example.org/a?b=1&c=2.", `<p>Siehe <a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer ugc">https://example.org/a?b=1&amp;c=2</a>.</p>`},
		{"javascript:alert(1) data:text/html,<x>", "<p>javascript:alert(1) data:text/html,&lt;x&gt;</p>"},
		{`<img src="https://tracker.example/p.gif">`, `<p>&lt;img src=&#34;<a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer ugc">https://tracker.example/p.gif</a>&#34;&gt;</p>`},
		{"http://user:pw@example.org", "<p>http://user:pw@example.org</p>"},
	} {
		if got := Render(tc.in); got != tc.want {
			t.Errorf("Render(%q)\n got %s\nwant %s", tc.in, got, tc.want)
		}
	}
}

// Whatever is written, the HTML holds no element but p, br and a, and no
// attribute but href and rel.
func FuzzRenderHoldsOnlyParagraphsBreaksAndLinks(f *testing.F) {
	for _, s := range []string{"<script>", "https://a.example/\"onmouseover=x", "a\n\nb\nc", "https://x.example/<img>", "<a href=javascript:x>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Render(s)
		rest := out
		for {
			i := strings.IndexByte(rest, '<')
			if i < 0 {
				break
			}
			rest = rest[i:]
			ok := false
			for _, tag := range []string{"<p>", "</p>", "<br>", "</a>", `<a href="`} {
				if strings.HasPrefix(rest, tag) {
					ok = true
				}
			}
			if !ok {
				t.Fatalf("Render(%q) = %q holds %q", s, out, rest[:min(len(rest), 20)])
			}
			if strings.HasPrefix(rest, `<a href="`) {
				end := strings.IndexByte(rest, '>')
				attrs := rest[len(`<a href="`):end]
				href, tail, _ := strings.Cut(attrs, `"`)
				if strings.ContainsAny(href, "<>\"'") || !(strings.HasPrefix(href, "http://") || strings.HasPrefix(href, "https://")) || tail != ` rel="nofollow noopener noreferrer ugc"` {
					t.Fatalf("Render(%q) = %q: link %q", s, out, attrs)
				}
			}
			rest = rest[1:]
		}
	})
}

func TestVideoLinksAreLabelledNotEmbedded(t *testing.T) {
	for u, want := range map[string]bool{"https://www.youtube.com/watch?v=x": true, "https://youtu.be/x": true, "https://vimeo.com/1": true,
		"https://notyoutube.com/x": false, "https://example.org/video": false} {
		if isVideo(u) != want {
			t.Errorf("isVideo(%q) = %v", u, !want)
		}
	}
}

// Bidi overrides and isolates never reach the page: a link whose text would read
// as another address, or a name reversed on screen, is rendered in logical order.
func TestRenderDropsBidiOverridesButKeepsMarks(t *testing.T) {
	got := Render("see https://example.org/\u202egpj.exe and \u2067name\u2069 \u200fשלום")
	if strings.ContainsAny(got, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
		t.Fatalf("bidi control rendered: %q", got)
	}
	if !strings.Contains(got, `<a href="https://example.org/gpj.exe"`) || !strings.Contains(got, "name") {
		t.Fatalf("text lost: %q", got)
	}
	if !strings.Contains(got, "\u200fשלום") {
		t.Fatalf("right-to-left mark dropped: %q", got)
	}
}
