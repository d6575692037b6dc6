package identity

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"kontor/shared/ids"
	"kontor/shared/mail"
)

// Mail kinds the identity module sends.
const (
	mailConfirm        = "confirm"
	mailAlreadyExists  = "already-registered"
	mailInvitation     = "invitation"
	mailReset          = "reset"
	mailEmailChange    = "email-change"
	mailEmailInUse     = "email-in-use"
	mailEmailChanged   = "email-changed"
	mailPasswordChange = "password-changed"
	mailSignIn         = "signin-link"
)

type mailText struct{ subject, body string }

// unsolicited are the kinds anyone can cause to be sent to an address by entering
// it; the outbox bounds them per recipient.
var unsolicited = map[string]bool{
	mailConfirm: true, mailAlreadyExists: true, mailReset: true, mailEmailChange: true, mailEmailInUse: true,
	mailSignIn: true,
}

var mailTexts = map[string]map[string]mailText{
	mailSignIn: {
		"de": {"Ihr Anmeldelink", "Guten Tag,\n\nmit diesem Link melden Sie sich an (er gilt 15 Minuten und nur einmal; auf der Seite drücken Sie „Anmelden“):\n\n{{.Link}}\n\nEin eigenes Passwort können Sie jederzeit über „Passwort vergessen?“ auf der Anmeldeseite festlegen.\n\nWenn Sie diesen Link nicht angefordert haben, ignorieren Sie diese E-Mail; ohne den Link meldet sich niemand an.\n"},
		"en": {"Your sign-in link", "Hello,\n\nthis link signs you in (it is valid for 15 minutes and works once; on the page, press \"Sign in\"):\n\n{{.Link}}\n\nYou can set a password of your own at any time through \"Forgot your password?\" on the sign-in page.\n\nIf you did not ask for this link, ignore this email; without the link nobody signs in.\n"},
	},
	mailConfirm: {
		"de": {"Ihr Zugang: Passwort festlegen", "Guten Tag,\n\nfür diese E-Mail-Adresse wurde ein Zugang angelegt. Legen Sie hier Ihr Passwort fest (der Link gilt 24 Stunden und nur einmal):\n\n{{.Link}}\n\nWenn Sie keinen Zugang angefordert haben, ignorieren Sie diese E-Mail: Die unbestätigte Anfrage mit dieser Adresse wird nach 7 Tagen gelöscht.\n"},
		"en": {"Your access: set your password", "Hello,\n\naccess was requested for this email address. Set your password here (the link is valid for 24 hours and works once):\n\n{{.Link}}\n\nIf you did not ask for access, ignore this email: the unconfirmed request with this address is deleted after 7 days.\n"},
	},
	mailAlreadyExists: {
		"de": {"Ihr Zugang besteht bereits", "Guten Tag,\n\njemand (vielleicht Sie) wollte mit dieser E-Mail-Adresse einen Zugang anlegen. Sie haben bereits einen Zugang. Falls Sie Ihr Passwort vergessen haben, setzen Sie es hier zurück:\n\n{{.Link}}\n\nWenn Sie das nicht waren, müssen Sie nichts tun.\n"},
		"en": {"You already have access", "Hello,\n\nsomeone (perhaps you) tried to create access with this email address. You already have access. If you forgot your password, reset it here:\n\n{{.Link}}\n\nIf this was not you, there is nothing to do.\n"},
	},
	mailInvitation: {
		"de": {"Einladung: Ihr vorläufiges Passwort", "Guten Tag,\n\nSie wurden als Mitglied eingeladen. Melden Sie sich hier an:\n\n{{.Link}}\n\nE-Mail-Adresse: diese Adresse\nVorläufiges Passwort: {{.Password}}\n\nBei der ersten Anmeldung müssen Sie dieses Passwort ändern; vorher ist nichts anderes möglich.\n"},
		"en": {"Invitation: your temporary password", "Hello,\n\nyou have been invited as a member. Sign in here:\n\n{{.Link}}\n\nEmail address: this address\nTemporary password: {{.Password}}\n\nAt your first sign-in you must change this password; nothing else works before that.\n"},
	},
	mailReset: {
		"de": {"Passwort zurücksetzen", "Guten Tag,\n\nSie können hier ein neues Passwort festlegen (der Link gilt eine Stunde und nur einmal):\n\n{{.Link}}\n\nWenn Sie das nicht angefordert haben, ignorieren Sie diese E-Mail; Ihr Passwort bleibt unverändert.\n"},
		"en": {"Reset your password", "Hello,\n\nyou can set a new password here (the link is valid for one hour and works once):\n\n{{.Link}}\n\nIf you did not ask for this, ignore this email; your password stays as it is.\n"},
	},
	mailEmailChange: {
		"de": {"Neue E-Mail-Adresse bestätigen", "Guten Tag,\n\nbitte bestätigen Sie, dass diese Adresse künftig für Ihren Zugang gilt (der Link gilt 24 Stunden und nur einmal):\n\n{{.Link}}\n\nBis zur Bestätigung bleibt die bisherige Adresse gültig.\n"},
		"en": {"Confirm your new email address", "Hello,\n\nplease confirm that this address is to be used for your access from now on (the link is valid for 24 hours and works once):\n\n{{.Link}}\n\nUntil you confirm, your previous address stays in use.\n"},
	},
	mailEmailInUse: {
		"de": {"Änderung der E-Mail-Adresse", "Guten Tag,\n\njemand wollte diese E-Mail-Adresse für einen Zugang eintragen. Für diese Adresse besteht bereits ein Zugang, daher wurde nichts geändert. Wenn Sie das nicht waren, müssen Sie nichts tun.\n"},
		"en": {"Email address change", "Hello,\n\nsomeone tried to use this email address for an access. An access with this address already exists, so nothing was changed. If this was not you, there is nothing to do.\n"},
	},
	mailEmailChanged: {
		"de": {"Ihre E-Mail-Adresse wurde geändert", "Guten Tag,\n\ndie E-Mail-Adresse Ihres Zugangs wurde geändert; Mitteilungen gehen künftig an die neue Adresse. Wenn Sie das nicht waren, wenden Sie sich bitte sofort an uns.\n"},
		"en": {"Your email address was changed", "Hello,\n\nthe email address of your access was changed; mail now goes to the new address. If this was not you, please contact us at once.\n"},
	},
	mailPasswordChange: {
		"de": {"Ihr Passwort wurde geändert", "Guten Tag,\n\ndas Passwort Ihres Zugangs wurde geändert und alle anderen Anmeldungen wurden beendet. Wenn Sie das nicht waren, setzen Sie Ihr Passwort hier zurück:\n\n{{.Link}}\n"},
		"en": {"Your password was changed", "Hello,\n\nthe password of your access was changed and all other sign-ins were ended. If this was not you, reset your password here:\n\n{{.Link}}\n"},
	},
}

// mailData fills a mail template.
type mailData struct {
	Link     string
	Password string
}

// composeMail renders the mail of kind in lang (English unless "de") to one recipient.
func composeMail(now time.Time, to, lang, kind string, d mailData) (mail.Message, error) {
	if lang != "de" {
		lang = "en"
	}
	t, ok := mailTexts[kind][lang]
	if !ok {
		return mail.Message{}, fmt.Errorf("no mail text %s/%s", kind, lang)
	}
	// A plain replacer, not text/template: the template package's reflection keeps
	// every exported method in the binary and costs megabytes per function.
	body := strings.NewReplacer("{{.Link}}", d.Link, "{{.Password}}", d.Password).Replace(t.body)
	return mail.Message{ID: ids.NewV7(now), To: to, Subject: "Kontor: " + t.subject, Text: body, Kind: kind, Unsolicited: unsolicited[kind]}, nil
}

// link builds a portal link with a token in the query.
func link(base, path, token string) string {
	u := strings.TrimRight(base, "/") + path
	if token != "" {
		u += "?token=" + url.QueryEscape(token)
	}
	return u
}
