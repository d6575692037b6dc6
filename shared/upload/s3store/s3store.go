// Package s3store keeps uploads in an S3 bucket, encrypted with the module's
// customer-managed key (upload.Store). It is a package of its own so that functions
// without file access do not link the S3 client.
package s3store

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"kontor/shared/upload"
)

// Bucket keeps uploads in one bucket, encrypted with one key.
type Bucket struct {
	Client *s3.Client
	Name   string
	Key    string // ARN of the module's customer-managed KMS key
	Now    func() time.Time
}

var _ upload.Store = (*Bucket)(nil)

// New returns the bucket over cfg; an emulator endpoint uses path-style addresses.
func New(cfg aws.Config, bucket, keyARN string) *Bucket {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.BaseEndpoint != nil
	})
	return &Bucket{Client: c, Name: bucket, Key: keyARN, Now: func() time.Time { return time.Now().UTC() }}
}

// KeyARN implements upload.Store.
func (b *Bucket) KeyARN() string { return b.Key }

func encryptionContext(encCtx map[string]string) (*string, error) {
	ec, err := json.Marshal(encCtx)
	if err != nil {
		return nil, err
	}
	return aws.String(base64.StdEncoding.EncodeToString(ec)), nil
}

// PresignPut implements upload.Store: the signed headers bind encryption with the
// module's key (bucket key on), the encryption context, type, length, and
// If-None-Match: * — the URL stores one object and cannot overwrite it.
func (b *Bucket) PresignPut(ctx context.Context, key string, size int64, contentType string, encCtx map[string]string, ttl time.Duration) (upload.URL, error) {
	ec, err := encryptionContext(encCtx)
	if err != nil {
		return upload.URL{}, err
	}
	req, err := s3.NewPresignClient(b.Client).PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(b.Name), Key: aws.String(key), ContentType: aws.String(contentType), ContentLength: aws.Int64(size),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(b.Key),
		SSEKMSEncryptionContext: ec, BucketKeyEnabled: aws.Bool(true), IfNoneMatch: aws.String("*"),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return upload.URL{}, fmt.Errorf("presign upload: %w", err)
	}
	h := map[string]string{}
	for k, vs := range req.SignedHeader {
		if strings.EqualFold(k, "host") {
			continue
		}
		h[k] = strings.Join(vs, ",")
	}
	return upload.URL{URL: req.URL, Method: req.Method, Headers: h, ExpiresAt: b.Now().Add(ttl)}, nil
}

// Get implements upload.Store.
func (b *Bucket) Get(ctx context.Context, key string, limit int64) ([]byte, upload.Info, error) {
	out, err := b.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)})
	if err != nil {
		if missing(err) {
			return nil, upload.Info{}, upload.ErrNoObject
		}
		return nil, upload.Info{}, fmt.Errorf("read upload: %w", err)
	}
	defer out.Body.Close()
	info := upload.Info{Size: aws.ToInt64(out.ContentLength), SSE: string(out.ServerSideEncryption), KeyARN: aws.ToString(out.SSEKMSKeyId)}
	if info.Size > limit {
		return nil, info, nil
	}
	data, err := io.ReadAll(io.LimitReader(out.Body, limit+1))
	if err != nil {
		return nil, upload.Info{}, fmt.Errorf("read upload: %w", err)
	}
	if int64(len(data)) > limit {
		info.Size = int64(len(data))
		return nil, info, nil
	}
	return data, info, nil
}

// PutChecked implements upload.Store.
func (b *Bucket) PutChecked(ctx context.Context, key, contentType string, body []byte, encCtx map[string]string) error {
	ec, err := encryptionContext(encCtx)
	if err != nil {
		return err
	}
	_, err = b.Client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(b.Name), Key: aws.String(key), Body: bytes.NewReader(body), ContentLength: aws.Int64(int64(len(body))),
		ContentType: aws.String(contentType), ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(b.Key),
		SSEKMSEncryptionContext: ec, BucketKeyEnabled: aws.Bool(true), IfNoneMatch: aws.String("*"),
	})
	var ae smithy.APIError
	if errors.As(err, &ae) && (ae.ErrorCode() == "PreconditionFailed" || ae.ErrorCode() == "ConditionalRequestConflict") {
		return upload.ErrExists
	}
	if err != nil {
		return fmt.Errorf("store upload: %w", err)
	}
	return nil
}

func missing(err error) bool {
	var nf *s3types.NotFound
	var nk *s3types.NoSuchKey
	var ae smithy.APIError
	if errors.As(err, &nf) || errors.As(err, &nk) {
		return true
	}
	return errors.As(err, &ae) && (ae.ErrorCode() == "NotFound" || ae.ErrorCode() == "NoSuchKey" || ae.ErrorCode() == fmt.Sprint(http.StatusNotFound))
}

// Delete implements upload.Store; deleting a missing object is not an error.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if _, err := b.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(b.Name), Key: aws.String(key)}); err != nil && !missing(err) {
		return fmt.Errorf("delete upload: %w", err)
	}
	return nil
}

// PresignGet implements upload.Store: the link serves the object as an attachment
// with the type that was detected and stored, whatever was declared.
func (b *Bucket) PresignGet(ctx context.Context, key, filename, contentType string, ttl time.Duration) (string, error) {
	req, err := s3.NewPresignClient(b.Client).PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(b.Name), Key: aws.String(key),
		ResponseContentDisposition: aws.String(upload.ContentDisposition(filename)),
		ResponseContentType:        aws.String(contentType),
		ResponseCacheControl:       aws.String("no-store"),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign download: %w", err)
	}
	return req.URL, nil
}

// DeleteUnder deletes every object under prefix last modified before cutoff (the
// zero time: all of them) and returns how many it deleted. It lists only that
// prefix, so its cost is that of the objects there.
func (b *Bucket) DeleteUnder(ctx context.Context, prefix string, cutoff time.Time) (int, error) {
	n := 0
	p := s3.NewListObjectsV2Paginator(b.Client, &s3.ListObjectsV2Input{Bucket: aws.String(b.Name), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return n, fmt.Errorf("list uploads: %w", err)
		}
		for _, o := range page.Contents {
			if !cutoff.IsZero() && !aws.ToTime(o.LastModified).Before(cutoff) {
				continue
			}
			if err := b.Delete(ctx, aws.ToString(o.Key)); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}
