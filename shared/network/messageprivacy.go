package network

import "kontor/shared/privacy"

// messagesKind declares direct messages: each side's copies (sealed), the
// sides and the pair index. Legal basis: the contract; the messages are the
// service the member uses.
var messagesKind = privacy.Kind{ID: "network.messages", Module: "network", Table: "NetworkTable",
	Category: privacy.Text{DE: "Direktnachrichten (verschlüsselt gespeichert)", EN: "Direct messages (stored encrypted)"},
	Fields:   []string{"conversation", "side", "peer", "lastAt", "createdAt", "id", "mine", "at", "cipher"},
	Purpose: privacy.Text{
		DE: "Nachrichten zwischen Ihnen und einem anderen Mitglied: nur Sie beide sehen sie, jede Seite hat ihre eigene Kopie und löscht sie selbst. Eine gelöschte Nachricht kann niemand wiederherstellen; es wird keine E-Mail mit ihrem Inhalt verschickt und sie ist nicht durchsuchbar.",
		EN: "Messages between you and another member: only the two of you see them, each side has its own copy and deletes it on its own. A deleted message cannot be restored by anyone; no email carries its content and it cannot be searched."},
	LegalBasis: privacy.Contract,
	Retention: privacy.Retention{Rule: privacy.Text{
		DE: "Bis Sie die Nachricht oder das ganze Gespräch löschen; spätestens bei der Deaktivierung Ihres Zugangs. Das andere Mitglied behält seine Kopie; Ihr Name und Ihre Kennung verschwinden daraus, es zeigt dann ein ehemaliges Mitglied.",
		EN: "Until you delete the message or the whole conversation; at the latest when your access is deactivated. The other member keeps their copy; your name and id leave it, which then shows a former member."}},
	Recipients: privacy.Text{DE: "Das andere Mitglied des Gesprächs (außer wenn es Sie blockiert hat).", EN: "The other member of the conversation (unless they blocked you)."},
	Source:     privacy.Text{DE: "Von Ihnen und dem anderen Mitglied, auf der Seite des Gesprächs.", EN: "From you and the other member, on the conversation's page."}}

// messageKeysKind declares the keys that open a side's copies. They hold no
// text, only what unlocks it; deleting them is what makes a deletion final.
var messageKeysKind = privacy.Kind{ID: "network.messagekeys", Module: "network", Table: "MessageKeysTable",
	Category: privacy.Text{DE: "Schlüssel Ihrer Direktnachrichten", EN: "Keys of your direct messages"},
	Fields:   []string{"sealed"},
	Purpose: privacy.Text{
		DE: "Ihre Kopie jeder Nachricht verschlüsseln; mit dem Schlüssel wird die Nachricht gelöscht, sodass keine verbliebene Kopie (etwa in einer Sicherung) mehr lesbar ist.",
		EN: "Encrypt your copy of each message; the key is deleted with the message, so that no remaining copy (in a backup, say) can be read any more."},
	LegalBasis: privacy.Contract,
	Retention: privacy.Retention{Rule: privacy.Text{
		DE: "Wie die Nachrichten, die sie öffnen; sie werden nie gesichert.",
		EN: "As the messages they open; they are never backed up."}},
	Recipients: privacy.Text{DE: "Niemand; sie verlassen den Dienst nie.", EN: "No one; they never leave the service."},
	Source:     privacy.Text{DE: "Vom Dienst erzeugt.", EN: "Made by the service."}}
