package classifiedsdb

import (
	"context"
	"errors"
	"strings"
	"time"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
	"kontor/shared/ids"
)

// publicIDSet gives the advertiser item its public id once, when it is created:
// a random token, never the account id (which is never public).
const publicIDSet = ", #pid = if_not_exists(#pid, :pid)"

func withPublicIDName(names map[string]string) map[string]string {
	names["#pid"] = attrPubID
	return names
}

func withPublicID(values dynamo.Item) dynamo.Item {
	values[":pid"] = dynamo.S(ids.NewToken())
	return values
}

// AdvertiserRecord implements classifieds.AdvertiserStore.
func (s *Store) AdvertiserRecord(ctx context.Context, accountID string) (classifieds.AdvertiserRecord, bool, error) {
	var r classifieds.AdvertiserRecord
	err := s.table().Get(ctx, advertiserKey(accountID), &r, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return classifieds.AdvertiserRecord{}, false, nil
	}
	return r, err == nil, err
}

// dataAttrs maps the advertiser data's fields to their attributes.
func dataAttrs(d classifieds.AdvertiserData) map[string]string {
	return map[string]string{"username": d.Username, "usernameKey": classifieds.UsernameKey(d.Username), "salutation": d.Salutation,
		"name": d.Name, "street": d.Street, "postalCode": d.PostalCode, "city": d.City, "country": d.Country}
}

// SaveAdvertiserData implements classifieds.AdvertiserStore: one transaction sets
// the set fields and removes the empty ones on the advertiser item (creating it
// with createdAt and a public id), conditioned on the username being still the
// old one; a new username is claimed (the claim item must be free) and the old
// claim deleted.
func (s *Store) SaveAdvertiserData(ctx context.Context, accountID string, old, d classifieds.AdvertiserData, now time.Time) error {
	names := withPublicIDName(map[string]string{"#created": "createdAt", "#acc": "accountId", "#uk": "usernameKey"})
	values := withPublicID(dynamo.Item{":t": dynamo.S(now.UTC().Format(time.RFC3339Nano)), ":acc": dynamo.S(accountID)})
	set := []string{"#created = if_not_exists(#created, :t)", "#acc = :acc" + publicIDSet}
	var remove []string
	i := 0
	for attr, v := range dataAttrs(d) {
		n := "#d" + string(rune('a'+i))
		i++
		names[n] = attr
		if v == "" {
			remove = append(remove, n)
			continue
		}
		values[":"+n[1:]] = dynamo.S(v)
		set = append(set, n+" = :"+n[1:])
	}
	update := "SET " + strings.Join(set, ", ")
	if len(remove) > 0 {
		update += " REMOVE " + strings.Join(remove, ", ")
	}
	cond := "attribute_not_exists(#uk)"
	if old.Username != "" {
		cond = "#uk = :olduk"
		values[":olduk"] = dynamo.S(classifieds.UsernameKey(old.Username))
	}
	ws := []dynamo.Write{{Key: advertiserKey(accountID), Update: update, Cond: dynamo.Cond{Expr: cond, Names: names, Values: values}}}
	oldKey, newKey := classifieds.UsernameKey(old.Username), classifieds.UsernameKey(d.Username)
	if newKey != oldKey {
		if newKey != "" {
			ws = append(ws, dynamo.Write{Key: usernameKey(newKey), V: usernameClaim{AccountID: accountID}, Cond: dynamo.NotExists})
		}
		if oldKey != "" {
			ws = append(ws, dynamo.Write{Key: usernameKey(oldKey), Delete: true})
		}
	}
	err := s.table().Transact(ctx, ws...)
	if !errors.Is(err, dynamo.ErrConflict) {
		return err
	}
	if newKey != oldKey && newKey != "" {
		var c usernameClaim
		if e := s.table().Get(ctx, usernameKey(newKey), &c, dynamo.IgnoreTTL); e == nil && c.AccountID != accountID {
			return classifieds.ErrUsernameTaken
		}
	}
	return classifieds.ErrChanged
}

// usernameClaim holds a username for one account.
type usernameClaim struct {
	AccountID string `dynamodbav:"accountId"`
}

// EraseAdvertiserData frees the account's username (the advertiser item itself
// goes with EraseAdvertiser).
func (s *Store) EraseAdvertiserData(ctx context.Context, accountID string) error {
	r, ok, err := s.AdvertiserRecord(ctx, accountID)
	if err != nil || !ok || r.Username == "" {
		return err
	}
	return s.table().Delete(ctx, usernameKey(classifieds.UsernameKey(r.Username)))
}
