package networkwire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/kms"

	"kontor/shared/env"
	"kontor/shared/httpapi"
	"kontor/shared/logging"
	"kontor/shared/network"
	"kontor/shared/network/networkapi"
	"kontor/shared/network/networkdb"
)

// messageService is direct messages on the network table (NETWORK_TABLE) and
// the message keys table (MESSAGE_KEYS_TABLE), the sides' keys made by the
// messages' KMS key (MESSAGES_KEY_ARN).
func messageService(cfg aws.Config) (*network.MessageService, error) {
	var r env.Reader
	store := &networkdb.Messages{Store: &networkdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("NETWORK_TABLE")}, Keys: r.String("MESSAGE_KEYS_TABLE")}
	keys := networkdb.SideKeys{KMS: kms.NewFromConfig(cfg), KeyID: r.String("MESSAGES_KEY_ARN")}
	return &network.MessageService{Store: store, Keys: keys, Now: now, Log: logging.New("messages")}, r.Err()
}

// MessageRoutes are the messages function's routes (HKC-7).
func MessageRoutes(ctx context.Context) (map[string]httpapi.Route, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	svc, err := messageService(cfg)
	if err != nil {
		return nil, err
	}
	return networkapi.Messages{Svc: svc}.Routes(), nil
}
