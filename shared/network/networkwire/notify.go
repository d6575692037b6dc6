package networkwire

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/mail"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
)

// GroupRoutes are the groups function's routes: committees, groups, posts,
// comments and the feed, and the notifications of new posts (each new post is
// queued for the notification function; leaving a group ends its
// notifications).
func GroupRoutes(ctx context.Context) (map[string]httpapi.Route, error) {
	g, err := Groups(ctx)
	if err != nil {
		return nil, err
	}
	store, _ := g.Groups.Store.(*networkdb.Store)
	subs := &network.SubscriptionService{Groups: g.Groups, Store: store, Now: now}
	g.Posts.Notify = network.QueueNotifier{Store: store}
	g.Groups.OnLeave = subs.Left
	routes := g.Routes()
	maps.Copy(routes, networkapi.Subscriptions{Svc: subs}.Routes())
	return routes, nil
}

// Notifier is the notification function: the queued posts on the network table
// (NETWORK_TABLE), the subscribers' addresses and languages from the identity
// module (IDENTITY_PRIVACY_FUNCTION), the outbox (OUTBOX_TABLE) and the site's
// address for the links (APP_BASE_URL).
type Notifier struct {
	N   *network.Notifications
	Log *slog.Logger
}

// NewNotifier builds the notification function.
func NewNotifier(ctx context.Context, log *slog.Logger) (Notifier, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return Notifier{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return Notifier{}, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	store := &networkdb.Store{DB: db, Table: r.String("NETWORK_TABLE")}
	n := &network.Notifications{Subs: store, Groups: store, Posts: store, People: people, Now: now, Log: log,
		Outbox: &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: log}, BaseURL: r.String("APP_BASE_URL")}
	return Notifier{N: n, Log: log}, r.Err()
}

// Handle mails the posts still queued; it runs every minute (a new post waits at
// most that long for its mail). Runs do not overlap (reserved concurrency 1).
func (h Notifier) Handle(ctx context.Context, _ json.RawMessage) (int, error) {
	n, err := h.N.Run(ctx)
	h.Log.InfoContext(ctx, "post notifications", slog.Int("queued", n))
	if err != nil {
		return n, fmt.Errorf("post notifications: %w", err)
	}
	return n, nil
}
