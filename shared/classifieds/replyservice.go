package classifieds

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"kontor/shared/ids"
	"kontor/shared/mail"
	"kontor/shared/privacy"
	"kontor/shared/ratelimit"
	"kontor/shared/spam"
)

// EventReply is the evidence log's event of a reply sent (HGK-12).
const EventReply = "reply"

// ReplyEvidenceKey is the key under which the evidence of a reply is recorded:
// the reply's own ("reply:<id>"), since the replier has no account. Not the
// advertiser's account: their export would show a stranger's IP address, and
// their erasure would take the evidence of abuse aimed at them.
func ReplyEvidenceKey(replyID string) string { return "reply:" + replyID }

// ListingReader reads a listing (ListingStore.Get).
type ListingReader interface {
	Get(ctx context.Context, id string) (Listing, error)
}

// People finds an account's address and language in the identity module
// (privacy protocol OpPerson); the classifieds table holds no address.
type People interface {
	Person(ctx context.Context, accountID string) (privacy.Person, error)
}

// Limiter counts events against a rule (ratelimit.Limiter).
type Limiter interface {
	Take(ctx context.Context, rule ratelimit.Rule, value string) (time.Duration, error)
}

// Replies serves replies to listings (HGK-9) with the spam filter (HGK-10).
type Replies struct {
	Store    ReplyStore
	Listings ListingReader
	People   People
	Mail     Mailer
	Evidence Evidence
	Limiter  Limiter
	// Filter is the spam filter with the operator's model and thresholds.
	Filter *spam.Filter
	// WithheldFor is how long a reply that is not delivered is kept.
	WithheldFor time.Duration
	// BaseURL is the portal's address for the links in mails.
	BaseURL string
	Now     func() time.Time
}

// Sent is the answer to a reply: its id only, the same whether it was delivered
// or withheld, so the form tells a sender nothing about the filter.
type Sent struct {
	ID string `json:"id"`
}

// Send checks a reply to a public listing, limits it (per address, per listing;
// the route limits per client and in all), records the sender's IP address and
// time as evidence (HGK-12), asks the spam filter, delivers it or withholds it
// (HGK-10), and then mails the replier's copy with their link. An unknown,
// pending, ended or expired listing is 404 as on the listing's page.
func (s *Replies) Send(ctx context.Context, listingID string, in ReplyInput, lang, ip string) (Sent, error) {
	in, err := in.Validate()
	if err != nil {
		return Sent{}, err
	}
	now := s.Now()
	l, err := s.publicListing(ctx, listingID, now)
	if err != nil {
		return Sent{}, err
	}
	if err := s.limit(ctx, in.Email, l.ID); err != nil {
		return Sent{}, err
	}
	raw, digest := newReplyToken()
	r := Reply{ID: ids.NewV7(now), Recipient: l.AdvertiserID, ListingID: l.ID, ListingTitle: l.Title,
		Name: in.Name, Email: in.Email, Message: in.Message, Language: lang, CreatedAt: now, TokenDigest: digest,
		Decision: s.Filter.Classify(in.Message, spam.Meta{Name: in.Name, Email: in.Email})}
	// Evidence first: nothing is sent without its record (fails closed).
	if err := s.Evidence.Add(ctx, ReplyEvidenceKey(r.ID), EventReply, ip, now); err != nil {
		return Sent{}, err
	}
	if r.Decision.Withheld() {
		exp := now.Add(s.withheldFor())
		r.Status, r.ExpiresAt = ReplyWithheld, &exp
		err = s.Store.PutReply(ctx, r)
	} else {
		r.Status = ReplyDelivered
		err = s.Deliver(ctx, r, "")
	}
	if err != nil {
		return Sent{}, err
	}
	// The copy goes out only now, after the check: a withheld reply's copy holds
	// none of its text.
	return Sent{ID: r.ID}, s.Mail.Deliver(ctx, copyMail(r, s.BaseURL, raw))
}

func (s *Replies) withheldFor() time.Duration {
	if s.WithheldFor <= 0 {
		return DefaultWithheldFor
	}
	return s.WithheldFor
}

// publicListing is the listing of id while it is public at now; a 404 problem
// otherwise, the same as the listing's page answers.
func (s *Replies) publicListing(ctx context.Context, id string, now time.Time) (Listing, error) {
	if !ids.ValidV7(id) {
		return Listing{}, notFound()
	}
	l, err := s.Listings.Get(ctx, id)
	if errors.Is(err, ErrNotFound) || (err == nil && !l.Public(now)) {
		return Listing{}, notFound()
	}
	return l, err
}

// limit counts the reply against its sender's mailbox (sub-addresses folded)
// and its listing.
func (s *Replies) limit(ctx context.Context, email, listingID string) error {
	if err := Throttle(ctx, s.Limiter, ratelimit.ReplyPerAddress, mail.Mailbox(email)); err != nil {
		return err
	}
	return Throttle(ctx, s.Limiter, ratelimit.ReplyPerListing, listingID)
}

// Deliver stores r as delivered and mails it to its advertiser with the
// replier as Reply-To. With from "" r is new; otherwise r is a held reply whose
// stored status must still be from (a release by staff: the reply is then
// delivered as if never withheld, and ErrReplyChanged tells that someone else
// changed it first). The advertiser's mail has an id derived from the reply,
// so delivering one twice mails once; an advertiser whose account is gone is
// mailed nothing.
func (s *Replies) Deliver(ctx context.Context, r Reply, from string) error {
	now := s.Now()
	r.Status, r.ExpiresAt, r.DeliveredAt = ReplyDelivered, nil, &now
	var err error
	if from == "" {
		err = s.Store.PutReply(ctx, r)
	} else {
		err = s.Store.ChangeReply(ctx, r, from)
	}
	if err != nil {
		return err
	}
	p, err := s.People.Person(ctx, r.Recipient)
	if errors.Is(err, privacy.ErrUnknownPerson) || (err == nil && p.Email == "") {
		return nil
	}
	if err != nil {
		return err
	}
	return s.Mail.Deliver(ctx, advertiserMail(r, p, s.BaseURL))
}

// Mine lists the advertiser's delivered replies, newest first.
func (s *Replies) Mine(ctx context.Context, accountID string, pg Page) ([]Reply, string, error) {
	rs, next, err := s.Store.Delivered(ctx, accountID, pg)
	if rs == nil {
		rs = []Reply{}
	}
	return rs, next, err
}

// DeleteMine deletes one of the advertiser's delivered replies; another's, a
// held one (which they cannot see), unknown and malformed ids answer 404.
func (s *Replies) DeleteMine(ctx context.Context, accountID, id string) error {
	if !ids.ValidV7(id) {
		return notFound()
	}
	r, err := s.Store.Reply(ctx, accountID, id)
	if errors.Is(err, ErrNoReply) || (err == nil && r.Held()) {
		return notFound()
	}
	if err != nil {
		return err
	}
	return s.deleted(s.Store.DeleteReply(ctx, r))
}

// ByToken is the reply of a replier's link: id and token must belong together.
// Unknown, used and forged tokens, and a token of another reply, all answer the
// same 404.
func (s *Replies) ByToken(ctx context.Context, id, token string) (Reply, error) {
	if !ids.ValidV7(id) || !ids.PlausibleToken(token) {
		return Reply{}, notFound()
	}
	r, err := s.Store.ReplyOfToken(ctx, ids.Digest(token))
	if errors.Is(err, ErrNoReply) || (err == nil && subtle.ConstantTimeCompare([]byte(r.ID), []byte(id)) != 1) {
		return Reply{}, notFound()
	}
	return r, err
}

// DeleteByToken deletes a reply through its replier's link, whatever its state;
// once: the link then answers 404 like any unknown one.
func (s *Replies) DeleteByToken(ctx context.Context, id, token string) error {
	r, err := s.ByToken(ctx, id, token)
	if err != nil {
		return err
	}
	return s.deleted(s.Store.DeleteReply(ctx, r))
}

// deleted maps a deletion that lost a race to the same 404.
func (s *Replies) deleted(err error) error {
	if errors.Is(err, ErrNoReply) {
		return notFound()
	}
	return err
}
