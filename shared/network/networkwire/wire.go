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
	"kontor/shared/privacy/privacydb"
	"kontor/shared/upload/s3store"
)

func now() time.Time { return time.Now().UTC() }

// services are the profiles on the network table (NETWORK_TABLE) and their
// pictures in the picture bucket (PICTURE_BUCKET, encrypted with
// PICTURE_KEY_ARN).
func services(ctx context.Context) (*network.Service, *network.PictureService, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, nil, err
	}
	var r env.Reader
	objects := s3store.New(cfg, r.String("PICTURE_BUCKET"), r.String("PICTURE_KEY_ARN"))
	// The privacy function purges deleted groups, their posts' attachments with them.
	store := &networkdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("NETWORK_TABLE"), Files: objects}
	pictures := &network.PictureService{Store: store, Objects: objects, Now: now}
	return &network.Service{Store: store, Now: now}, pictures, r.Err()
}

// Groups builds the groups function's handlers: committees, groups, posts,
// comments and the feed on the network table, and the posts' attachments in the
// picture bucket (PICTURE_BUCKET, under attachments/, encrypted with
// PICTURE_KEY_ARN).
func Groups(ctx context.Context) (networkapi.Groups, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return networkapi.Groups{}, err
	}
	var r env.Reader
	objects := s3store.New(cfg, r.String("PICTURE_BUCKET"), r.String("PICTURE_KEY_ARN"))
	store := &networkdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("NETWORK_TABLE"), Files: objects}
	ledger := &privacydb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("PRIVACY_TABLE")}
	groups := &network.GroupService{Store: store, Now: now, Restrictions: ledger}
	posts := &network.PostService{Groups: groups, Store: store, Now: now}
	return networkapi.Groups{Groups: groups, Posts: posts,
		Attachments: &network.AttachmentService{Posts: posts, Store: store, Objects: objects, Now: now}}, r.Err()
}

// Handlers builds the network function's handlers.
func Handlers(ctx context.Context) (networkapi.Handlers, error) {
	svc, pictures, err := services(ctx)
	return networkapi.Handlers{Svc: svc, Pictures: pictures}, err
}

// Privacy builds the network module's privacy function.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	svc, pictures, err := services(ctx)
	if err != nil {
		return nil, err
	}
	store, _ := svc.Store.(*networkdb.Store)
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	messages, err := messageService(cfg)
	if err != nil {
		return nil, err
	}
	return []privacy.Module{networkprivacy.Module{Svc: svc, Pictures: pictures, Groups: store, Subs: store, Connections: store, Search: store,
		Register: store, Messages: messages}}, nil
}
