package classifieds

import (
	netmail "net/mail"
	"strings"
	"testing"

	"kontor/shared/privacy"
)

// A name made to break out of the Reply-To header (quotes, commas, angle
// brackets, encoded words) stays one display name of the one replier's address:
// the header never names a second recipient.
func TestReplyToNamesOnlyTheReplier(t *testing.T) {
	for _, name := range []string{
		`x" <evil@example.net>, "y`,
		`Anna, Bcc: evil@example.net`,
		`=?utf-8?q?evil=0D=0ABcc:_evil@example.net?=`,
		`Jürgen <evil@example.net>`,
		`\"quoted\\`,
	} {
		m := advertiserMail(Reply{ID: "r1", Name: name, Email: "anna@example.org", Message: "hi", ListingTitle: "t"},
			privacy.Person{Email: "skipper@example.org", Language: "en"}, "https://hgk.example")
		v := m.Headers["Reply-To"]
		if strings.ContainsAny(v, "\r\n") {
			t.Fatalf("%q: line break in %q", name, v)
		}
		list, err := netmail.ParseAddressList(v)
		if err != nil || len(list) != 1 || list[0].Address != "anna@example.org" {
			t.Fatalf("%q: Reply-To %q parses as %v, %v", name, v, list, err)
		}
		if m.To != "skipper@example.org" || strings.Contains(m.Text, "evil@example.net") && !strings.Contains(m.Text, name) {
			t.Fatalf("%q: mail %+v", name, m)
		}
	}
}
