package classifiedsdb

import (
	"context"
	"errors"
	"sort"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/classifieds"
	"kontor/shared/dynamo"
)

var _ classifieds.PhotoStore = (*Store)(nil)

// photosItem is a listing's photos item: the photos by id and their count, which
// the condition of an addition bounds.
type photosItem struct {
	Photos map[string]classifieds.Photo `dynamodbav:"photos"`
	N      int                          `dynamodbav:"n"`
}

// Photos implements classifieds.PhotoStore: read consistently, oldest first
// (photo ids are UUIDv7).
func (s *Store) Photos(ctx context.Context, listingID string) ([]classifieds.Photo, error) {
	var it photosItem
	err := s.table().Get(ctx, photosKey(listingID), &it, dynamo.IgnoreTTL)
	if errors.Is(err, dynamo.ErrNotFound) {
		return []classifieds.Photo{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]classifieds.Photo, 0, len(it.Photos))
	for _, p := range it.Photos {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// AddPhoto implements classifieds.PhotoStore: the item is created empty if
// missing, then the photo added under the condition that fewer than max are there.
func (s *Store) AddPhoto(ctx context.Context, listingID string, p classifieds.Photo, max int) error {
	empty := dynamo.Write{Key: photosKey(listingID), Update: "SET #ps = if_not_exists(#ps, :empty), #n = if_not_exists(#n, :zero)",
		Cond: dynamo.Cond{Names: map[string]string{"#ps": attrPhotos, "#n": attrPhotoCount},
			Values: dynamo.Item{":empty": &types.AttributeValueMemberM{Value: map[string]types.AttributeValue{}}, ":zero": dynamo.N(0)}}}
	if err := s.table().Transact(ctx, empty); err != nil {
		return err
	}
	v, err := attributevalue.Marshal(p)
	if err != nil {
		return err
	}
	err = s.table().Transact(ctx, dynamo.Write{Key: photosKey(listingID), Update: "SET #ps.#id = :p, #n = #n + :one",
		Cond: dynamo.Cond{Expr: "#n < :max AND attribute_not_exists(#ps.#id)",
			Names:  map[string]string{"#ps": attrPhotos, "#n": attrPhotoCount, "#id": p.ID},
			Values: dynamo.Item{":p": v, ":one": dynamo.N(1), ":max": dynamo.N(int64(max))}}})
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrPhotosFull
	}
	return err
}

// SetPhotoReady implements classifieds.PhotoStore.
func (s *Store) SetPhotoReady(ctx context.Context, listingID string, p classifieds.Photo) error {
	v, err := attributevalue.Marshal(p)
	if err != nil {
		return err
	}
	err = s.table().Transact(ctx, dynamo.Write{Key: photosKey(listingID), Update: "SET #ps.#id = :p",
		Cond: dynamo.Cond{Expr: "attribute_exists(#ps.#id) AND attribute_not_exists(#ps.#id.#ready)",
			Names:  map[string]string{"#ps": attrPhotos, "#id": p.ID, "#ready": "ready"},
			Values: dynamo.Item{":p": v}}})
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrPhotoChanged
	}
	return err
}

// RemovePhoto implements classifieds.PhotoStore.
func (s *Store) RemovePhoto(ctx context.Context, listingID, id string) error {
	err := s.table().Transact(ctx, dynamo.Write{Key: photosKey(listingID), Update: "REMOVE #ps.#id SET #n = #n - :one",
		Cond: dynamo.Cond{Expr: "attribute_exists(#ps.#id)",
			Names:  map[string]string{"#ps": attrPhotos, "#id": id, "#n": attrPhotoCount},
			Values: dynamo.Item{":one": dynamo.N(1)}}})
	if errors.Is(err, dynamo.ErrConflict) {
		return classifieds.ErrPhotoChanged
	}
	return err
}

// RemovePhotos implements classifieds.PhotoStore.
func (s *Store) RemovePhotos(ctx context.Context, listingID string) error {
	return s.table().Delete(ctx, photosKey(listingID))
}
