package main

import (
	"strings"
	"testing"
)

func TestParseMailMultipartEncodings(t *testing.T) {
	raw := "From someone@example.com  Thu Aug 22 12:36:23 2002\n" +
		"From: =?iso-8859-1?q?J=F6rg_M=FCller?= <joerg@example.de>\n" +
		"Subject: =?utf-8?b?R3LDvMOfZQ==?=\n" +
		"Content-Type: multipart/alternative; boundary=\"XX\"\n" +
		"\n" +
		"preamble\n" +
		"--XX\n" +
		"Content-Type: text/plain; charset=utf-8\n" +
		"Content-Transfer-Encoding: quoted-printable\n" +
		"\n" +
		"Sch=C3=B6ne Gr=C3=BC=\n" +
		"=C3=9Fe\n" +
		"--XX\n" +
		"Content-Type: text/html\n" +
		"Content-Transfer-Encoding: base64\n" +
		"\n" +
		"PHA+Q2xpY2sgPGEgaHJlZj0iaHR0cDovL3NwYW0uZXhhbXBsZS9idXkiPmhlcmU8L2E+\n" +
		"ICZhbXA7IHNhdmU8L3A+PHN0eWxlPi5oaWRkZW57fTwvc3R5bGU+\n" +
		"--XX\n" +
		"Content-Type: image/gif\n" +
		"\n" +
		"GIF89a\n" +
		"--XX--\n"
	text, meta := parseMail([]byte(raw))
	if meta.Name != "Jörg Müller" || meta.Email != "joerg@example.de" {
		t.Errorf("meta %+v", meta)
	}
	for _, want := range []string{"Grüße\n", "Schöne Grüße", "Click", "here", "& save", "http://spam.example/buy", "attachment image gif"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in %q", want, text)
		}
	}
	for _, not := range []string{"<p>", "hidden", "preamble", "GIF89a"} {
		if strings.Contains(text, not) {
			t.Errorf("%q in %q", not, text)
		}
	}
}

func TestParseMailUnparsableIsTakenWhole(t *testing.T) {
	text, meta := parseMail([]byte("no headers at all, just words"))
	if text != "no headers at all, just words" || meta != (struct{ Name, Email string }{}) {
		t.Errorf("%q %+v", text, meta)
	}
}
