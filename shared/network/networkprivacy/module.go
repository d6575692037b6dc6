// Package networkprivacy is the network module's side of the privacy protocol:
// export, erasure, consent withdrawal and the retention sweep of profiles. It runs
// only inside the module's own privacy function.
package networkprivacy

import (
	"context"
	"errors"
	"time"

	"kontor/shared/network"
	"kontor/shared/privacy"
)

// Module is the network's data as a privacy.Module.
type Module struct {
	Svc      *network.Service
	Pictures *network.PictureService
	Groups   network.ContentStore
	// Subs are the notifications of new posts the member turned on.
	Subs network.SubscriptionStore
	// Messages are the member's direct messages (their own sides).
	Messages *network.MessageService
	// Connections are the member's requests, contacts and blocks (HKC-8).
	Connections network.ConnectionPrivacy
	// Search is the search index: a profile's entries go with the profile.
	Search network.SearchIndex
	// Register is the honorary office and the company register's history (HKC-10).
	Register network.RegisterStore
}

var (
	_ privacy.Module     = Module{}
	_ privacy.Withdrawer = Module{}
)

// Name implements privacy.Module.
func (Module) Name() string { return "network" }

// Kinds implements privacy.Module.
func (Module) Kinds() []privacy.Kind { return network.Kinds() }

// Export implements privacy.Module: the whole profile, birthdate and its
// visibility included, the voluntary details on their own, and links to the
// picture valid for network.ExportPictureTTL, and to the files on the member's
// posts valid for network.ExportAttachmentTTL, and the terms the profile is
// found by in the search index (derived from what others see of it).
func (m Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	out := map[string]any{"network.profiles": nil, "network.voluntary": nil, "network.pictures": nil,
		"network.memberships": nil, "network.posts": nil, "network.attachments": nil, "network.moderation": nil, "network.subscriptions": nil,
		"network.connections": nil, "network.blocks": nil, "network.searchindex": nil,
		"network.messages": nil, "network.messagekeys": nil, network.KindRegister: nil}
	if s.AccountID == "" {
		return out, nil
	}
	if err := m.exportMessages(ctx, s.AccountID, out); err != nil {
		return nil, err
	}
	c, err := m.Groups.Content(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	if len(c.Memberships)+len(c.Requests) > 0 {
		out["network.memberships"] = map[string]any{"memberships": nonNil(c.Memberships), "requests": nonNil(c.Requests)}
	}
	posts := nonNil(c.Posts)
	links, err := network.AttachmentLinks(ctx, m.Pictures.Objects, posts, m.Pictures.Now(), network.ExportAttachmentTTL)
	if err != nil {
		return nil, err
	}
	for i := range posts {
		posts[i].Attachments = network.Checked(posts[i].Attachments)
	}
	if len(posts)+len(c.Comments) > 0 {
		out["network.posts"] = map[string]any{"posts": posts, "comments": nonNil(c.Comments)}
	}
	out["network.attachments"] = links
	out["network.moderation"] = nonNil(c.Moderation)
	subs, err := m.Subs.MySubscriptions(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	out["network.subscriptions"] = nonNil(subs)
	if err := m.exportConnections(ctx, s.AccountID, out); err != nil {
		return nil, err
	}
	terms, err := m.Search.IndexedTerms(ctx, network.DocPerson, s.AccountID)
	if err != nil {
		return nil, err
	}
	if len(terms) > 0 {
		out["network.searchindex"] = map[string]any{"terms": terms}
	}
	if out[network.KindRegister], err = network.RegisterExport(ctx, m.Register, s.AccountID); err != nil {
		return nil, err
	}
	pic, err := m.Pictures.Links(ctx, s.AccountID, network.ExportPictureTTL)
	if err != nil {
		return nil, err
	}
	if pic != nil {
		out["network.pictures"] = pic
	}
	p, err := m.Svc.Store.Get(ctx, s.AccountID)
	if errors.Is(err, network.ErrNotFound) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out["network.profiles"], out["network.voluntary"] = p, p.Voluntary
	return out, nil
}

// Erase implements privacy.Module (HKC-14): every request, contact, decline and
// block involving the member goes on both sides; the memberships, join requests and
// moderation log are deleted, posts and comments stay without their author, and
// the profile and its picture are deleted, and so are the notifications turned
// on; erasing twice is harmless.
func (m Module) Erase(ctx context.Context, s privacy.Subject) error {
	if s.AccountID == "" {
		return nil
	}
	if _, err := m.Messages.Store.ForgetConversations(ctx, s.AccountID); err != nil {
		return err
	}
	if _, err := m.Subs.ForgetSubscriptions(ctx, s.AccountID); err != nil {
		return err
	}
	if _, err := m.Connections.ForgetConnections(ctx, s.AccountID); err != nil {
		return err
	}
	if err := m.Register.RemoveHonorary(ctx, s.AccountID); err != nil {
		return err
	}
	if _, err := m.Groups.Forget(ctx, s.AccountID); err != nil {
		return err
	}
	if _, err := m.Pictures.Remove(ctx, s.AccountID); err != nil {
		return err
	}
	if err := m.Svc.Store.Delete(ctx, s.AccountID); err != nil {
		return err
	}
	// After the profile: an indexer run between the two finds no profile and
	// removes the entries too.
	return m.Search.Unindex(ctx, network.DocPerson, s.AccountID)
}

// OnWithdraw implements privacy.Withdrawer: withdrawing the consent
// network.voluntary removes every voluntary detail and the picture (HKC-16).
func (m Module) OnWithdraw(ctx context.Context, s privacy.Subject, purpose string) (int, error) {
	if s.AccountID == "" || purpose != network.PurposeVoluntary {
		return 0, nil
	}
	had, err := m.Pictures.Remove(ctx, s.AccountID)
	if err != nil {
		return 0, err
	}
	n, err := m.Svc.Withdraw(ctx, s.AccountID)
	if had {
		n++
	}
	return n, err
}

// Sweep implements privacy.Module. Nothing personal of the network ends on its
// own: a profile lasts while the membership does and goes with the erasure at
// deactivation, voluntary details with their removal or the consent's withdrawal;
// the moderation log ends by its TTL. The sweep finishes the purges of deleted
// groups that their deletion left unfinished (no person's data is held by them
// beyond the group's own content, so a legal hold has nothing to keep here).
func (m Module) Sweep(ctx context.Context, _ time.Time, _ *privacy.Held) (map[string]int, error) {
	n, err := m.Groups.PurgeGroups(ctx)
	if err != nil {
		return nil, err
	}
	return map[string]int{"network.posts": n}, nil
}

// exportConnections adds the member's requests, contacts and declines, and the
// blocks they made (never who blocks them), or nothing when there are none.
func (m Module) exportConnections(ctx context.Context, accountID string, out map[string]any) error {
	c, err := m.Connections.ConnectionContent(ctx, accountID, m.Pictures.Now())
	if err != nil {
		return err
	}
	if len(c.Connections)+len(c.Outgoing)+len(c.Incoming)+len(c.Hidden)+len(c.Declined)+len(c.DeclinedBy) > 0 {
		out["network.connections"] = map[string]any{"connections": nonNil(c.Connections), "outgoing": nonNil(c.Outgoing),
			"incoming": nonNil(c.Incoming), "hiddenIncoming": nonNil(c.Hidden), "declined": nonNil(c.Declined), "declinedBy": nonNil(c.DeclinedBy)}
	}
	out["network.blocks"] = nonNil(c.Blocks)
	return nil
}

// nonNil is a list as exported: empty, never null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
