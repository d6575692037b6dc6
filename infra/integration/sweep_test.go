package integration

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/identity"
	"kontor/shared/identity/identitydb"
	"kontor/shared/ids"
)

// setTTL moves an item's ttl attribute.
func setTTL(t *testing.T, logicalID string, key map[string]types.AttributeValue, at time.Time) {
	t.Helper()
	_, err := db().UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(stack.Name(logicalID)), Key: key,
		UpdateExpression:          aws.String("SET #ttl = :t"),
		ConditionExpression:       aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames:  map[string]string{"#ttl": "ttl"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberN{Value: fmt.Sprint(at.Unix())}},
	})
	if err != nil {
		t.Fatalf("set ttl: %v", err)
	}
}

func idKey(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: pk}, "sk": &types.AttributeValueMemberS{Value: sk}}
}

func exists(t *testing.T, logicalID string, key map[string]types.AttributeValue) bool {
	t.Helper()
	out, err := db().GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(stack.Name(logicalID)), Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil {
		t.Fatal(err)
	}
	return out.Item != nil
}

// pendingAccount registers an address through the API and returns the account id
// of the pending account.
func pendingAccount(t *testing.T, email string) string {
	t.Helper()
	register(t, newClient(t), email)
	id, err := identityStore().AccountIDByEmail(context.Background(), email, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The retention sweep deletes exactly what is overdue (items written with old
// timestamps) and nothing of a held or restricted person, and writes a receipt.
func TestRetentionSweepDeletesExactlyWhatIsOverdue(t *testing.T) {
	past := time.Now().Add(-time.Hour)
	// Overdue: a lapsed pending account (account and claim), a used-up link, an old
	// failure counter, a client not signed in from for too long.
	lapsedMail := newEmail("lapsed")
	lapsed := pendingAccount(t, lapsedMail)
	setTTL(t, "IdentityTable", idKey("ACCOUNT#"+lapsed, "ACCOUNT"), past)
	setTTL(t, "IdentityTable", idKey("EMAIL#"+lapsedMail, "EMAIL"), past)
	st := identityStore()
	oldToken := identity.Token{Digest: ids.Digest(ids.NewToken()), Kind: identity.TokenReset, AccountID: lapsed, ExpiresAt: past}
	if err := st.PutToken(context.Background(), oldToken); err != nil {
		t.Fatal(err)
	}
	failKey := "account#sweeptest" + ids.NewToken()[:8]
	if err := st.Reserve(context.Background(), []identity.Counter{{Key: failKey}}, past); err != nil {
		t.Fatal(err)
	}
	oldClient := "sweeptest" + ids.NewToken()[:8]
	if err := st.RememberClient(context.Background(), lapsed, oldClient, past.Add(-identity.KnownClientTTL), past); err != nil {
		t.Fatal(err)
	}
	// Not overdue: a fresh pending account.
	freshMail := newEmail("fresh")
	fresh := pendingAccount(t, freshMail)
	// Overdue but held: a lapsed pending account under a legal hold.
	heldMail := newEmail("heldlapsed")
	held := pendingAccount(t, heldMail)
	admin := adminClient(t)
	want(t, admin.do(http.MethodPost, "/v1/admin/holds", map[string]any{"accountId": held, "reason": "authority instruction 7/26"}), http.StatusCreated)
	setTTL(t, "IdentityTable", idKey("ACCOUNT#"+held, "ACCOUNT"), past)
	// Overdue but restricted: a member's expired session, kept while restricted.
	c, _ := signUp(t, "restricted")
	p := profile(t, c)
	want(t, c.do(http.MethodPut, "/v1/me/restriction", nil), http.StatusOK)
	if r := c.do(http.MethodGet, "/v1/me/restriction", nil); r.Status != 200 || string(r.Body) != `{"restricted":true}` {
		t.Fatalf("restriction state %d %s", r.Status, r.Body)
	}
	if d := export(t, c); !d.Restricted {
		t.Fatal("restriction not in the export")
	}
	expired, _, _ := identity.NewSession(identity.Account{ID: p.ID, Roles: []string{"member"}}, past.Add(-24*time.Hour), identity.Timeouts{Idle: time.Minute, Absolute: time.Hour})
	sessions := &identitydb.Sessions{DB: db(), Table: stack.Name("SessionTable")}
	if err := sessions.PutSession(context.Background(), expired); err != nil {
		t.Fatal(err)
	}
	sessionKey := map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: expired.ID}}

	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}

	for name, k := range map[string]map[string]types.AttributeValue{
		"lapsed account": idKey("ACCOUNT#"+lapsed, "ACCOUNT"), "lapsed claim": idKey("EMAIL#"+lapsedMail, "EMAIL"),
		"old link": idKey("TOKEN#"+oldToken.Digest, "TOKEN"), "old counter": idKey("FAILURE#"+failKey, "FAILURE"),
		"old known client": idKey("ACCOUNT#"+lapsed, "KNOWN#"+oldClient),
	} {
		if exists(t, "IdentityTable", k) {
			t.Errorf("%s survived the sweep", name)
		}
	}
	for name, k := range map[string]map[string]types.AttributeValue{
		"fresh account": idKey("ACCOUNT#"+fresh, "ACCOUNT"), "fresh claim": idKey("EMAIL#"+freshMail, "EMAIL"),
		"held account": idKey("ACCOUNT#"+held, "ACCOUNT"),
	} {
		if !exists(t, "IdentityTable", k) {
			t.Errorf("%s was swept", name)
		}
	}
	if !exists(t, "SessionTable", sessionKey) {
		t.Error("the restricted person's expired session was swept")
	}
	day := time.Now().UTC().Format("2006-01-02")
	recs, err := privacyStore().Receipts(context.Background(), day)
	if err != nil || len(recs) == 0 {
		t.Fatalf("no receipt: %v", err)
	}
	last := recs[len(recs)-1]
	if last.Counts["identity.account"] < 2 || last.Counts["identity.tokens"] < 1 || last.Counts["identity.login-failures"] < 1 || last.Counts["identity.known-clients"] < 1 || last.Skipped < 2 {
		t.Fatalf("receipt %+v", last)
	}
	if s := toJSON(t, last); len(emailPattern.FindString(s)) > 0 {
		t.Fatalf("receipt holds personal data: %s", s)
	}

	// Lifting the restriction lets the next sweep remove the expired session.
	want(t, c.do(http.MethodDelete, "/v1/me/restriction", nil), http.StatusOK)
	if err := stack.TriggerSchedule(context.Background(), "RetentionSweepFunction"); err != nil {
		t.Fatal(err)
	}
	if exists(t, "SessionTable", sessionKey) {
		t.Error("expired session kept after the restriction was lifted")
	}
	want(t, admin.raw(http.MethodDelete, "/v1/admin/holds/"+held, "application/json", []byte(`{"reason":"done"}`), nil), http.StatusNoContent)
}
