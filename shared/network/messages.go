package network

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"kontor/shared/ids"
	"kontor/shared/problem"
)

// Direct messages (HKC-7): a conversation between two members, each with their
// own side (a and b) that they read and delete on their own. Every message is
// stored once per side, sealed under that side's keys (messagecrypt.go), so that
// deleting a message or a side destroys the only keys that open its copies: what
// is left anywhere (point-in-time recovery of the network table, a backup) is
// unreadable. No text is kept in the clear anywhere, nothing is mailed, nothing
// is indexed for search.

// Limits of direct messages.
const (
	MaxMessageText = 5000
	// MaxMessageBody holds a text at its cap in the widest UTF-8 (4 bytes a
	// character) as a JSON string with room for escapes.
	MaxMessageBody      = 24 << 10
	MaxMessagePage      = 100
	MaxConversationPage = 100
)

// directionOverrides are the explicit direction embeddings, overrides and
// isolates: one in a message makes what follows it show in another order than
// it is written (a web address that reads as another), so a message refuses
// them as it refuses control characters. Right-to-left text needs none of them
// (the marks U+200E and U+200F stay allowed).
const directionOverrides = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

// Problems of direct messages (409).
var (
	// CodeRecipientBlocked refuses a message to a member the sender blocked.
	CodeRecipientBlocked = problem.Define("recipient_blocked",
		"Sie haben dieses Mitglied blockiert. Heben Sie die Blockierung auf, um ihm zu schreiben.",
		"You have blocked this member. Unblock them to write to them.")
	// CodeConversationClosed refuses a message to a former member.
	CodeConversationClosed = problem.Define("conversation_closed",
		"Dieses Mitglied ist nicht mehr im Netzwerk. Sie können das Gespräch lesen und löschen, aber nicht mehr schreiben.",
		"This member is no longer in the network. You can read and delete the conversation, but no longer write.")
)

// Side is one member's side of a conversation as stored: which side (a or b)
// and with whom. Peer is empty once the other member left the network (erased);
// the side then stays, shown from a former member.
type Side struct {
	AccountID      string    `dynamodbav:"accountId"`
	ConversationID string    `dynamodbav:"conversation"`
	Side           string    `dynamodbav:"side"`
	Peer           string    `dynamodbav:"peer,omitempty"`
	Former         bool      `dynamodbav:"former,omitempty"`
	CreatedAt      time.Time `dynamodbav:"createdAt"`
	LastAt         time.Time `dynamodbav:"lastAt"`
}

// OtherSide is the other side's letter.
func OtherSide(side string) string {
	if side == "a" {
		return "b"
	}
	return "a"
}

// Sealed is one side's copy of a message as stored: the text sealed under a
// per-message key (Key, itself sealed under the side's key, kept apart in the
// message keys table).
type Sealed struct {
	ID     string    `dynamodbav:"id"`
	Mine   bool      `dynamodbav:"mine"`
	At     time.Time `dynamodbav:"at"`
	Cipher []byte    `dynamodbav:"cipher"`
	Key    []byte    `dynamodbav:"-"`
}

// Delivery is one message's writes: the sender's copy, and the recipient's when
// it is delivered (not when the recipient blocks the sender). NewRecipientKey is
// the recipient's new side key (sealed by KMS) when their side had none.
type Delivery struct {
	Sender, Recipient Side
	SenderCopy        Sealed
	RecipientCopy     *Sealed
	NewRecipientKey   []byte
}

// SendState is what a send reads in one consistent round trip: the blocks
// either way, the recipient's side (if any) and both sides' keys (sealed).
type SendState struct {
	SenderBlocks, RecipientBlocks bool
	Recipient                     *Side
	SenderKey, RecipientKey       []byte
}

// MessageStore keeps conversations: the sides and pair items on the network
// table, the keys on the message keys table.
type MessageStore interface {
	// Side reads an account's side of a conversation; ErrNotFound without one.
	Side(ctx context.Context, accountID, conversationID string) (Side, error)
	// Pair reads the conversation between two accounts ("" for none).
	Pair(ctx context.Context, accountID, peerID string) (string, error)
	// Blocks reads whether a blocks b and whether b blocks a, in one read.
	Blocks(ctx context.Context, a, b string) (aBlocksB, bBlocksA bool, err error)
	// Open stores a new conversation's pair items (both ways) with the opener's
	// side and sealed key; ErrConflict when the pair exists meanwhile.
	Open(ctx context.Context, s Side, sealedKey []byte) error
	// AddSide stores a side (with its sealed key) that the account does not have;
	// ErrConflict when it has one.
	AddSide(ctx context.Context, s Side, sealedKey []byte) error
	// SendState reads what a message from sender needs.
	SendState(ctx context.Context, sender Side) (SendState, error)
	// Deliver writes a message's copies and keys together; ErrConflict when the
	// sender's side or key went meanwhile, or the recipient's key changed.
	Deliver(ctx context.Context, d Delivery) error
	// Conversations lists all of an account's sides.
	Conversations(ctx context.Context, accountID string) ([]Side, error)
	// Messages reads a page of a side's copies, newest first, with their keys,
	// and the side's sealed key.
	Messages(ctx context.Context, s Side, pg Page) ([]Sealed, []byte, string, error)
	// DeleteMessage deletes a side's copy and its key; ErrNotFound without one.
	DeleteMessage(ctx context.Context, s Side, messageID string) error
	// DeleteSide deletes a side: its key first (from then on every copy is
	// unreadable), then the copies' keys, the copies and the side item.
	DeleteSide(ctx context.Context, s Side) error
	// ForgetConversations erases an account's sides and pair items, and turns the
	// other sides into conversations with a former member (no account id left).
	ForgetConversations(ctx context.Context, accountID string) (int, error)
	// Profiles reads the profiles of the accounts (missing ones are left out).
	Profiles(ctx context.Context, accountIDs []string) (map[string]Profile, error)
}

// Keys seals and opens what the messages store (messagecrypt.go).
type Keys interface {
	NewSideKey(ctx context.Context, conversationID, side string) (plain, sealed []byte, err error)
	OpenSideKey(ctx context.Context, conversationID, side string, sealed []byte) ([]byte, error)
}

// MessageService serves direct messages (HKC-7).
type MessageService struct {
	Store MessageStore
	Keys  Keys
	Now   func() time.Time
	// Log notes copies that do not open (nil: not noted).
	Log *slog.Logger
}

// ConversationView is a conversation as its reader sees it.
type ConversationView struct {
	ID     string    `json:"id"`
	With   Author    `json:"with"`
	LastAt time.Time `json:"lastAt"`
}

// MessageView is a message as its reader sees it.
type MessageView struct {
	ID   string    `json:"id"`
	Text string    `json:"text"`
	HTML string    `json:"html"`
	At   time.Time `json:"at"`
	Mine bool      `json:"mine"`
}

// OpenInput names the member to write to.
type OpenInput struct {
	AccountID *string `json:"accountId"`
}

// MessageInput is a new message.
type MessageInput struct {
	Text *string `json:"text"`
}

// Open opens the reader's conversation with a member, or returns it when there
// is one (idempotent). Oneself, an unknown account, an account without the
// network role or without a complete profile: 404 alike. A member the reader
// blocks: 409 recipient_blocked. That the member blocks the reader changes
// nothing here: the reader learns nothing of it.
func (s *MessageService) Open(ctx context.Context, r Reader, in OpenInput) (ConversationView, bool, error) {
	peer := deref(in.AccountID)
	if in.AccountID == nil {
		return ConversationView{}, false, problem.Invalid(problem.FieldError{Field: "accountId", Code: problem.FieldRequired})
	}
	if peer == r.AccountID || !ids.ValidV7(peer) {
		return ConversationView{}, false, notFound()
	}
	profiles, err := s.Store.Profiles(ctx, []string{peer})
	if err != nil {
		return ConversationView{}, false, err
	}
	if !profiles[peer].Complete() {
		return ConversationView{}, false, notFound()
	}
	mine, _, err := s.Store.Blocks(ctx, r.AccountID, peer)
	if err != nil {
		return ConversationView{}, false, err
	}
	if mine {
		return ConversationView{}, false, problem.New(http.StatusConflict, CodeRecipientBlocked)
	}
	side, created, err := s.openSide(ctx, r.AccountID, peer)
	if err != nil {
		return ConversationView{}, false, err
	}
	return ConversationView{ID: side.ConversationID, With: author(peer, profiles), LastAt: side.LastAt}, created, nil
}

// openSide returns the reader's side of their conversation with peer, making
// the conversation or the side when missing.
func (s *MessageService) openSide(ctx context.Context, me, peer string) (Side, bool, error) {
	for range 3 {
		conv, err := s.Store.Pair(ctx, me, peer)
		if err != nil {
			return Side{}, false, err
		}
		if conv != "" {
			side, err := s.Store.Side(ctx, me, conv)
			if err == nil {
				return side, false, nil
			}
			if !errors.Is(err, ErrNotFound) {
				return Side{}, false, err
			}
		}
		now := s.Now()
		side := Side{AccountID: me, Peer: peer, ConversationID: conv, CreatedAt: now, LastAt: now}
		fresh := conv == ""
		if fresh {
			// The side of whoever opens first is a; the other's is b.
			side.ConversationID, side.Side = ids.NewV7(now), "a"
		} else if side.Side, err = s.peerSideLetter(ctx, peer, conv); err != nil {
			return Side{}, false, err
		}
		_, sealed, err := s.Keys.NewSideKey(ctx, side.ConversationID, side.Side)
		if err != nil {
			return Side{}, false, err
		}
		if fresh {
			err = s.Store.Open(ctx, side, sealed)
		} else {
			err = s.Store.AddSide(ctx, side, sealed)
		}
		if errors.Is(err, ErrConflict) {
			continue // opened at the same time elsewhere: read what is there
		}
		return side, true, err
	}
	return Side{}, false, ErrConflict
}

// peerSideLetter is the letter of the side the reader gets in an existing
// conversation: the other one than the peer's. A conversation whose peer side
// is gone as well takes the letter the pair item recorded for the reader.
func (s *MessageService) peerSideLetter(ctx context.Context, peer, conv string) (string, error) {
	ps, err := s.Store.Side(ctx, peer, conv)
	if err == nil {
		return OtherSide(ps.Side), nil
	}
	if errors.Is(err, ErrNotFound) {
		// Neither side is left: the letters are free; the reader takes a.
		return "a", nil
	}
	return "", err
}

// side reads the reader's side of a conversation: 404 for any id that is not
// one of theirs.
func (s *MessageService) side(ctx context.Context, r Reader, conv string) (Side, error) {
	if !ids.ValidV7(conv) {
		return Side{}, notFound()
	}
	side, err := s.Store.Side(ctx, r.AccountID, conv)
	if errors.Is(err, ErrNotFound) {
		return Side{}, notFound()
	}
	return side, err
}

// Send writes a message. The sender always gets their copy; the recipient gets
// theirs unless they block the sender, which the sender never learns (the
// answer is the same). A recipient the sender blocks: 409 recipient_blocked; a
// former member: 409 conversation_closed.
func (s *MessageService) Send(ctx context.Context, r Reader, conv string, in MessageInput) (MessageView, error) {
	var fe fieldErrors
	text := groupText(&fe, "text", in.Text, MaxMessageText, true, true)
	if len(fe) == 0 && strings.ContainsAny(text, directionOverrides) {
		fe.add("text", problem.FieldControlChars)
	}
	if len(fe) > 0 {
		return MessageView{}, problem.Invalid(fe...)
	}
	me, err := s.side(ctx, r, conv)
	if err != nil {
		return MessageView{}, err
	}
	if me.Peer == "" {
		return MessageView{}, problem.New(http.StatusConflict, CodeConversationClosed)
	}
	st, err := s.Store.SendState(ctx, me)
	if err != nil {
		return MessageView{}, err
	}
	if st.SenderBlocks {
		return MessageView{}, problem.New(http.StatusConflict, CodeRecipientBlocked)
	}
	now := s.Now()
	msgID := ids.NewV7(now)
	d := Delivery{Sender: me, Recipient: Side{AccountID: me.Peer, Peer: me.AccountID, ConversationID: conv, Side: OtherSide(me.Side), CreatedAt: now, LastAt: now}}
	d.Sender.LastAt = now
	if d.SenderCopy, err = s.seal(ctx, me, st.SenderKey, msgID, true, now, text); err != nil {
		return MessageView{}, err
	}
	if err := s.sealForRecipient(ctx, &d, st, msgID, now, text); err != nil {
		return MessageView{}, err
	}
	if st.RecipientBlocks {
		// Sealed all the same (the same KMS calls, about the same time), then
		// dropped: the answer does not tell the sender that they are blocked.
		d.RecipientCopy, d.NewRecipientKey = nil, nil
	}
	if err := s.Store.Deliver(ctx, d); errors.Is(err, ErrConflict) {
		// The sender deleted the conversation meanwhile (404), or the recipient's
		// side changed under us; a retry of the person's click sorts the latter.
		return MessageView{}, notFound()
	} else if err != nil {
		return MessageView{}, err
	}
	return MessageView{ID: messageID(conv, msgID), Text: text, HTML: Render(text), At: now, Mine: true}, nil
}

// sealForRecipient seals the recipient's copy, under a new side key when they
// have no side (never had one, or deleted it).
func (s *MessageService) sealForRecipient(ctx context.Context, d *Delivery, st SendState, msgID string, now time.Time, text string) error {
	if st.Recipient != nil {
		d.Recipient.CreatedAt = st.Recipient.CreatedAt
	}
	key := st.RecipientKey
	var plain []byte
	if st.Recipient == nil || key == nil {
		p, sealed, err := s.Keys.NewSideKey(ctx, d.Recipient.ConversationID, d.Recipient.Side)
		if err != nil {
			return err
		}
		plain, d.NewRecipientKey = p, sealed
	}
	c, err := s.sealWith(ctx, d.Recipient, key, plain, msgID, false, now, text)
	if err != nil {
		return err
	}
	d.RecipientCopy = &c
	return nil
}

func (s *MessageService) seal(ctx context.Context, side Side, sealedKey []byte, msgID string, mine bool, now time.Time, text string) (Sealed, error) {
	return s.sealWith(ctx, side, sealedKey, nil, msgID, mine, now, text)
}

// sealWith seals one copy under the side's key (plain, or opened from sealedKey).
func (s *MessageService) sealWith(ctx context.Context, side Side, sealedKey, plain []byte, msgID string, mine bool, now time.Time, text string) (Sealed, error) {
	if plain == nil {
		if sealedKey == nil {
			return Sealed{}, notFound() // a side without its key was deleted meanwhile
		}
		p, err := s.Keys.OpenSideKey(ctx, side.ConversationID, side.Side, sealedKey)
		if err != nil {
			return Sealed{}, err
		}
		plain = p
	}
	defer clear(plain)
	cipher, key, err := sealMessage(plain, side.ConversationID, side.Side, msgID, text)
	if err != nil {
		return Sealed{}, err
	}
	return Sealed{ID: msgID, Mine: mine, At: now, Cipher: cipher, Key: key}, nil
}

// messageID is a message's id in the API: its conversation's and its own.
func messageID(conv, msgID string) string { return conv + "." + msgID }

// splitMessageID takes a message id of the API apart ("", "" when it is none).
func splitMessageID(id string) (string, string) {
	conv, msg, ok := strings.Cut(id, ".")
	if !ok || !ids.ValidV7(conv) || !ids.ValidV7(msg) {
		return "", ""
	}
	return conv, msg
}

// List lists the reader's conversations, the newest activity first. The
// cursor is the position after the last one of the page.
func (s *MessageService) List(ctx context.Context, r Reader, pg Page) ([]ConversationView, string, error) {
	sides, err := s.Store.Conversations(ctx, r.AccountID)
	if err != nil {
		return nil, "", err
	}
	slices.SortFunc(sides, func(a, b Side) int {
		if c := b.LastAt.Compare(a.LastAt); c != 0 {
			return c
		}
		return strings.Compare(b.ConversationID, a.ConversationID)
	})
	start := 0
	if pg.Cursor != "" {
		start = slices.IndexFunc(sides, func(x Side) bool { return cursorOf(x) == pg.Cursor }) + 1
		if start == 0 {
			return nil, "", ErrBadCursor
		}
	}
	limit := pg.Limit
	if limit < 1 {
		limit = 50
	}
	page := sides[start:min(start+limit, len(sides))]
	peers := make([]string, 0, len(page))
	for _, x := range page {
		if x.Peer != "" {
			peers = append(peers, x.Peer)
		}
	}
	profiles, err := s.Store.Profiles(ctx, peers)
	if err != nil {
		return nil, "", err
	}
	out := make([]ConversationView, len(page))
	for i, x := range page {
		out[i] = ConversationView{ID: x.ConversationID, With: author(x.Peer, profiles), LastAt: x.LastAt}
	}
	next := ""
	if start+limit < len(sides) {
		next = cursorOf(page[len(page)-1])
	}
	return out, next, nil
}

// cursorOf is the cursor after a side in the listing: its conversation id,
// encoded as every cursor is.
func cursorOf(x Side) string { return base64.RawURLEncoding.EncodeToString([]byte(x.ConversationID)) }

// Conversation reads one of the reader's conversations.
func (s *MessageService) Conversation(ctx context.Context, r Reader, conv string) (ConversationView, error) {
	side, err := s.side(ctx, r, conv)
	if err != nil {
		return ConversationView{}, err
	}
	var profiles map[string]Profile
	if side.Peer != "" {
		if profiles, err = s.Store.Profiles(ctx, []string{side.Peer}); err != nil {
			return ConversationView{}, err
		}
	}
	return ConversationView{ID: conv, With: author(side.Peer, profiles), LastAt: side.LastAt}, nil
}

// Messages reads a page of the reader's copies of a conversation, newest first,
// opened for this answer only (nothing opened is kept).
func (s *MessageService) Messages(ctx context.Context, r Reader, conv string, pg Page) ([]MessageView, string, error) {
	side, err := s.side(ctx, r, conv)
	if err != nil {
		return nil, "", err
	}
	return s.open(ctx, side, pg)
}

func (s *MessageService) open(ctx context.Context, side Side, pg Page) ([]MessageView, string, error) {
	copies, sealedKey, next, err := s.Store.Messages(ctx, side, pg)
	if err != nil || len(copies) == 0 {
		return []MessageView{}, next, err
	}
	if sealedKey == nil {
		// The side's key is gone (the side was deleted; these are copies a restore
		// of the network table brought back): nothing opens.
		return []MessageView{}, "", nil
	}
	key, err := s.Keys.OpenSideKey(ctx, side.ConversationID, side.Side, sealedKey)
	if err != nil {
		return nil, "", err
	}
	defer clear(key)
	out := make([]MessageView, 0, len(copies))
	unopened := 0
	for _, c := range copies {
		if c.Key == nil {
			continue // deleted at this moment: its key went first
		}
		text, err := openMessage(key, side.ConversationID, side.Side, c.ID, c.Key, c.Cipher)
		if err != nil {
			// Not sealed at this place (moved or damaged in the table): it opens
			// nowhere else either. Left out, as a copy without its key, so that
			// one such item does not keep the member from the rest of the
			// conversation or from their export; noted without any id.
			unopened++
			continue
		}
		out = append(out, MessageView{ID: messageID(side.ConversationID, c.ID), Text: text, HTML: Render(text), At: c.At, Mine: c.Mine})
	}
	if unopened > 0 && s.Log != nil {
		s.Log.ErrorContext(ctx, "message copies that do not open left out", slog.Int("copies", unopened))
	}
	return out, next, nil
}

// DeleteMessage deletes the reader's copy of a message: its key and the copy.
// The other side keeps theirs.
func (s *MessageService) DeleteMessage(ctx context.Context, r Reader, id string) error {
	conv, msg := splitMessageID(id)
	if conv == "" {
		return notFound()
	}
	side, err := s.side(ctx, r, conv)
	if err != nil {
		return err
	}
	if err := s.Store.DeleteMessage(ctx, side, msg); errors.Is(err, ErrNotFound) {
		return notFound()
	} else if err != nil {
		return err
	}
	return nil
}

// DeleteConversation deletes the reader's side of a conversation whole: its
// key, every message's key and copy. The other side keeps theirs.
func (s *MessageService) DeleteConversation(ctx context.Context, r Reader, conv string) error {
	side, err := s.side(ctx, r, conv)
	if err != nil {
		return err
	}
	return s.Store.DeleteSide(ctx, side)
}

// ExportedConversation is one conversation in an export: the member's own
// copies, opened.
type ExportedConversation struct {
	ID       string        `json:"id"`
	With     Author        `json:"with"`
	Messages []MessageView `json:"messages"`
}

// Export opens every copy the member still holds (never one they deleted: its
// key is gone).
func (s *MessageService) Export(ctx context.Context, accountID string) ([]ExportedConversation, error) {
	sides, err := s.Store.Conversations(ctx, accountID)
	if err != nil {
		return nil, err
	}
	out := make([]ExportedConversation, 0, len(sides))
	for _, side := range sides {
		x := ExportedConversation{ID: side.ConversationID, With: Author{ID: side.Peer, Former: side.Peer == ""}, Messages: []MessageView{}}
		pg := Page{Limit: MaxMessagePage}
		for {
			ms, next, err := s.open(ctx, side, pg)
			if err != nil {
				return nil, err
			}
			for i := range ms {
				ms[i].HTML = ""
			}
			x.Messages = append(x.Messages, ms...)
			if next == "" {
				break
			}
			pg.Cursor = next
		}
		out = append(out, x)
	}
	return out, nil
}
