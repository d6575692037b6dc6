package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/infra/local"
	"kontor/shared/dynamo"
	"kontor/shared/identity/identitydb"
	"kontor/shared/ids"
	"kontor/shared/network"
	"kontor/shared/network/networkdb"
)

// seedNetwork creates the reader and the authors, NetworkGroups open groups
// with all of them as members, and posts posts through the network store, round
// robin over the groups and authors, one second apart (newest last).
func seedNetwork(ctx context.Context, s *local.Stack, db *dynamodb.Client, table string, posts int) (*networkSeed, error) {
	start := time.Now()
	store := &networkdb.Store{DB: db, Table: table}
	ident := &identitydb.Store{DB: db, Table: s.Name("IdentityTable")}
	profiles := &network.Service{Store: store, Now: func() time.Time { return time.Now().UTC() }}
	stamp := strconv.FormatInt(start.UnixNano(), 36)
	w := &networkSeed{email: "bench.network." + stamp + "@example.org", password: "bench-Netzwerk-Passwort-" + stamp}
	var err error
	if w.reader, err = newNetworkAccount(ctx, ident, profiles, w.email, w.password, "Leser"); err != nil {
		return nil, err
	}
	for a := range networkAuthors {
		id, err := newNetworkAccount(ctx, ident, profiles, fmt.Sprintf("bench.author.%s.%d@example.org", stamp, a), w.password, "Autorin"+strconv.Itoa(a))
		if err != nil {
			return nil, err
		}
		w.authors = append(w.authors, id)
	}
	groups, err := seedGroups(ctx, store, append([]string{w.reader}, w.authors...))
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "network bench: accounts and groups seeded in %.1f s\n", time.Since(start).Seconds())
	if err := seedPosts(ctx, db, table, groups, w.authors, posts); err != nil {
		return nil, err
	}
	w.took = time.Since(start)
	return w, nil
}

// seedGroups creates the open groups and their memberships with the store's
// own transactions (the table is still small).
func seedGroups(ctx context.Context, store *networkdb.Store, members []string) ([]string, error) {
	now := time.Now().UTC().Add(-time.Hour)
	var out []string
	for i := range NetworkGroups {
		g := network.Group{ID: ids.NewV7(now), Kind: network.KindGroup, Access: network.AccessOpen, Name: fmt.Sprintf("Arbeitskreis %d", i+1),
			Description: "Erfahrungsaustausch", CreatedAt: now, Version: 1}
		if err := store.CreateGroup(ctx, g, nil); err != nil {
			return nil, fmt.Errorf("create group: %w", err)
		}
		for _, m := range members {
			if err := store.AddMember(ctx, network.Membership{GroupID: g.ID, AccountID: m, Role: network.GroupMember, Since: now}); err != nil {
				return nil, fmt.Errorf("add member: %w", err)
			}
		}
		out = append(out, g.ID)
	}
	return out, nil
}

// seedPosts writes the posts through networkdb.Store.CreatePost on a client
// that runs its transactions as single writes (untransacted): 4 writers, each
// with its own groups, so each group's index grows in order.
func seedPosts(ctx context.Context, db *dynamodb.Client, table string, groups, authors []string, posts int) error {
	u := &untransacted{DB: db, w: newBatchWriter(ctx, db)}
	store := &networkdb.Store{DB: u, Table: table}
	first := time.Now().UTC().Add(-time.Duration(posts) * time.Second)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for writer := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := writer; i < posts; i += 4 {
				at := first.Add(time.Duration(i) * time.Second)
				p := network.Post{ID: ids.NewV7(at), GroupID: groups[(i/4*4+writer)%len(groups)], AuthorID: authors[i%len(authors)],
					Text: fmt.Sprintf("Beitrag %d: Wer hat Erfahrung mit der neuen Verordnung? https://example.org/%d", i, i), CreatedAt: at, Version: 1}
				if err := store.CreatePost(ctx, p); err != nil {
					errs[writer] = fmt.Errorf("post %d: %w", i, err)
					return
				}
				if i%1000 == 0 {
					fmt.Fprintf(os.Stderr, "network bench: %d posts seeded\n", i)
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(append(errs, u.close())...)
}

// untransacted runs the store's transactions as single writes for seeding:
// moto copies the whole table for each transaction, which on a table of tens of
// thousands of items takes a good part of a second (DynamoDB does not), so ten
// thousand posts would take the emulator hours. Its conditioned updates run
// first, one by one; the first whose condition fails cancels the transaction
// as DynamoDB would, before anything is written (a later one failing is an
// error: the seeder writes alone, so it does not happen). Then its puts go
// into BatchWriteItem calls, 25 items each: the very items the store built.
// A post's stamp on its author's membership (lastWrote) is written once per
// membership: the seeder's posts move it only forward, and each stamp is another
// round trip to an emulator that takes milliseconds for one.
type untransacted struct {
	dynamo.DB
	mu      sync.Mutex
	w       *batchWriter
	stamped sync.Map // membership keys whose lastWrote is set
}

// stampOnce says whether x is a membership's stamp that was written already.
func (u *untransacted) stampOnce(x *types.Update) bool {
	if aws.ToString(x.UpdateExpression) != "SET lastWrote = :t" {
		return false
	}
	key := dynamo.String(x.Key, dynamo.PK) + "|" + dynamo.String(x.Key, dynamo.SK)
	_, done := u.stamped.LoadOrStore(key, true)
	return done
}

func (u *untransacted) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	updated := 0
	for _, it := range in.TransactItems {
		if it.Delete != nil {
			return nil, errors.New("untransacted: only puts, updates and checks are seeded")
		}
		// A check is of what the seeder wrote itself before (a post's author is a
		// member of its group): it holds, and asking the emulator would cost a
		// round trip per post.
		if it.Update == nil {
			continue
		}
		x := it.Update
		if u.stampOnce(x) {
			continue
		}
		_, err := u.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: x.TableName, Key: x.Key, UpdateExpression: x.UpdateExpression,
			ConditionExpression: x.ConditionExpression, ExpressionAttributeNames: x.ExpressionAttributeNames, ExpressionAttributeValues: x.ExpressionAttributeValues}, o...)
		var failed *types.ConditionalCheckFailedException
		if errors.As(err, &failed) && updated == 0 {
			return nil, &types.TransactionCanceledException{Message: aws.String("seed: condition failed"),
				CancellationReasons: []types.CancellationReason{{Code: aws.String("ConditionalCheckFailed")}}}
		}
		if err != nil {
			return nil, fmt.Errorf("untransacted update %d: %w", updated, err)
		}
		updated++
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, it := range in.TransactItems {
		if it.Put != nil {
			if err := u.w.put(aws.ToString(it.Put.TableName), it.Put.Item); err != nil {
				return nil, err
			}
		}
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

// close writes what is still queued.
func (u *untransacted) close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.w.close()
}
