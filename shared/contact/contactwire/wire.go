// Package contactwire builds the contact module's parts from a function's
// environment.
package contactwire

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/contact"
	"kontor/shared/contact/contactapi"
	"kontor/shared/env"
	"kontor/shared/identity/identitywire"
	"kontor/shared/privacy"
)

// Privacy builds the contact module's privacy function on CONTACT_TABLE.
func Privacy(ctx context.Context) ([]privacy.Module, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return nil, err
	}
	var r env.Reader
	st := &contact.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("CONTACT_TABLE"), Now: func() time.Time { return time.Now().UTC() }}
	return []privacy.Module{contact.Module{Store: st}}, r.Err()
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
	st := &contact.Store{DB: dynamodb.NewFromConfig(cfg), Table: r.String("CONTACT_TABLE"), Now: func() time.Time { return time.Now().UTC() }}
	return contactapi.Handlers{Store: st, People: people}, r.Err()
}
