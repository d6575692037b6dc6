package networkwire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
)

// ConnectionRoutes are the connections function's routes (HKC-8): requests,
// connections and blocks on the network table (NETWORK_TABLE).
func ConnectionRoutes(ctx context.Context) (map[string]httpapi.Route, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	store := &networkdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("NETWORK_TABLE")}
	svc := &network.ConnectionService{Store: store, Now: now}
	return networkapi.Connections{Svc: svc}.Routes(), r.Err()
}
