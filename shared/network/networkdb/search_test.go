package networkdb

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/network"
)

// searchItems counts the index's items in the table.
func searchItems(t *testing.T, st *Store) int {
	t.Helper()
	out, err := st.DB.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(st.Table)})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range out.Items {
		if pk := dynamo.String(it, dynamo.PK); len(pk) > 6 && pk[:6] == "SEARCH" {
			n++
		}
	}
	return n
}

func complete(id, last string) network.Profile {
	return network.Profile{AccountID: id, FirstName: "Greta", LastName: last, Gender: "female", Company: "Tee GmbH", RoleInCompany: "CEO",
		CompanyWebsite: "https://tee.example", Street: "Hafen", HouseNumber: "1", PostalCode: "20457", City: "Hamburg", Country: "DE",
		Phone: "+49 40 1", Fax: "+49 40 2", Email: "a@tee.example", Birthdate: "1931-02-03"}
}

// HKC-9: the index follows what the table holds now — entered, changed by
// exactly its difference, removed — whatever order the stream's records come
// in; items that are no profile, group, post or comment are never read.
func TestReindexFollowsTheCurrentItem(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	st := &Store{DB: db, Table: dynamotest.Table(t, db, false)}
	p := complete(account, "Müller")
	if err := st.Put(ctx, p, 0); err != nil {
		t.Fatal(err)
	}
	for range 2 { // twice: the same
		if err := st.Reindex(ctx, "PROFILE#"+account, "PROFILE"); err != nil {
			t.Fatal(err)
		}
	}
	terms, err := st.IndexedTerms(ctx, network.DocPerson, account)
	if err != nil || !slices.Contains(terms, "mull") || slices.Contains(terms, "1931") {
		t.Fatalf("terms %v (%v): the name, never the hidden birthdate", terms, err)
	}
	entries := searchItems(t, st)
	if entries != len(terms)+1 {
		t.Fatalf("%d index items for %d terms", entries, len(terms))
	}
	hits, err := st.Lookup(ctx, network.SearchPeople, "mu", true, 10)
	if err != nil || len(hits) != 1 || hits[0].ID != account || hits[0].Kind != network.DocPerson {
		t.Fatalf("prefix lookup: %+v %v", hits, err)
	}
	// A change enters the new terms and removes the old ones.
	p.LastName, p.BirthdateVisible, p.Version = "Schmidt", true, 2
	if err := st.table().Put(ctx, profileKey(account), p, time.Time{}, dynamo.Cond{}); err != nil {
		t.Fatal(err)
	}
	if err := st.Reindex(ctx, "PROFILE#"+account, "PROFILE"); err != nil {
		t.Fatal(err)
	}
	if hits, _ := st.Lookup(ctx, network.SearchPeople, "mull", false, 10); len(hits) != 0 {
		t.Fatalf("the old name is still entered: %+v", hits)
	}
	if hits, _ := st.Lookup(ctx, network.SearchPeople, "1931", false, 10); len(hits) != 1 {
		t.Fatalf("the birthdate shown is not entered: %+v", hits)
	}
	// Gone: nothing of it stays in the index.
	if err := st.Delete(ctx, account); err != nil {
		t.Fatal(err)
	}
	if err := st.Reindex(ctx, "PROFILE#"+account, "PROFILE"); err != nil {
		t.Fatal(err)
	}
	if n := searchItems(t, st); n != 0 {
		t.Fatalf("%d index items after the profile is gone", n)
	}
	// Other items are skipped unread (a message, a membership, the index itself).
	for _, k := range [][2]string{{"CONVERSATION#x", "MESSAGE#y"}, {"GROUP#g", "MEMBER#a"}, {"SEARCH#people#mu", "mull#" + account}} {
		if err := st.Reindex(ctx, k[0], k[1]); err != nil {
			t.Fatal(err)
		}
	}
	if n := searchItems(t, st); n != 0 {
		t.Fatalf("%d index items from items that are not documents", n)
	}
}
