package classifiedswire

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"kontor/shared/classifieds"
	"kontor/shared/classifieds/classifiedsapi"
	"kontor/shared/env"
	"kontor/shared/evidence"
)

// Ratings builds the ratings function's handlers: the classifieds table and the
// evidence log (EVIDENCE_TABLE, EVIDENCE_RETENTION_DAYS) for published ratings.
func Ratings(ctx context.Context) (classifiedsapi.Ratings, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Ratings{}, err
	}
	var r env.Reader
	ev := &evidence.Log{DB: dynamodb.NewFromConfig(cfg), Table: r.String("EVIDENCE_TABLE"), Retention: r.Days("EVIDENCE_RETENTION_DAYS", evidence.DefaultRetention)}
	svc := &classifieds.Ratings{Store: store(cfg, &r), Evidence: ev, Now: now}
	return classifiedsapi.Ratings{Svc: svc}, r.Err()
}

// Advertiser builds the advertiser function's handlers on the classifieds table.
func Advertiser(ctx context.Context) (classifiedsapi.Advertiser, error) {
	cfg, err := env.AWS(ctx)
	if err != nil {
		return classifiedsapi.Advertiser{}, err
	}
	var r env.Reader
	return classifiedsapi.Advertiser{Svc: &classifieds.Advertisers{Store: store(cfg, &r), Now: now}}, r.Err()
}
