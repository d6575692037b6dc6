// Package identityprivacy gives the privacy core access to the identity module's
// data: export, erasure, deactivation and the retention sweep over the identity and
// session tables.
package identityprivacy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/shared/privacy"
	"kontor/shared/privacy/protocol"
)

// Module implements privacy.Module for identity.
type Module struct {
	DB       dynamo.DB
	Identity string // identity table
	Sessions string // session table
	// Accounts gives proven people an account (protocol.Provisioner); nil where the
	// function offers no provisioning.
	Accounts *identity.Service
}

func (m *Module) store() *identitydb.Store { return &identitydb.Store{DB: m.DB, Table: m.Identity} }
func (m *Module) sessions() *identitydb.Sessions {
	return &identitydb.Sessions{DB: m.DB, Table: m.Sessions}
}
func (m *Module) table(name string) dynamo.Table { return dynamo.Table{DB: m.DB, Name: name} }

// Name implements privacy.Module.
func (m *Module) Name() string { return "identity" }

// Kinds implements privacy.Module.
func (m *Module) Kinds() []privacy.Kind { return identity.PrivacyKinds() }

// Person implements privacy.Resolver: who an account is, for the privacy core (to
// address its mail, and to show the accepted terms in the consent ledger).
func (m *Module) Person(ctx context.Context, accountID string) (privacy.Person, error) {
	acc, err := m.store().Account(ctx, accountID, time.Now().UTC())
	if errors.Is(err, identity.ErrNotFound) {
		return privacy.Person{}, privacy.ErrUnknownPerson
	}
	if err != nil {
		return privacy.Person{}, err
	}
	return privacy.Person{AccountID: acc.ID, Email: acc.Email, Language: acc.Language,
		TermsVersion: acc.TermsVersion, TermsAcceptedAt: acc.TermsAcceptedAt,
		PrivacyVersion: acc.PrivacyVersion, PrivacyAcceptedAt: acc.PrivacyAcceptedAt}, nil
}

// Provision implements protocol.Provisioner: the account of a person another
// module has proven (the insurance portal's activation), created with the mail to
// set a password, or the existing one with a notice; for an address the caller
// confirmed itself (EmailConfirmed, HGK-2) an active account and no mail.
func (m *Module) Provision(ctx context.Context, a protocol.NewAccount) (string, error) {
	if m.Accounts == nil {
		return "", protocol.ErrUnsupported
	}
	return m.Accounts.Provision(ctx, identity.RegisterInput{Email: a.Email, Language: a.Language, TermsVersion: a.TermsVersion, PrivacyVersion: a.PrivacyVersion, EmailConfirmed: a.EmailConfirmed})
}

// SessionView is a session as the person sees it in their export.
type SessionView struct {
	CreatedAt         time.Time `json:"createdAt"`
	LastSeenAt        time.Time `json:"lastSeenAt"`
	IdleExpiresAt     time.Time `json:"idleExpiresAt"`
	AbsoluteExpiresAt time.Time `json:"absoluteExpiresAt"`
}

// TokenView is a single-use link not yet expired, pending or used.
type TokenView struct {
	Kind      string     `json:"kind"`
	NewEmail  string     `json:"newEmail,omitempty"`
	ExpiresAt time.Time  `json:"expiresAt"`
	UsedAt    *time.Time `json:"usedAt,omitempty"`
}

// Export implements privacy.Module.
func (m *Module) Export(ctx context.Context, s privacy.Subject) (map[string]any, error) {
	now := time.Now().UTC()
	out := map[string]any{}
	acc, err := m.store().Account(ctx, s.AccountID, now)
	if errors.Is(err, identity.ErrNotFound) {
		for _, k := range m.Kinds() {
			out[k.ID] = nil
		}
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	out["identity.account"] = map[string]any{
		"email": acc.Email, "firstName": acc.FirstName, "lastName": acc.LastName, "language": acc.Language,
		"roles": acc.Roles, "status": acc.Status, "pendingEmail": acc.PendingEmail,
	}
	out["identity.credentials"] = map[string]any{
		"passwordSet": acc.PasswordHash != "", "storedAs": "argon2id hash", "mustChangePassword": acc.MustChangePassword,
		"passwordChangedAt": acc.PasswordChangedAt,
	}
	out["identity.login-times"] = map[string]any{"registeredAt": acc.RegisteredAt, "firstLoginAt": acc.FirstLoginAt, "lastLoginAt": acc.LastLoginAt}
	out["identity.acceptance"] = map[string]any{
		"termsVersion": acc.TermsVersion, "termsAcceptedAt": acc.TermsAcceptedAt,
		"privacyVersion": acc.PrivacyVersion, "privacyAcceptedAt": acc.PrivacyAcceptedAt, "invitedBy": acc.InvitedBy,
	}
	tokens, err := m.tokensOf(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	views := []TokenView{}
	for _, t := range tokens {
		if t.ExpiresAt.After(now) {
			views = append(views, TokenView{Kind: t.Kind, NewEmail: t.NewEmail, ExpiresAt: t.ExpiresAt, UsedAt: t.UsedAt})
		}
	}
	out["identity.tokens"] = views
	failures := map[string]int{}
	if secret, err := m.store().ClientKey(ctx); err == nil {
		counts, err := m.store().Failures(ctx, identity.FailureKeys(secret, acc.Email, now), now)
		if err != nil {
			return nil, err
		}
		for _, c := range counts {
			failures["failedSignInsThisWindow"] += c
		}
	}
	out["identity.login-failures"] = failures
	known, err := m.store().KnownClients(ctx, s.AccountID, now)
	if err != nil {
		return nil, err
	}
	out["identity.known-clients"] = known
	devices, err := m.store().Devices(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	if devices == nil {
		devices = []identity.Device{}
	}
	out["identity.devices"] = devices
	sess, err := m.sessionsOf(ctx, s.AccountID)
	if err != nil {
		return nil, err
	}
	sv := []SessionView{}
	for _, x := range sess {
		if x.Live(now) {
			sv = append(sv, SessionView{CreatedAt: x.CreatedAt, LastSeenAt: x.LastSeenAt, IdleExpiresAt: x.IdleExpiresAt, AbsoluteExpiresAt: x.AbsoluteExpiresAt})
		}
	}
	out["identity.sessions"] = sv
	return out, nil
}

func (m *Module) sessionsOf(ctx context.Context, accountID string) ([]identity.Session, error) {
	var ids []string
	if err := m.sessions().EachOf(ctx, accountID, func(id string) error { ids = append(ids, id); return nil }); err != nil {
		return nil, err
	}
	var res []identity.Session
	for _, id := range ids {
		s, err := m.sessions().Session(ctx, id)
		if errors.Is(err, identity.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		res = append(res, s)
	}
	return res, nil
}

// ByAccount is the identity table's index of the items that name an account
// (accountId): its tokens and its email claim.
var ByAccount = dynamo.Index{Name: "byAccount", Attr: "accountId"}

// tokensOf returns an account's pending links, found through the byAccount index
// and read afresh by key: only that account's items are read.
func (m *Module) tokensOf(ctx context.Context, accountID string) ([]identity.Token, error) {
	var digests []string
	err := m.table(m.Identity).Keys(ctx, ByAccount, accountID, func(k dynamo.Item) error {
		if d, ok := strings.CutPrefix(dynamo.String(k, dynamo.PK), "TOKEN#"); ok {
			digests = append(digests, d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var out []identity.Token
	for _, d := range digests {
		t, err := m.store().Token(ctx, d, dynamo.IgnoreTTL)
		if errors.Is(err, identity.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if t.AccountID == accountID {
			out = append(out, t)
		}
	}
	return out, nil
}

func (m *Module) deleteKey(ctx context.Context, table string, it dynamo.Item) error {
	k := dynamo.Item{dynamo.PK: it[dynamo.PK]}
	if sk, ok := it[dynamo.SK]; ok && table == m.Identity {
		k[dynamo.SK] = sk
	}
	if _, err := m.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(table), Key: k}); err != nil {
		return fmt.Errorf("delete from %s: %w", table, err)
	}
	return nil
}

// Deactivate ends every session and stops sign-in: the first step of an erasure,
// taken even while a legal hold keeps the data.
func (m *Module) Deactivate(ctx context.Context, s privacy.Subject) error {
	_, err := m.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: aws.String(m.Identity), Key: dynamo.Key("ACCOUNT#"+s.AccountID, "ACCOUNT"),
		UpdateExpression:          aws.String("SET #status = :d"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: dynamo.Item{":d": dynamo.S(identity.StatusDeactivated)},
	})
	if err != nil && !dynamo.ConditionFailed(err) {
		return fmt.Errorf("deactivate: %w", err)
	}
	return m.sessions().DeleteSessionsOf(ctx, s.AccountID)
}

// Erase implements privacy.Module: sessions, device credentials, known clients,
// pending links, the email claim (so the address can register again) and the
// account itself.
func (m *Module) Erase(ctx context.Context, s privacy.Subject) error {
	if err := m.sessions().DeleteSessionsOf(ctx, s.AccountID); err != nil {
		return err
	}
	devices, err := m.store().Devices(ctx, s.AccountID)
	if err != nil {
		return err
	}
	for _, d := range devices {
		if err := m.store().DeleteDevice(ctx, s.AccountID, d.ID); err != nil {
			return err
		}
	}
	if err := m.store().ForgetClients(ctx, s.AccountID); err != nil {
		return err
	}
	tokens, err := m.tokensOf(ctx, s.AccountID)
	if err != nil {
		return err
	}
	for _, t := range tokens {
		if err := m.deleteKey(ctx, m.Identity, dynamo.Key("TOKEN#"+t.Digest, "TOKEN")); err != nil {
			return err
		}
	}
	if s.Email != "" {
		_, err := m.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
			TableName: aws.String(m.Identity), Key: dynamo.Key("EMAIL#"+s.Email, "EMAIL"),
			ConditionExpression:       aws.String("accountId = :a"),
			ExpressionAttributeValues: dynamo.Item{":a": dynamo.S(s.AccountID)},
		})
		if err != nil && !dynamo.ConditionFailed(err) {
			return fmt.Errorf("delete email claim: %w", err)
		}
	}
	return m.deleteKey(ctx, m.Identity, dynamo.Key("ACCOUNT#"+s.AccountID, "ACCOUNT"))
}

// kindOf maps an identity-table key to the privacy kind it holds.
func kindOf(pk, sk string) string {
	switch {
	case strings.HasPrefix(pk, "ACCOUNT#") && strings.HasPrefix(sk, "KNOWN#"):
		return "identity.known-clients"
	case strings.HasPrefix(pk, "ACCOUNT#"), strings.HasPrefix(pk, "EMAIL#"):
		return "identity.account"
	case strings.HasPrefix(pk, "TOKEN#"):
		return "identity.tokens"
	case strings.HasPrefix(pk, "FAILURE#"):
		return "identity.login-failures"
	}
	return ""
}

// Sweep implements privacy.Module: items past their TTL in the identity table
// (lapsed pending accounts and their claims, used-up links, old failure counters,
// clients not signed in from for KnownClientTTL)
// and sessions past their idle or absolute timeout. Items of held subjects stay.
func (m *Module) Sweep(ctx context.Context, now time.Time, held *privacy.Held) (map[string]int, error) {
	counts := map[string]int{}
	_, err := m.table(m.Identity).Sweep(ctx, dynamo.Sweep{Name: "expired"}, dynamo.ExpiredAt(now),
		func(it dynamo.Item) error {
			pk := dynamo.String(it, dynamo.PK)
			kind := kindOf(pk, dynamo.String(it, dynamo.SK))
			if kind == "" {
				return nil
			}
			owner := dynamo.String(it, "accountId")
			if strings.HasPrefix(pk, "ACCOUNT#") {
				owner = strings.TrimPrefix(pk, "ACCOUNT#")
			}
			if owner != "" && held.Keep(owner) {
				return nil
			}
			counts[kind]++
			return m.deleteKey(ctx, m.Identity, it)
		})
	if err != nil {
		return counts, err
	}
	_, err = m.table(m.Sessions).Sweep(ctx, dynamo.Sweep{Name: "ended", PartitionKeyOnly: true}, dynamo.Cond{}, func(it dynamo.Item) error {
		var s identity.Session
		if err := dynamo.Unmarshal(it, &s); err != nil {
			return err
		}
		if s.Live(now) || held.Keep(s.AccountID) {
			return nil
		}
		counts["identity.sessions"]++
		return m.deleteKey(ctx, m.Sessions, it)
	})
	return counts, err
}
