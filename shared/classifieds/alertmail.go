package classifieds

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"kontor/shared/mail"
)

// AlertUnsubscribePath is the API route of the one-click links in alert mails.
const AlertUnsubscribePath = "/v1/alerts/unsubscribe"

// AlertUnsubscribeURL is an alert mail's one-click link.
func AlertUnsubscribeURL(base, token string) string {
	return strings.TrimRight(base, "/") + AlertUnsubscribePath + "?token=" + url.QueryEscape(token)
}

// ListingURL is a listing's public page in the language.
func ListingURL(base, lang, id string) string {
	return strings.TrimRight(base, "/") + "/" + lang + "/listings/listing?id=" + url.QueryEscape(id)
}

// alertTexts are an alert mail's parts in one language: the subject of one
// listing (%[1]s its title), of a digest (%[1]d how many), the greeting, the
// line of a listing's trip (%[1]s from, %[2]s to) and the closing with %[1]s
// the one-click link.
var alertTexts = map[string][5]string{
	"de": {"HandGegenKoje: Neues Inserat „%[1]s“", "HandGegenKoje: %[1]d neue Inserate zu Ihrem Suchauftrag",
		"Guten Tag,\n\nzu Ihrem Suchauftrag gibt es neue Inserate:\n", "Törn: %[1]s bis %[2]s",
		"Sie erhalten diese E-Mail, weil Sie einen Suchauftrag angelegt haben. Beenden können Sie ihn in Ihrem Konto oder mit einem Klick auf diesen Link:\n\n%[1]s\n\nIhr HandGegenKoje.de"},
	"en": {"HandGegenKoje: New listing “%[1]s”", "HandGegenKoje: %[1]d new listings for your alert",
		"Hello,\n\nthere are new listings for your alert:\n", "Trip: %[1]s to %[2]s",
		"You get this email because you set up an alert. End it in your account or with one click on this link:\n\n%[1]s\n\nYour HandGegenKoje.de"},
}

// oneLine makes a listing's title safe for a subject: control characters
// (line breaks above all) become spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// AlertMail is the mail about new listings for an alert, in the language
// (German unless "en"): per listing its title, trip and link, nothing of the
// advertiser; the one-click link in the header fields (RFC 8058) and the text.
func AlertMail(lang string, ls []Listing, base, token string) mail.Message {
	if lang != "en" {
		lang = "de"
	}
	t := alertTexts[lang]
	subject := fmt.Sprintf(t[1], len(ls))
	if len(ls) == 1 {
		subject = fmt.Sprintf(t[0], oneLine(ls[0].Title))
	}
	var b strings.Builder
	b.WriteString(t[2])
	for _, l := range ls {
		fmt.Fprintf(&b, "\n%s\n%s\n%s\n", oneLine(l.Title), fmt.Sprintf(t[3], l.From, l.To), ListingURL(base, lang, l.ID))
	}
	unsub := AlertUnsubscribeURL(base, token)
	b.WriteString("\n" + fmt.Sprintf(t[4], unsub))
	return mail.Message{Subject: subject, Text: b.String(), Kind: "listing-alert", Headers: mail.OneClick(unsub)}
}
