// Package invoices3 keeps the insurance module's invoices in its S3 bucket,
// encrypted with the module's key. It is a package of its own so that functions
// without invoice access do not link the S3 client.
package invoices3

import (
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

	"kontor/shared/insurance"
)

// S3Objects keeps invoices in the module's bucket, encrypted with its key.
type S3Objects struct {
	Client *s3.Client
	Bucket string
	Key    string // ARN of the module's customer-managed KMS key
}

// NewS3Objects returns the bucket over cfg; an emulator endpoint uses path-style
// addresses.
func NewS3Objects(cfg aws.Config, bucket, keyARN string) *S3Objects {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = cfg.BaseEndpoint != nil
	})
	return &S3Objects{Client: c, Bucket: bucket, Key: keyARN}
}

// KeyARN implements insurance.Objects.
func (o *S3Objects) KeyARN() string { return o.Key }

// PresignPut implements insurance.Objects: the signed headers bind encryption with the
// module's key (bucket key on), the encryption context, type and length.
func (o *S3Objects) PresignPut(ctx context.Context, key string, size int64, contentType string, encCtx map[string]string, ttl time.Duration) (insurance.Upload, error) {
	ec, err := json.Marshal(encCtx)
	if err != nil {
		return insurance.Upload{}, err
	}
	req, err := s3.NewPresignClient(o.Client).PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(o.Bucket), Key: aws.String(key), ContentType: aws.String(contentType), ContentLength: aws.Int64(size),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(o.Key),
		SSEKMSEncryptionContext: aws.String(base64.StdEncoding.EncodeToString(ec)), BucketKeyEnabled: aws.Bool(true),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return insurance.Upload{}, fmt.Errorf("presign upload: %w", err)
	}
	h := map[string]string{}
	for k, vs := range req.SignedHeader {
		if strings.EqualFold(k, "host") {
			continue
		}
		h[k] = strings.Join(vs, ",")
	}
	return insurance.Upload{URL: req.URL, Method: req.Method, Headers: h, ExpiresAt: time.Now().UTC().Add(ttl)}, nil
}

// Stat implements insurance.Objects.
func (o *S3Objects) Stat(ctx context.Context, key string) (insurance.ObjectInfo, error) {
	out, err := o.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key)})
	if err != nil {
		if missing(err) {
			return insurance.ObjectInfo{}, insurance.ErrNoObject
		}
		return insurance.ObjectInfo{}, fmt.Errorf("head invoice: %w", err)
	}
	return insurance.ObjectInfo{Size: aws.ToInt64(out.ContentLength), SSE: string(out.ServerSideEncryption), KeyARN: aws.ToString(out.SSEKMSKeyId), BucketKey: aws.ToBool(out.BucketKeyEnabled)}, nil
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

// Head implements insurance.Objects: the first n bytes.
func (o *S3Objects) Head(ctx context.Context, key string, n int64) ([]byte, error) {
	out, err := o.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key), Range: aws.String(fmt.Sprintf("bytes=0-%d", n-1))})
	if err != nil {
		return nil, fmt.Errorf("read invoice: %w", err)
	}
	defer out.Body.Close()
	return io.ReadAll(io.LimitReader(out.Body, n))
}

// Delete implements insurance.Objects; deleting a missing object is not an error.
func (o *S3Objects) Delete(ctx context.Context, key string) error {
	if _, err := o.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key)}); err != nil && !missing(err) {
		return fmt.Errorf("delete invoice: %w", err)
	}
	return nil
}

// PresignGet implements insurance.Objects.
func (o *S3Objects) PresignGet(ctx context.Context, key, filename string, ttl time.Duration) (string, error) {
	req, err := s3.NewPresignClient(o.Client).PresignGetObject(ctx, &s3.GetObjectInput{
		Bucket: aws.String(o.Bucket), Key: aws.String(key),
		ResponseContentDisposition: aws.String(`attachment; filename="` + filename + `"`),
		ResponseCacheControl:       aws.String("no-store"),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return "", fmt.Errorf("presign download: %w", err)
	}
	return req.URL, nil
}
