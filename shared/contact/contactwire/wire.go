// Package contactwire builds the contact module's parts from a function's
// environment.
package contactwire

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/contact"
	"kontor/shared/contact/contactapi"
	"kontor/shared/contact/contactdb"
	"kontor/shared/contact/contactprivacy"
	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/privacy"
)

func now() time.Time { return time.Now().UTC() }

// store is the contact table (CONTACT_TABLE).
func store(cfg aws.Config, r *env.Reader) *contactdb.Store {
	return &contactdb.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("CONTACT_TABLE")}
}

// Privacy builds the contact module's privacy function on CONTACT_TABLE.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	return []privacy.Module{contactprivacy.Module{Store: store(cfg, &r), Now: now}}, r.Err()
}

// Handlers builds the contact function's handlers: the contact table, and the
// identity module for the signed-in sender's address.
func Handlers(ctx context.Context) (contactapi.Handlers, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return contactapi.Handlers{}, err
	}
	people, err := identitywire.People(ctx)
	if err != nil {
		return contactapi.Handlers{}, err
	}
	var r env.Reader
	return contactapi.Handlers{Svc: &contact.Service{Store: store(cfg, &r), Now: now}, People: people}, r.Err()
}
