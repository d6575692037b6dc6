// Command contact serves the contact form (with and without an account) and the
// staff's handling of contact requests.
package main

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/contact"
	"kontor/shared/contact/contactapi"
	"kontor/shared/env"
	"kontor/shared/identity/identitydb"
	"kontor/shared/logging"
	"kontor/shared/serve"
)

func main() {
	log := logging.New("contact")
	h := env.Must(log, func(ctx context.Context) (contactapi.Handlers, error) {
		cfg, err := env.AWS(ctx)
		if err != nil {
			return contactapi.Handlers{}, err
		}
		db := dynamodb.NewFromConfig(cfg)
		var r env.Reader
		h := contactapi.Handlers{
			Store:    &contact.Store{DB: db, Table: r.String("CONTACT_TABLE"), Now: func() time.Time { return time.Now().UTC() }},
			Accounts: &identitydb.Store{DB: db, Table: r.String("IDENTITY_TABLE")},
		}
		return h, r.Err()
	})
	serve.HTTP(log, "contact", h.Routes())
}
