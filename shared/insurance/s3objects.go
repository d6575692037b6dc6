package insurance

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

// KeyARN implements Objects.
func (o *S3Objects) KeyARN() string { return o.Key }

// PresignPut implements Objects: the signed headers bind encryption with the
// module's key (bucket key on), the encryption context, type and length.
func (o *S3Objects) PresignPut(ctx context.Context, key string, size int64, contentType string, encCtx map[string]string, ttl time.Duration) (Upload, error) {
	ec, err := json.Marshal(encCtx)
	if err != nil {
		return Upload{}, err
	}
	req, err := s3.NewPresignClient(o.Client).PresignPutObject(ctx, &s3.PutObjectInput{
		Bucket: aws.String(o.Bucket), Key: aws.String(key), ContentType: aws.String(contentType), ContentLength: aws.Int64(size),
		ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(o.Key),
		SSEKMSEncryptionContext: aws.String(base64.StdEncoding.EncodeToString(ec)), BucketKeyEnabled: aws.Bool(true),
	}, s3.WithPresignExpires(ttl))
	if err != nil {
		return Upload{}, fmt.Errorf("presign upload: %w", err)
	}
	h := map[string]string{}
	for k, vs := range req.SignedHeader {
		if strings.EqualFold(k, "host") {
			continue
		}
		h[k] = strings.Join(vs, ",")
	}
	return Upload{URL: req.URL, Method: req.Method, Headers: h, ExpiresAt: time.Now().UTC().Add(ttl)}, nil
}

// Stat implements Objects.
func (o *S3Objects) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	out, err := o.Client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key)})
	if err != nil {
		if missing(err) {
			return ObjectInfo{}, errNoObject
		}
		return ObjectInfo{}, fmt.Errorf("head invoice: %w", err)
	}
	return ObjectInfo{Size: aws.ToInt64(out.ContentLength), SSE: string(out.ServerSideEncryption), KeyARN: aws.ToString(out.SSEKMSKeyId), BucketKey: aws.ToBool(out.BucketKeyEnabled)}, nil
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

// Head implements Objects: the first n bytes.
func (o *S3Objects) Head(ctx context.Context, key string, n int64) ([]byte, error) {
	out, err := o.Client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key), Range: aws.String(fmt.Sprintf("bytes=0-%d", n-1))})
	if err != nil {
		return nil, fmt.Errorf("read invoice: %w", err)
	}
	defer out.Body.Close()
	return io.ReadAll(io.LimitReader(out.Body, n))
}

// Delete implements Objects; deleting a missing object is not an error.
func (o *S3Objects) Delete(ctx context.Context, key string) error {
	if _, err := o.Client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(o.Bucket), Key: aws.String(key)}); err != nil && !missing(err) {
		return fmt.Errorf("delete invoice: %w", err)
	}
	return nil
}

// PresignGet implements Objects.
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
