package local

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
)

// Mail moto accepted is listed as it is sent, with the time it was sent, newest
// first; mail moto refused is not; and listing it never reads moto's state dump.
func TestMailIsListedAsSent(t *testing.T) {
	s := startTestStack(t, tableTemplate, Options{FaultProxy: true})
	ctx := context.Background()
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The dispatcher's call (SES v1 SendEmail), made as a function makes it.
	v1 := ses.NewFromConfig(cfg, func(o *ses.Options) { o.BaseEndpoint = aws.String(s.functionsEndpoint()) })
	v2 := sesv2.NewFromConfig(cfg)
	send := func(from, to, subject, text string) error {
		_, err := v1.SendEmail(ctx, &ses.SendEmailInput{
			Source:      aws.String(from),
			Destination: &sestypes.Destination{ToAddresses: []string{to}},
			Message: &sestypes.Message{Subject: &sestypes.Content{Data: aws.String(subject)},
				Body: &sestypes.Body{Text: &sestypes.Content{Data: aws.String(text)}}},
		})
		return err
	}
	if err := send("no-reply@unverified.example", "anna@example.org", "refused", "x"); err == nil || !strings.Contains(err.Error(), "MessageRejected") {
		t.Fatalf("unverified sender: %v", err)
	}
	if _, err := v2.CreateEmailIdentity(ctx, &sesv2.CreateEmailIdentityInput{EmailIdentity: aws.String("kontor.example")}); err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC()
	if err := send("no-reply@kontor.example", "anna@example.org", "Kontor: set your password", "Grüße, Anna\nhttps://portal/confirm?token=abc&x=1"); err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC()
	time.Sleep(1200 * time.Millisecond)
	_, err = v2.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("no-reply@kontor.example"),
		Destination:      &sesv2types.Destination{ToAddresses: []string{"bert@example.org"}, CcAddresses: []string{"cora@example.org"}},
		Content: &sesv2types.EmailContent{Simple: &sesv2types.Message{
			Subject: &sesv2types.Content{Data: aws.String("second")},
			Body:    &sesv2types.Body{Text: &sesv2types.Content{Data: aws.String("two")}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}

	ms, err := s.Mail(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 {
		t.Fatalf("mail %+v", ms)
	}
	if m := ms[0]; !slices.Equal(m.To, []string{"bert@example.org", "cora@example.org"}) || m.Subject != "second" || m.Text != "two" {
		t.Fatalf("newest %+v", m)
	}
	m := ms[1]
	if !slices.Equal(m.To, []string{"anna@example.org"}) || m.Subject != "Kontor: set your password" || m.Text != "Grüße, Anna\nhttps://portal/confirm?token=abc&x=1" {
		t.Fatalf("oldest %+v", m)
	}
	if m.SentAt.Before(before) || m.SentAt.After(after) {
		t.Fatalf("sent between %v and %v, listed as sent at %v", before, after, m.SentAt)
	}

	resp, err := http.Get(s.APIURL + "/_local/mail")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var listed []map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&listed); err != nil || len(listed) != 2 {
		t.Fatalf("GET /_local/mail: %v %v", listed, err)
	}
	for _, k := range []string{"to", "subject", "text", "sentAt"} {
		if _, ok := listed[1][k]; !ok || len(listed[1]) != 4 {
			t.Fatalf("GET /_local/mail entry %v", listed[1])
		}
	}
	log, err := os.ReadFile(s.MotoLog())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(log, []byte("POST / ")) || bytes.Contains(log, []byte("data.json")) {
		t.Fatalf("moto's log should show the sends and no state dump:\n%s", log)
	}
}
