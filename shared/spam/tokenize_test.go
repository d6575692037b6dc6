package spam

import (
	"slices"
	"testing"
)

func TestTokenizeFoldsCaseAndGermanLetters(t *testing.T) {
	toks := Tokenize("Größe der Überführung: GRÖSSE, Grösse und Groesse. Straße café", Meta{})
	for _, want := range []string{"groesse", "der", "ueberfuehrung", "und", "strasse", "cafe"} {
		if !slices.Contains(toks, want) {
			t.Errorf("no %q in %q", want, toks)
		}
	}
	n := 0
	for _, tok := range toks {
		if tok == "groesse" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("groesse %d times, want once (a token counts once a message)", n)
	}
	if slices.Contains(toks, "der:") || slices.Contains(toks, "an") {
		t.Errorf("punctuation or short words kept: %q", toks)
	}
}

func TestTokenizeLongWordsAndNumbers(t *testing.T) {
	toks := Tokenize("Mitsegelgelegenheit aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 2025 1234567", Meta{})
	for _, want := range []string{"mitsegelgelegenheit", "skip:a 40", "2025", "num:7"} {
		if !slices.Contains(toks, want) {
			t.Errorf("no %q in %q", want, toks)
		}
	}
}

func TestTokenizeLinks(t *testing.T) {
	toks := Tokenize("see http://Login.Secure-Bank.example.co.uk:8080/verify?x=1, and www.casino.example.org.", Meta{})
	for _, want := range []string{
		"links:2", "url:host:login.secure-bank.example.co.uk", "url:dom:example.co.uk", "url:tld:uk",
		"url:port", "url:path", "url:secure", "url:bank", "url:verify", "url:casino", "url:dom:example.org",
	} {
		if !slices.Contains(toks, want) {
			t.Errorf("no %q in %q", want, toks)
		}
	}
	if slices.Contains(toks, "verify") || slices.Contains(toks, "casino") {
		t.Errorf("a link's parts became words: %q", toks)
	}
	if toks := Tokenize("no link here", Meta{}); !slices.Contains(toks, "links:0") {
		t.Errorf("no links:0 in %q", toks)
	}
	if toks := Tokenize("http://1.2.3.4/a http://a.de http://b.de http://c.de http://d.de http://e.de", Meta{}); !slices.Contains(toks, "url:ip") || !slices.Contains(toks, "links:6-10") {
		t.Errorf("want url:ip and links:6-10 in %q", toks)
	}
}

func TestTokenizeHeaderLines(t *testing.T) {
	toks := Tokenize("Hallo\nBcc: a@b.example\n  subject : Angebot\nContent-Type: text/html\nI wrote to: him", Meta{})
	for _, want := range []string{"hdr:bcc", "hdr:subject", "hdr:content-type", "email:dom:b.example", "emails:1"} {
		if !slices.Contains(toks, want) {
			t.Errorf("no %q in %q", want, toks)
		}
	}
	if slices.Contains(toks, "hdr:to") {
		t.Errorf("a colon mid-line taken as a header line: %q", toks)
	}
}

func TestTokenizeStructure(t *testing.T) {
	cases := []struct {
		text string
		want []string
		not  []string
	}{
		{"ACT NOW AND GET THE BEST OFFER OF YOUR LIFE", []string{"caps:50+"}, nil},
		{"Hallo, ich habe Interesse an der Koje im Juli.", []string{"caps:0-20"}, []string{"caps:50+", "money", "wallet"}},
		{"Only $1,000 today", []string{"money"}, nil},
		{"Nur 500 € am Tag", []string{"money"}, nil},
		{"Bordkasse etwa 20 Euro pro Tag", []string{"money"}, nil},
		{"send to bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh now", []string{"wallet"}, nil},
		{"pay 0x52908400098527886E0F7030069857D2E4169EE7", []string{"wallet"}, nil},
		{"5 % Rendite!!", []string{"percent", "punct:!!"}, nil},
		{"Ruf an: +49 151 2345678", []string{"phone"}, nil},
		{"buy cheap watches now\nbuy cheap watches now\nbuy cheap watches now", []string{"repeat:lines:many"}, nil},
		{"a b c d e f g h i j k l m n o p q r s t", nil, []string{"repeat:words"}},
		{"win win win win win win win win win win win win win win win win win win win win", []string{"repeat:words"}, nil},
	}
	for _, c := range cases {
		toks := Tokenize(c.text, Meta{})
		for _, w := range c.want {
			if !slices.Contains(toks, w) {
				t.Errorf("%q: no %q in %q", c.text, w, toks)
			}
		}
		for _, n := range c.not {
			if slices.Contains(toks, n) {
				t.Errorf("%q: %q in %q", c.text, n, toks)
			}
		}
	}
}

func TestTokenizeSender(t *testing.T) {
	toks := Tokenize("Hallo", Meta{Name: "Jörg Müller", Email: "segler77@mail.Example.DE"})
	for _, want := range []string{"from:dom:example.de", "from:tld:de", "from:digits", "name:joerg", "name:mueller", "hallo"} {
		if !slices.Contains(toks, want) {
			t.Errorf("no %q in %q", want, toks)
		}
	}
	if toks := Tokenize("Hallo", Meta{}); slices.ContainsFunc(toks, func(s string) bool { return len(s) > 5 && s[:5] == "from:" }) {
		t.Errorf("sender tokens without a sender: %q", toks)
	}
}

func TestTokenizeInvalidUTF8(t *testing.T) {
	toks := Tokenize("Hallo \xff\xfe Welt", Meta{})
	if !slices.Contains(toks, "hallo") || !slices.Contains(toks, "welt") {
		t.Errorf("tokens %q", toks)
	}
}
