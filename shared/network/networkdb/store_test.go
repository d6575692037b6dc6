package networkdb

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/dynamo/dynamotest"
	"kontor/shared/network"
)

// countingDB counts the reads that reach DynamoDB.
type countingDB struct {
	dynamo.DB
	gets, batches atomic.Int32
}

func (c *countingDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	return c.DB.GetItem(ctx, in, opts...)
}

func (c *countingDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.batches.Add(1)
	return c.DB.BatchGetItem(ctx, in, opts...)
}

const account = "019ad0a4-0000-7000-8000-000000000001"

// A member's profile and picture record come in one round trip; without a
// profile it is ErrNotFound (the record still read, for the owner's empty one).
func TestProfileAndPictureInOneRoundTrip(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	counting := &countingDB{DB: db}
	st := &Store{DB: counting, Table: dynamotest.Table(t, db, false)}
	pic := &network.Picture{ID: "019ad0a4-0000-7000-8000-00000000000a", ContentType: "image/webp", Size: 123, CreatedAt: time.Now().UTC()}
	if err := st.PutPictures(ctx, account, network.Pictures{Current: pic, Version: 1}, 0); err != nil {
		t.Fatal(err)
	}
	if _, ps, err := st.GetWithPictures(ctx, account); !errors.Is(err, network.ErrNotFound) || ps.Current == nil {
		t.Fatalf("no profile yet: %+v %v", ps, err)
	}
	if err := st.Put(ctx, network.Profile{AccountID: account, Version: 1, City: "Kiel"}, 0); err != nil {
		t.Fatal(err)
	}
	counting.gets.Store(0)
	counting.batches.Store(0)
	p, ps, err := st.GetWithPictures(ctx, account)
	if err != nil || p.City != "Kiel" || ps.Current == nil || ps.Current.ID != pic.ID || ps.Version != 1 {
		t.Fatalf("%+v %+v %v", p, ps, err)
	}
	if g, b := counting.gets.Load(), counting.batches.Load(); g != 0 || b != 1 {
		t.Fatalf("%d GetItem and %d BatchGetItem, want one BatchGetItem", g, b)
	}
}

// The picture record's writes hold only on the version read: a write on an older
// version is ErrConflict and changes nothing; a record from before versions counts
// as version 0.
func TestPictureRecordWritesAreConditionedOnTheVersion(t *testing.T) {
	db := dynamotest.Moto(t)
	ctx := context.Background()
	st := &Store{DB: db, Table: dynamotest.Table(t, db, false)}
	legacy := dynamo.Key("PROFILE#"+account, "PICTURE")
	legacy["pending"] = &types.AttributeValueMemberM{Value: dynamo.Item{"id": dynamo.S("old")}}
	if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(st.Table), Item: legacy}); err != nil {
		t.Fatal(err)
	}
	first := network.Pictures{Pending: &network.Picture{ID: "a"}, Version: 1}
	if err := st.PutPictures(ctx, account, first, 0); err != nil {
		t.Fatalf("over a record without a version: %v", err)
	}
	if err := st.PutPictures(ctx, account, network.Pictures{Pending: &network.Picture{ID: "b"}, Version: 1}, 0); !errors.Is(err, network.ErrConflict) {
		t.Fatalf("on version 0 again: %v", err)
	}
	if err := st.PutPictures(ctx, account, network.Pictures{Pending: &network.Picture{ID: "c"}, Version: 2}, 1); err != nil {
		t.Fatal(err)
	}
	if ps, err := st.GetPictures(ctx, account); err != nil || ps.Pending.ID != "c" || ps.Version != 2 {
		t.Fatalf("%+v %v", ps, err)
	}
}
