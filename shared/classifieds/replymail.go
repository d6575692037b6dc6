package classifieds

import (
	"crypto/sha256"
	"encoding/hex"
	netmail "net/mail"
	"net/url"
	"strings"

	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// Pages of the replies, below /{lang}.
const (
	// PathReplies is the advertiser's list of replies.
	PathReplies = "/classifieds/replies"
	// PathReply is the replier's page of their reply (the copy's link).
	PathReply = "/classifieds/reply"
)

// ReplyLink is the replier's link to their reply: the page with the reply's id
// and the token, through which they delete it (and report no reaction).
func ReplyLink(base, lang, id, token string) string {
	return strings.TrimRight(base, "/") + "/" + lang + PathReply + "?id=" + url.QueryEscape(id) + "&token=" + url.QueryEscape(token)
}

// replyMailID is the id of a mail about a reply: derived from the reply and the
// kind, so queueing it twice (a release retried) sends it once.
func replyMailID(kind, replyID string) string {
	h := sha256.Sum256([]byte(kind + ":" + replyID))
	x := hex.EncodeToString(h[:16])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// advertiserMail is the reply mailed to its advertiser: the replier's name,
// address and text, with the replier as Reply-To, so answering is the
// advertiser's own choice by their own mail; the replier never sees the
// advertiser's address. Name and address hold no line break or control
// character (Validate), and net/mail encodes the name as an RFC 2047 word.
func advertiserMail(r Reply, p privacy.Person, base string) mail.Message {
	replyTo := (&netmail.Address{Name: r.Name, Address: r.Email}).String()
	list := strings.TrimRight(base, "/") + "/" + replyLang(p.Language) + PathReplies
	m := mail.Message{ID: replyMailID("reply-advertiser", r.ID), To: p.Email, Kind: "reply-advertiser",
		Headers: map[string]string{"Reply-To": replyTo}}
	if replyLang(p.Language) == "de" {
		m.Subject = "Antwort auf Ihr Inserat: " + r.ListingTitle
		m.Text = "Guten Tag,\n\nauf Ihr Inserat „" + r.ListingTitle + "“ auf HandGegenKoje.de hat jemand geantwortet.\n\n" +
			"Name: " + r.Name + "\nE-Mail: " + r.Email + "\n\n" + r.Message + "\n\n" +
			"Wenn Sie auf diese E-Mail antworten, geht Ihre Antwort an die oben genannte Adresse; Ihre eigene Adresse erfährt der Absender erst dadurch. " +
			"Alle Antworten finden Sie nach der Anmeldung hier:\n" + list + "\n"
		return m
	}
	m.Subject = "Reply to your listing: " + r.ListingTitle
	m.Text = "Hello,\n\nSomeone replied to your listing \"" + r.ListingTitle + "\" on HandGegenKoje.de.\n\n" +
		"Name: " + r.Name + "\nEmail: " + r.Email + "\n\n" + r.Message + "\n\n" +
		"If you answer this email, your answer goes to the address above; only then does the sender learn your own address. " +
		"All replies are here after signing in:\n" + list + "\n"
	return m
}

// copyMail is the replier's copy, mailed only after the spam check. A
// delivered reply's copy holds the reply's text; a withheld one's holds no
// text at all (nor the name or anything else the sender wrote), only a neutral
// receipt, so the form cannot carry a message to a stranger's address. Both
// carry the reply's link. Unsolicited: anyone can type any address into the
// form, so the outbox sends at most ratelimit.MailToAddress of these to one
// address and drops the rest.
func copyMail(r Reply, base, token string) mail.Message {
	link := ReplyLink(base, replyLang(r.Language), r.ID, token)
	m := mail.Message{ID: replyMailID("reply-copy", r.ID), To: r.Email, Kind: "reply-copy", Unsolicited: true}
	de := replyLang(r.Language) == "de"
	switch {
	case de && r.Held():
		m.Subject = "Ihre Antwort auf HandGegenKoje.de"
		m.Text = "Guten Tag,\n\nüber das Antwortformular von HandGegenKoje.de ist eine Antwort mit dieser E-Mail-Adresse eingegangen.\n\n" +
			"Über diesen Link können Sie sie löschen:\n" + link + "\n\nWenn Sie nichts gesendet haben, ignorieren Sie diese Nachricht.\n"
	case de:
		m.Subject = "Kopie Ihrer Antwort auf HandGegenKoje.de"
		m.Text = "Guten Tag,\n\nSie haben auf das Inserat „" + r.ListingTitle + "“ geantwortet. Ihre Nachricht wurde dem Inserenten zugestellt:\n\n" +
			r.Message + "\n\nÜber diesen Link können Sie Ihre Antwort löschen:\n" + link +
			"\n\nDie E-Mail-Adresse des Inserenten erfahren Sie, wenn er Ihnen antwortet.\n"
	case r.Held():
		m.Subject = "Your reply on HandGegenKoje.de"
		m.Text = "Hello,\n\nA reply with this email address was received through the reply form of HandGegenKoje.de.\n\n" +
			"You can delete it through this link:\n" + link + "\n\nIf you sent nothing, ignore this message.\n"
	default:
		m.Subject = "Copy of your reply on HandGegenKoje.de"
		m.Text = "Hello,\n\nYou replied to the listing \"" + r.ListingTitle + "\". Your message was delivered to the advertiser:\n\n" +
			r.Message + "\n\nYou can delete your reply through this link:\n" + link +
			"\n\nYou learn the advertiser's email address when they answer you.\n"
	}
	return m
}

// replyLang is a mail's language: German or English.
func replyLang(l string) string {
	if l == "de" {
		return "de"
	}
	return "en"
}
