package sesmail

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"

	"kontor/shared/mail"
)

const sent = `<SendEmailResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><SendEmailResult><MessageId>m-1</MessageId></SendEmailResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></SendEmailResponse>`

const unavailable = `<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>try later</Message></Error><RequestId>r-2</RequestId></ErrorResponse>`

// fakeSES answers SendEmail as answer says for the n-th call (from 1).
func fakeSES(t *testing.T, answer func(n int64, w http.ResponseWriter)) (SES, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		answer(calls.Add(1), w)
	}))
	t.Cleanup(srv.Close)
	c := ses.NewFromConfig(aws.Config{Region: "eu-central-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}, RetryOnlyUnsent)
	return SES{Client: c, From: "no-reply@kontor.example"}, &calls
}

// cut reads the request and closes the connection without an answer: SES may have
// sent the message.
func cut(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

var msg = mail.Message{ID: "019ad0a4-0000-7000-8000-000000000001", To: "anna@example.org", Subject: "Kontor: test", Text: "hello"}

// A send whose answer is lost is not repeated by the SDK (a repeat would send the
// mail twice) and is not marked as certainly unsent; an error answer from SES is
// repeated, and a refusal that outlasts the attempts is marked as unsent.
func TestSESRepeatsOnlyWhatCertainlySentNothing(t *testing.T) {
	s, calls := fakeSES(t, func(_ int64, w http.ResponseWriter) { cut(w) })
	err := s.Send(context.Background(), msg)
	if err == nil || errors.Is(err, mail.ErrNotSent) || calls.Load() != 1 {
		t.Fatalf("lost answer: %v after %d calls, want one call and an unknown outcome", err, calls.Load())
	}

	s, calls = fakeSES(t, func(n int64, w http.ResponseWriter) {
		if n < 3 {
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(unavailable))
			return
		}
		_, _ = w.Write([]byte(sent))
	})
	if err := s.Send(context.Background(), msg); err != nil || calls.Load() != 3 {
		t.Fatalf("refused twice, then sent: %v after %d calls", err, calls.Load())
	}

	s, calls = fakeSES(t, func(_ int64, w http.ResponseWriter) {
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(unavailable))
	})
	if err := s.Send(context.Background(), msg); !errors.Is(err, mail.ErrNotSent) || calls.Load() != 3 {
		t.Fatalf("refused every time: %v after %d calls", err, calls.Load())
	}
}

// Nobody answering at all (connection refused) certainly sent nothing.
func TestARefusedConnectionSentNothing(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	c := ses.NewFromConfig(aws.Config{Region: "eu-central-1", BaseEndpoint: aws.String("http://" + addr),
		Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}, RetryOnlyUnsent)
	if err := (SES{Client: c, From: "no-reply@kontor.example"}).Send(context.Background(), msg); !errors.Is(err, mail.ErrNotSent) {
		t.Fatalf("refused connection: %v", err)
	}
}
