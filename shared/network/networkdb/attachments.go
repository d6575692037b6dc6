package networkdb

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"kontor/shared/dynamo"
	"kontor/shared/network"
)

// Attachments are a list in their post's item (network.Attachment), changed by
// index on the condition that the entry there is still the one meant.

var _ network.AttachmentStore = (*Store)(nil)

// Files is where the attachments' objects are, for deleting them with their post.
type Files interface {
	Delete(ctx context.Context, key string) error
}

// AddAttachment implements network.AttachmentStore: appended in one transaction
// with the check that the author is still a member of the post's group.
func (s *Store) AddAttachment(ctx context.Context, p network.Post, a network.Attachment) error {
	v, err := attributevalue.Marshal(a)
	if err != nil {
		return err
	}
	err = s.table().Transact(ctx,
		dynamo.Write{Key: postKey(p.ID), Update: "SET attachments = list_append(if_not_exists(attachments, :empty), :a)",
			Cond: dynamo.Cond{Expr: "attribute_exists(pk) AND (attribute_not_exists(attachments) OR size(attachments) < :max)",
				Values: dynamo.Item{":empty": emptyList(), ":a": listOf(v), ":max": dynamo.N(network.MaxAttachments)}}},
		stillMember(p.GroupID, p.AuthorID))
	if !errors.Is(err, dynamo.ErrConflict) {
		return err
	}
	cur, err := s.Post(ctx, p.ID)
	if err != nil {
		return err
	}
	if _, err := s.Membership(ctx, p.GroupID, p.AuthorID); err != nil {
		return err
	}
	if len(cur.Attachments) >= network.MaxAttachments {
		return network.ErrFull
	}
	return network.ErrConflict
}

// SetAttachment implements network.AttachmentStore.
func (s *Store) SetAttachment(ctx context.Context, postID string, i int, a network.Attachment) error {
	v, err := attributevalue.Marshal(a)
	if err != nil {
		return err
	}
	at := fmt.Sprintf("attachments[%d]", i)
	return s.attachmentChange(ctx, postID, "SET "+at+" = :a", dynamo.Cond{
		Expr:   "attribute_exists(pk) AND " + at + ".#id = :id AND attribute_not_exists(" + at + ".#r)",
		Names:  map[string]string{"#id": "id", "#r": "ready"},
		Values: dynamo.Item{":a": v, ":id": dynamo.S(a.ID)}})
}

// RemoveAttachment implements network.AttachmentStore.
func (s *Store) RemoveAttachment(ctx context.Context, postID string, i int, id string) error {
	at := fmt.Sprintf("attachments[%d]", i)
	return s.attachmentChange(ctx, postID, "REMOVE "+at, dynamo.Cond{
		Expr: "attribute_exists(pk) AND " + at + ".#id = :id", Names: map[string]string{"#id": "id"}, Values: dynamo.Item{":id": dynamo.S(id)}})
}

// attachmentChange runs a conditioned change of a post's attachments: a failed
// condition is network.ErrNotFound without the post, network.ErrConflict with it.
func (s *Store) attachmentChange(ctx context.Context, postID, expr string, cond dynamo.Cond) error {
	err := s.update(ctx, postKey(postID), expr, cond)
	if errors.Is(err, dynamo.ErrConflict) {
		if _, gerr := s.Post(ctx, postID); errors.Is(gerr, network.ErrNotFound) {
			return network.ErrNotFound
		}
		return network.ErrConflict
	}
	return err
}

// deleteFiles deletes the objects of a post's attachments, staged and checked.
func (s *Store) deleteFiles(ctx context.Context, p network.Post) error {
	if len(p.Attachments) > 0 && s.Files == nil {
		return fmt.Errorf("post %s has attachments and the store has no files to delete them from", p.ID)
	}
	for _, a := range p.Attachments {
		for _, key := range network.AttachmentKeys(p.ID, a.ID) {
			if err := s.Files.Delete(ctx, key); err != nil {
				return err
			}
		}
	}
	return nil
}

// listOf is a list attribute of the values vs.
func listOf(vs ...types.AttributeValue) types.AttributeValue {
	return &types.AttributeValueMemberL{Value: vs}
}
