// Package networkwire builds the network module's parts from a function's
// environment.
package networkwire

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/env"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
	"kontor/shared/network/networkprivacy"
	"kontor/shared/privacy"
)

func now() time.Time { return time.Now().UTC() }

// service is the profiles on the network table (NETWORK_TABLE).
func service(ctx context.Context) (*network.Service, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	store := &networkdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("NETWORK_TABLE")}
	return &network.Service{Store: store, Now: now}, r.Err()
}

// Handlers builds the network function's handlers.
func Handlers(ctx context.Context) (networkapi.Handlers, error) {
	svc, err := service(ctx)
	return networkapi.Handlers{Svc: svc}, err
}

// Privacy builds the network module's privacy function.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	svc, err := service(ctx)
	return []privacy.Module{networkprivacy.Module{Svc: svc}}, err
}
