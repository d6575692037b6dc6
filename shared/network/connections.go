package network

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/http"
	"time"

	"kontor/shared/ids"
	"kontor/shared/privacy"
	"kontor/shared/problem"
)

// Limits of connections (HKC-8).
const (
	// MaxConnectionNote bounds the note a request carries (plain text).
	MaxConnectionNote = 300
	// MaxConnectionBody bounds the body of a request.
	MaxConnectionBody = 4 << 10
	// DeclineThrottle is how long, after a member declined a request, the sender
	// cannot send that member another one.
	DeclineThrottle = 30 * 24 * time.Hour
)

// The lists of GET /v1/connections (?filter=).
const (
	FilterIncoming = "incoming"
	FilterOutgoing = "outgoing"
	FilterAccepted = "accepted"
)

// Connection is one side's record of a request or connection with another member:
// AccountID is the other member. Names are never stored; they are read from the
// profile at read time.
type Connection struct {
	ID        string     `dynamodbav:"id" json:"id"`
	AccountID string     `dynamodbav:"accountId" json:"accountId"`
	Note      string     `dynamodbav:"note,omitempty" json:"note,omitempty"`
	At        time.Time  `dynamodbav:"at" json:"at"`
	Since     *time.Time `dynamodbav:"since,omitempty" json:"since,omitempty"`
}

// Block is a member blocked by the account whose record it is.
type Block struct {
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	At        time.Time `dynamodbav:"at" json:"at"`
}

// Decline is a declined request: who declined whose, and until when the sender
// cannot ask again.
type Decline struct {
	AccountID string    `dynamodbav:"accountId" json:"accountId"`
	At        time.Time `dynamodbav:"at" json:"at"`
	Until     time.Time `dynamodbav:"until" json:"until"`
}

// Pair is everything one member's partition holds about another: their request
// to the other (Out), the other's request to them (In, or Hidden while it came
// from a member they block), the connection (With), a decline of their request
// still throttling them, and the blocks either way.
type Pair struct {
	Out, In, Hidden, With *Connection
	DeclinedBy            *Decline
	Blocks, BlockedBy     bool
}

// ConnectionContent is what an account's partition holds of connections, for
// the export: never who blocks them.
type ConnectionContent struct {
	Connections []Connection `json:"connections"`
	Outgoing    []Connection `json:"outgoing"`
	Incoming    []Connection `json:"incoming"`
	Hidden      []Connection `json:"hiddenIncoming"`
	Declined    []Decline    `json:"declined"`
	DeclinedBy  []Decline    `json:"declinedBy"`
	Blocks      []Block      `json:"blocks"`
}

// ConnectionStore keeps connections, requests and blocks; both sides of each in
// one transaction.
type ConnectionStore interface {
	// ConnectionPair reads what a's partition holds about b (one consistent batched read).
	ConnectionPair(ctx context.Context, a, b string) (Pair, error)
	// ConnectionParties reads who sent the request with this id and to whom; ErrNotFound
	// without one.
	ConnectionParties(ctx context.Context, id string) (from, to string, err error)
	// SendConnectionRequest stores from's request l to to; hidden while to blocks from.
	// ErrExists when a request or connection between them was stored meanwhile
	// (or the block changed).
	SendConnectionRequest(ctx context.Context, from, to string, l Connection, hidden bool) error
	// AcceptConnectionRequest turns from's request id to to into a connection, and removes
	// to's own request to from (reverse), if any; ErrNotFound when it is gone. hidden:
	// the request is kept hidden on to's side (it came while to blocked from).
	AcceptConnectionRequest(ctx context.Context, from, to, id string, since time.Time, reverse *Connection, hidden bool) error
	// WithdrawConnectionRequest withdraws from's request id to to; ErrNotFound when it is gone.
	WithdrawConnectionRequest(ctx context.Context, from, to, id string) error
	// DeclineConnectionRequest removes from's request id to to and records the decline
	// until d.Until; ErrNotFound when it is gone.
	DeclineConnectionRequest(ctx context.Context, from, to, id string, d Decline) error
	// Disconnect removes the connection id of a and b; ErrNotFound when it is gone.
	Disconnect(ctx context.Context, a, b, id string) error
	// BlockMember stores a's block of b, removing a's request to b and their
	// connection and hiding b's request to a (p is a's Pair with b).
	// ErrConflict when the pair changed meanwhile.
	BlockMember(ctx context.Context, a, b string, at time.Time, p Pair) error
	// UnblockMember removes a's block of b; ErrNotFound without one.
	UnblockMember(ctx context.Context, a, b string) error
	// ConnectionsOf lists a page of the account's requests or connections (a Filter…).
	ConnectionsOf(ctx context.Context, accountID, filter string, pg Page) ([]Connection, string, error)
	// BlocksOf lists a page of the members the account blocks.
	BlocksOf(ctx context.Context, accountID string, pg Page) ([]Block, string, error)
	// Profiles reads the profiles of the accounts (missing ones are left out).
	Profiles(ctx context.Context, accountIDs []string) (map[string]Profile, error)
}

// ConnectionService lets members connect, and block one another (HKC-8).
type ConnectionService struct {
	Store ConnectionStore
	Now   func() time.Time
	// Notify, when set, is told of each new request that reaches its recipient
	// (not one hidden by a block): the mail about it (RequestMail).
	Notify interface {
		NewRequest(ctx context.Context, to, id string) error
	}
	// Log records a mail that could not be queued (ids only).
	Log *slog.Logger
}

// ConnectionInput is the body of POST /v1/connections.
type ConnectionInput struct {
	AccountID *string `json:"accountId"`
	Note      *string `json:"note"`
}

// ConnectionView is a request or connection as one of its two members sees it:
// the other member by id and, while their profile is complete, name and company
// read now.
type ConnectionView struct {
	Connection
	Status  string `json:"status"`
	Name    string `json:"name,omitempty"`
	Company string `json:"company,omitempty"`
}

// BlockView is a blocked member as the blocker sees them.
type BlockView struct {
	Block
	Name    string `json:"name,omitempty"`
	Company string `json:"company,omitempty"`
}

// Problems of connections.
var (
	// CodeAlreadyConnected refuses a request to, or a decline of, a member one is
	// connected with (409).
	CodeAlreadyConnected = problem.Define("already_connected",
		"Sie sind mit diesem Mitglied bereits verbunden.",
		"You are connected with this member already.")
	// CodeMemberBlocked refuses a request to a member one blocks (409).
	CodeMemberBlocked = problem.Define("member_blocked",
		"Sie haben dieses Mitglied blockiert. Heben Sie die Blockierung auf, um ihm eine Kontaktanfrage zu senden.",
		"You have blocked this member. Unblock them to send them a contact request.")
)

// member checks that id is another network member with a complete profile; 404
// for oneself, an id that is no account's, an account without the role or without
// a complete profile: one answer, so that nobody learns which.
func (s *ConnectionService) member(ctx context.Context, r Reader, id string) error {
	if id == r.AccountID || !ids.ValidV7(id) {
		return notFound()
	}
	p, err := s.Store.Profiles(ctx, []string{id})
	if err != nil {
		return err
	}
	if !p[id].Complete() {
		return notFound()
	}
	return nil
}

// Send sends a request to a member. A request already sent is answered as it is
// (created false); a request the member sent me already is accepted instead. To
// a member who blocks the sender the request is stored and shown to the sender
// as pending, but never reaches the member.
func (s *ConnectionService) Send(ctx context.Context, r Reader, in ConnectionInput) (ConnectionView, bool, error) {
	var fe fieldErrors
	note := ""
	if in.Note != nil {
		var c problem.Code
		if note, c = text(*in.Note, textField{name: "note", max: MaxConnectionNote, multiline: true}); !c.IsZero() {
			fe.add("note", c)
		}
	}
	if in.AccountID == nil || *in.AccountID == "" {
		fe.add("accountId", problem.FieldRequired)
	}
	if len(fe) > 0 {
		return ConnectionView{}, false, problem.Invalid(fe...)
	}
	to := *in.AccountID
	if err := s.member(ctx, r, to); err != nil {
		return ConnectionView{}, false, err
	}
	p, err := s.Store.ConnectionPair(ctx, r.AccountID, to)
	if err != nil {
		return ConnectionView{}, false, err
	}
	now := s.Now()
	switch {
	case p.Blocks:
		return ConnectionView{}, false, problem.New(http.StatusConflict, CodeMemberBlocked)
	case p.With != nil:
		return ConnectionView{}, false, problem.New(http.StatusConflict, CodeAlreadyConnected)
	case p.Out != nil:
		return s.view(ctx, *p.Out, FilterOutgoing), false, nil
	case p.In != nil || p.Hidden != nil:
		// Theirs is accepted, also one hidden by a block the reader has lifted
		// since: two crossing requests never wait on each other, and theirs left
		// pending beside mine would tell them it never arrived.
		theirs := p.In
		if theirs == nil {
			theirs = p.Hidden
		}
		if err := s.Store.AcceptConnectionRequest(ctx, to, r.AccountID, theirs.ID, now, p.Out, p.In == nil); err != nil {
			return ConnectionView{}, false, s.gone(err)
		}
		l := *theirs
		l.Since, l.Note = &now, ""
		return s.view(ctx, l, FilterAccepted), true, nil
	case p.DeclinedBy != nil && now.Before(p.DeclinedBy.Until):
		// The decline throttles the sender; the answer is the same whether or not
		// the member blocks them meanwhile.
		pr := problem.New(http.StatusTooManyRequests, problem.CodeTooManyAttempts)
		pr.RetryAfterSeconds = int(math.Ceil(p.DeclinedBy.Until.Sub(now).Seconds()))
		return ConnectionView{}, false, pr
	}
	l := Connection{ID: ids.NewV7(now), AccountID: to, Note: note, At: now}
	if err := s.Store.SendConnectionRequest(ctx, r.AccountID, to, l, p.BlockedBy); errors.Is(err, ErrExists) {
		return ConnectionView{}, false, problem.New(http.StatusConflict, problem.CodeConflict)
	} else if err != nil {
		return ConnectionView{}, false, err
	}
	if s.Notify != nil && !p.BlockedBy {
		// The request stands without its mail: a failure is logged, not answered,
		// so that the sender does not send it again.
		if err := s.Notify.NewRequest(ctx, to, l.ID); err != nil && s.Log != nil {
			s.Log.ErrorContext(ctx, "contact request mail not queued", slog.String("requestId", l.ID), slog.String("error", err.Error()))
		}
	}
	return s.view(ctx, l, FilterOutgoing), true, nil
}

// gone turns a store's ErrNotFound (the request or connection went meanwhile)
// into 404.
func (s *ConnectionService) gone(err error) error {
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) {
		return notFound()
	}
	return err
}

// opened is a request or connection as the reader opened it: the other member,
// the reader's side of it, and what the reader's partition holds about the other.
type opened struct {
	from, to, other string
	status          string
	link            Connection
	pair            Pair
}

// open finds the request or connection id from the reader's side: 404 for an id
// that is no connection's, one between other members, and one the reader's side
// no longer holds (withdrawn, declined, removed, hidden by a block).
func (s *ConnectionService) open(ctx context.Context, r Reader, id string) (opened, error) {
	if !ids.ValidV7(id) {
		return opened{}, notFound()
	}
	from, to, err := s.Store.ConnectionParties(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return opened{}, notFound()
	}
	if err != nil {
		return opened{}, err
	}
	o := opened{from: from, to: to}
	switch r.AccountID {
	case from:
		o.other = to
	case to:
		o.other = from
	default:
		return opened{}, notFound()
	}
	if o.pair, err = s.Store.ConnectionPair(ctx, r.AccountID, o.other); err != nil {
		return opened{}, err
	}
	for _, c := range []struct {
		l      *Connection
		status string
	}{{o.pair.With, FilterAccepted}, {o.pair.Out, FilterOutgoing}, {o.pair.In, FilterIncoming}} {
		if c.l != nil && c.l.ID == id {
			o.status, o.link = c.status, *c.l
			return o, nil
		}
	}
	return opened{}, notFound()
}

// Accept accepts an incoming request (the recipient only); accepting it again
// answers the connection.
func (s *ConnectionService) Accept(ctx context.Context, r Reader, id string) (ConnectionView, error) {
	o, err := s.open(ctx, r, id)
	if err != nil {
		return ConnectionView{}, err
	}
	switch o.status {
	case FilterAccepted:
		return s.view(ctx, o.link, FilterAccepted), nil
	case FilterOutgoing:
		return ConnectionView{}, problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	now := s.Now()
	if err := s.Store.AcceptConnectionRequest(ctx, o.from, o.to, id, now, o.pair.Out, false); err != nil {
		return ConnectionView{}, s.gone(err)
	}
	l := o.link
	l.Since, l.Note = &now, ""
	return s.view(ctx, l, FilterAccepted), nil
}

// Decline declines an incoming request (the recipient only): it is gone for
// both, and the sender cannot send another for DeclineThrottle.
func (s *ConnectionService) Decline(ctx context.Context, r Reader, id string) error {
	o, err := s.open(ctx, r, id)
	if err != nil {
		return err
	}
	switch o.status {
	case FilterAccepted:
		return problem.New(http.StatusConflict, CodeAlreadyConnected)
	case FilterOutgoing:
		return problem.New(http.StatusForbidden, problem.CodeForbidden)
	}
	return s.decline(ctx, o)
}

func (s *ConnectionService) decline(ctx context.Context, o opened) error {
	now := s.Now()
	return s.gone(s.Store.DeclineConnectionRequest(ctx, o.from, o.to, o.link.ID, Decline{At: now, Until: now.Add(DeclineThrottle)}))
}

// Remove withdraws the reader's own request, declines one sent to them, or ends
// a connection (either member).
func (s *ConnectionService) Remove(ctx context.Context, r Reader, id string) error {
	o, err := s.open(ctx, r, id)
	if err != nil {
		return err
	}
	switch o.status {
	case FilterOutgoing:
		return s.gone(s.Store.WithdrawConnectionRequest(ctx, o.from, o.to, id))
	case FilterIncoming:
		return s.decline(ctx, o)
	}
	return s.gone(s.Store.Disconnect(ctx, r.AccountID, o.other, id))
}

// List lists a page of the reader's incoming or outgoing requests or
// connections.
func (s *ConnectionService) List(ctx context.Context, r Reader, filter string, pg Page) ([]ConnectionView, string, error) {
	if filter != FilterIncoming && filter != FilterOutgoing && filter != FilterAccepted {
		return nil, "", problem.Invalid(problem.FieldError{Field: "filter", Code: problem.FieldInvalidValue})
	}
	ls, next, err := s.Store.ConnectionsOf(ctx, r.AccountID, filter, pg)
	if err != nil {
		return nil, "", err
	}
	profiles, err := profilesOf(ctx, s.Store, ls, func(l Connection) string { return l.AccountID })
	if err != nil {
		return nil, "", err
	}
	out := make([]ConnectionView, len(ls))
	for i, l := range ls {
		out[i] = ConnectionView{Connection: l, Status: filter}
		out[i].Name, out[i].Company = nameOf(profiles[l.AccountID])
	}
	return out, next, nil
}

// view is one request or connection with the other member's name read now.
func (s *ConnectionService) view(ctx context.Context, l Connection, status string) ConnectionView {
	v := ConnectionView{Connection: l, Status: status}
	// The name is a courtesy of the answer: a failed read leaves it out.
	if p, err := s.Store.Profiles(ctx, []string{l.AccountID}); err == nil {
		v.Name, v.Company = nameOf(p[l.AccountID])
	}
	return v
}

// profilesOf reads the profiles of the other members of a page of entries.
func profilesOf[T any](ctx context.Context, store ConnectionStore, entries []T, other func(T) string) (map[string]Profile, error) {
	idList := make([]string, len(entries))
	for i, e := range entries {
		idList[i] = other(e)
	}
	return store.Profiles(ctx, idList)
}

// nameOf is a member's name and company while their profile is complete.
func nameOf(p Profile) (string, string) {
	if !p.Complete() {
		return "", ""
	}
	return p.FirstName + " " + p.LastName, p.Company
}

// BlockMember blocks a member: from now on neither their requests nor their
// messages reach the reader, the reader's own request to them is withdrawn and
// a connection ends; they are told nothing. Blocking again changes nothing.
func (s *ConnectionService) BlockMember(ctx context.Context, r Reader, id string) error {
	if err := s.member(ctx, r, id); err != nil {
		return err
	}
	p, err := s.Store.ConnectionPair(ctx, r.AccountID, id)
	if err != nil || p.Blocks {
		return err
	}
	if err := s.Store.BlockMember(ctx, r.AccountID, id, s.Now(), p); errors.Is(err, ErrConflict) {
		return problem.New(http.StatusConflict, problem.CodeConflict)
	} else if err != nil {
		return err
	}
	return nil
}

// Unblock ends the reader's block of a member; 404 when there is none. Requests
// that member sent while blocked stay hidden.
func (s *ConnectionService) Unblock(ctx context.Context, r Reader, id string) error {
	if !ids.ValidV7(id) {
		return notFound()
	}
	return s.gone(s.Store.UnblockMember(ctx, r.AccountID, id))
}

// Blocks lists a page of the members the reader blocks.
func (s *ConnectionService) Blocks(ctx context.Context, r Reader, pg Page) ([]BlockView, string, error) {
	bs, next, err := s.Store.BlocksOf(ctx, r.AccountID, pg)
	if err != nil {
		return nil, "", err
	}
	profiles, err := profilesOf(ctx, s.Store, bs, func(b Block) string { return b.AccountID })
	if err != nil {
		return nil, "", err
	}
	out := make([]BlockView, len(bs))
	for i, b := range bs {
		out[i] = BlockView{Block: b}
		out[i].Name, out[i].Company = nameOf(profiles[b.AccountID])
	}
	return out, next, nil
}

// ConnectionPrivacy is what the privacy function needs of connections: the
// export's content and the erasure (HKC-14) of everything involving an account.
type ConnectionPrivacy interface {
	ConnectionContent(ctx context.Context, accountID string, now time.Time) (ConnectionContent, error)
	ForgetConnections(ctx context.Context, accountID string) (int, error)
}

// connectionKinds declare the data of connections (HKC-8). Legal basis: the
// contract (Art. 6(1)(b)): connecting with other members and blocking them is the
// network's service the member uses by their own action.
var connectionKinds = []privacy.Kind{
	{ID: "network.connections", Module: "network", Table: "NetworkTable",
		Category: privacy.Text{DE: "Kontaktanfragen und Kontakte mit anderen Mitgliedern (mit der Nachricht einer Anfrage), abgelehnte Anfragen", EN: "Contact requests and contacts with other members (with a request's note), declined requests"},
		Fields:   []string{"id", "accountId", "note", "at", "since", "until"},
		Purpose: privacy.Text{
			DE: "Sie mit anderen Mitgliedern des Netzwerks in Kontakt bringen: Anfragen senden, annehmen, ablehnen, Kontakte zeigen und beenden; Ihnen eine E-Mail senden, wenn Sie eine Anfrage erhalten (ohne Namen und ohne die Nachricht der Anfrage). Namen werden beim Anzeigen aus dem Profil gelesen, nicht kopiert.",
			EN: "Put you in touch with other members of the network: send, accept and decline requests, show and end contacts; send you an email when you receive a request (without names and without the request's note). Names are read from the profile when shown, not copied."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis Sie oder das andere Mitglied die Anfrage zurückziehen, ablehnen oder den Kontakt beenden; eine Ablehnung 30 Tage lang (so lange kann dasselbe Mitglied nicht erneut anfragen); spätestens bei der Deaktivierung des Zugangs eines der beiden, dann auf beiden Seiten gelöscht.",
			EN: "Until you or the other member withdraw or decline the request or end the contact; a decline for 30 days (the same member cannot ask again for that long); at the latest when either's access is deactivated, then deleted on both sides."}},
		Recipients: privacy.Text{DE: "Nur das andere Mitglied der Anfrage oder des Kontakts; die zuständigen Mitarbeitenden des Betreibers.", EN: "Only the other member of the request or contact; the operator's responsible staff."},
		Source:     privacy.Text{DE: "Von Ihnen und dem anderen Mitglied.", EN: "From you and the other member."}},
	{ID: "network.blocks", Module: "network", Table: "NetworkTable",
		Category: privacy.Text{DE: "Von Ihnen blockierte Mitglieder", EN: "Members you block"},
		Fields:   []string{"accountId", "at"},
		Purpose: privacy.Text{
			DE: "Dafür sorgen, dass Sie von einem blockierten Mitglied weder Kontaktanfragen noch Nachrichten erhalten. Das blockierte Mitglied erfährt davon nichts.",
			EN: "Make sure that no contact requests or messages from a member you block reach you. The blocked member learns nothing of it."},
		LegalBasis: privacy.Contract,
		Retention: privacy.Retention{Rule: privacy.Text{
			DE: "Bis Sie die Blockierung aufheben; spätestens bei der Deaktivierung Ihres Zugangs oder des Zugangs des blockierten Mitglieds.",
			EN: "Until you unblock the member; at the latest when your access or the blocked member's access is deactivated."}},
		Recipients: privacy.Text{DE: "Niemand außer Ihnen; die zuständigen Mitarbeitenden des Betreibers.", EN: "No one but you; the operator's responsible staff."},
		Source:     privacy.Text{DE: "Von Ihnen.", EN: "From you."}},
}
