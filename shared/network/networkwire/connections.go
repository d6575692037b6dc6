package networkwire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/identity/identitywire"
	"kontor/shared/logging"
	"kontor/shared/mail"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
)

// ConnectionRoutes are the connections function's routes (HKC-8): requests,
// connections and blocks on the network table (NETWORK_TABLE); the mail about a
// new request goes to the outbox (OUTBOX_TABLE) with the recipient's address and
// language from the identity module (IDENTITY_PRIVACY_FUNCTION) and links to the
// site (APP_BASE_URL).
func ConnectionRoutes(ctx context.Context) (map[string]httpapi.Route, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	db := dynamodb.NewFromConfig(cfg)
	log := logging.New("connections")
	store := &networkdb.Store{DB: db, Table: r.String("NETWORK_TABLE")}
	notify := network.RequestMail{People: people, BaseURL: r.String("APP_BASE_URL"),
		Outbox: &mail.Outbox{DB: db, Table: r.String("OUTBOX_TABLE"), Now: now, Log: log}}
	svc := &network.ConnectionService{Store: store, Now: now, Notify: notify, Log: log}
	return networkapi.Connections{Svc: svc}.Routes(), r.Err()
}
