package network

import (
	"context"
	"errors"
	"fmt"

	"kontor/shared/mail"
	"kontor/shared/privacy"
)

// RequestMail tells the recipient of a new contact request by mail (HKC-8). The
// mail says only that a member sent a request and links the contacts page: it
// names no one and never carries the note. Address and language are read from the
// account when the mail is made (People), not copied.
type RequestMail struct {
	People  privacy.Resolver
	Outbox  Outbox
	BaseURL string
}

// requestMailTexts are the mail's subject and text: %[1]s the contacts page.
var requestMailTexts = map[string][2]string{
	"de": {"Kontor: Neue Kontaktanfrage",
		"Hallo,\n\nein Mitglied des Netzwerks hat Ihnen eine Kontaktanfrage gesendet. Sie sehen sie nach der Anmeldung auf der Seite „Meine Kontakte“ und nehmen sie dort an oder lehnen sie ab:\n\n%[1]s\n\nIhr Kontor"},
	"en": {"Kontor: New contact request",
		"Hello,\n\na member of the network sent you a contact request. Sign in to see it on the page “My contacts”, where you accept or decline it:\n\n%[1]s\n\nYour Kontor"},
}

// ConnectionRequestMail is the mail about a new contact request in lang (German
// unless "en").
func ConnectionRequestMail(lang, base string) mail.Message {
	if lang != "en" {
		lang = "de"
	}
	t := requestMailTexts[lang]
	return mail.Message{Subject: t[0], Text: fmt.Sprintf(t[1], base+"/"+lang+"/network/connections"), Kind: "connection-request"}
}

// NewRequest queues the mail about request id to the account to; an account gone
// meanwhile gets none. The request's id is the mail's, so a repeat queues nothing
// twice.
func (m RequestMail) NewRequest(ctx context.Context, to, id string) error {
	person, err := m.People.Person(ctx, to)
	if errors.Is(err, privacy.ErrUnknownPerson) || (err == nil && person.Email == "") {
		return nil
	}
	if err != nil {
		return err
	}
	msg := ConnectionRequestMail(person.Language, m.BaseURL)
	msg.ID, msg.To = id, person.Email
	return m.Outbox.Deliver(ctx, msg)
}
