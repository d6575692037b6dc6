package local

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"gopkg.in/yaml.v3"
)

const queueTemplate = `
Resources:
  Failures:
    Type: AWS::SQS::Queue
    Properties:
      KmsMasterKeyId: alias/aws/sqs
      MessageRetentionPeriod: 1209600
`

// The local stack creates the template's queues with their attributes, and what a
// function fails on reaches its dead-letter queue.
func TestStackCreatesQueuesAndDeadLetters(t *testing.T) {
	if testing.Short() {
		t.Skip("starts moto server")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	moto := os.Getenv("MOTO_SERVER")
	if moto == "" {
		moto = filepath.Join(root, ".venv", "bin", "moto_server")
	}
	tplPath := filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(tplPath, []byte(queueTemplate), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, Options{Root: root, Template: tplPath, APIAddr: "127.0.0.1:0", MotoAddr: "127.0.0.1:0", MotoCommand: moto})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	url, err := s.resolver.Value(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!Ref", Value: "Failures"})
	if err != nil || url == "" {
		t.Fatalf("!Ref Failures = %q, %v", url, err)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := sqs.NewFromConfig(cfg)
	attrs, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	if a := attrs.Attributes; a["MessageRetentionPeriod"] != "1209600" || a["KmsMasterKeyId"] != "alias/aws/sqs" {
		t.Fatalf("attributes %v", a)
	}
	if arn, _ := s.Resolve("Failures", "Arn"); arn != attrs.Attributes["QueueArn"] {
		t.Fatalf("!GetAtt Failures.Arn = %s, queue is %s", arn, attrs.Attributes["QueueArn"])
	}
	if err := s.deadLetter(ctx, "Failures", `{"detail-type":"Scheduled Event"}`); err != nil {
		t.Fatal(err)
	}
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 1})
	if err != nil || len(got.Messages) != 1 || aws.ToString(got.Messages[0].Body) != `{"detail-type":"Scheduled Event"}` {
		t.Fatalf("received %+v %v", got, err)
	}
	if err := s.deadLetter(ctx, "Nope", "x"); err == nil {
		t.Fatal("sent to a queue the template does not declare")
	}
}
