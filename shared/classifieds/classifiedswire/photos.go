package classifiedswire

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/classifieds/classifiedsdb"
	"kontor/shared/env"
	"kontor/shared/secrets"
	"kontor/shared/upload/s3store"
)

// photoService is the photos of listings on the classifieds table and the photo
// bucket (PHOTO_BUCKET, encrypted with PHOTO_KEY_ARN); LISTING_MAX_PHOTOS is the
// operator's maximum a listing.
func photoService(cfg aws.Config, r *env.Reader, st *classifiedsdb.Store) *classifieds.Photos {
	objects := s3store.New(cfg, r.String("PHOTO_BUCKET"), r.String("PHOTO_KEY_ARN"))
	listings := &classifieds.Listings{Store: st, Now: now}
	return &classifieds.Photos{Listings: listings, Store: st, Objects: objects, Now: now, Max: r.Count("LISTING_MAX_PHOTOS", classifieds.DefaultMaxPhotos)}
}

// Photos builds the listing photos function's handlers.
func Photos(ctx context.Context) (classifiedsapi.Photos, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Photos{}, err
	}
	var r env.Reader
	svc := photoService(cfg, &r, store(cfg, &r))
	return classifiedsapi.Photos{Svc: svc}, r.Err()
}

// MinIdentitySecretBytes is the least length of the identity provider's secret.
const MinIdentitySecretBytes = 32

// Identity builds the identity confirmation function's handlers: the classifieds
// table, the provider's authorization page (IDP_URL), the site (APP_BASE_URL) and
// the secret the provider signs callbacks with, read at cold start from the SSM
// SecureString IDP_CALLBACK_SECRET_PARAMETER names.
func Identity(ctx context.Context) (classifiedsapi.Identity, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Identity{}, err
	}
	var r env.Reader
	st := store(cfg, &r)
	base, provider, secretName := r.String("APP_BASE_URL"), r.String("IDP_URL"), r.String("IDP_CALLBACK_SECRET_PARAMETER")
	if err := r.Err(); err != nil {
		return classifiedsapi.Identity{}, err
	}
	secret, err := secrets.Client{Config: cfg}.Read(ctx, secretName, MinIdentitySecretBytes)
	if err != nil {
		return classifiedsapi.Identity{}, fmt.Errorf("IDP_CALLBACK_SECRET_PARAMETER: %w", err)
	}
	svc := &classifieds.Identity{Store: st, Now: now, ProviderURL: provider, CallbackURL: base + "/v1/identity-confirmation/callback",
		SiteURL: base, Secret: secret}
	return classifiedsapi.Identity{Svc: svc}, nil
}
