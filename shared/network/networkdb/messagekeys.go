package networkdb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"kontor/shared/network"
)

// KMS is the part of the KMS client the side keys need.
type KMS interface {
	GenerateDataKey(ctx context.Context, in *kms.GenerateDataKeyInput, optFns ...func(*kms.Options)) (*kms.GenerateDataKeyOutput, error)
	Decrypt(ctx context.Context, in *kms.DecryptInput, optFns ...func(*kms.Options)) (*kms.DecryptOutput, error)
}

// SideKeys makes and opens the sides' keys of direct messages with KMS: each a
// data key of the messages' KMS key (KeyID) under an encryption context that
// names its conversation and side (never an account id), so that a sealed key
// opens only for the side it was made for. Nothing opened is kept beyond the
// request that asked.
type SideKeys struct {
	KMS   KMS
	KeyID string
}

var _ network.Keys = SideKeys{}

// SideContext is the encryption context of a side's key.
func SideContext(conv, side string) map[string]string {
	return map[string]string{"kontor:conversation": conv, "kontor:side": side}
}

// NewSideKey implements network.Keys.
func (k SideKeys) NewSideKey(ctx context.Context, conv, side string) ([]byte, []byte, error) {
	out, err := k.KMS.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: aws.String(k.KeyID), KeySpec: kmstypes.DataKeySpecAes256, EncryptionContext: SideContext(conv, side)})
	if err != nil {
		return nil, nil, fmt.Errorf("new side key: %w", err)
	}
	return out.Plaintext, out.CiphertextBlob, nil
}

// OpenSideKey implements network.Keys.
func (k SideKeys) OpenSideKey(ctx context.Context, conv, side string, sealed []byte) ([]byte, error) {
	out, err := k.KMS.Decrypt(ctx, &kms.DecryptInput{KeyId: aws.String(k.KeyID), CiphertextBlob: sealed, EncryptionContext: SideContext(conv, side)})
	if err != nil {
		return nil, fmt.Errorf("open side key: %w", err)
	}
	return out.Plaintext, nil
}
