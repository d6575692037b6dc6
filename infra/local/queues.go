package local

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"kontor/infra/template"
)

// queueAttributes are the AWS::SQS::Queue properties the local stack applies; they
// have the same names as the SQS API's queue attributes.
var queueAttributes = []string{"MessageRetentionPeriod", "VisibilityTimeout", "DelaySeconds", "MaximumMessageSize",
	"ReceiveMessageWaitTimeSeconds", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"}

// createQueues creates every AWS::SQS::Queue of the template with its attributes and
// records each queue's URL, so !Ref and !GetAtt <Queue>.QueueUrl resolve to it.
func createQueues(ctx context.Context, cfg aws.Config, tpl *template.Template, r *template.Resolver) error {
	if len(tpl.Queues) == 0 {
		return nil
	}
	c := sqs.NewFromConfig(cfg)
	for _, id := range tpl.Queues {
		props, err := resolvedProperties(tpl, *r, id)
		if err != nil {
			return err
		}
		attrs := map[string]string{}
		for _, a := range queueAttributes {
			if v := text(props, a); v != "" {
				attrs[a] = v
			}
		}
		out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(r.Name(id)), Attributes: attrs})
		if err != nil {
			return fmt.Errorf("create queue %s: %w", id, err)
		}
		if r.Physical == nil {
			r.Physical = map[string]string{}
		}
		r.Physical[id] = aws.ToString(out.QueueUrl)
	}
	return nil
}

// deadLetter sends body to the queue with the logical id, as Lambda does with an
// asynchronous event the function failed to process (DeadLetterQueue) and with the
// record of a stream batch that failed after its retries (OnFailure destination).
func (s *Stack) deadLetter(ctx context.Context, queue, body string) error {
	url, ok := s.resolver.Physical[queue]
	if !ok {
		return fmt.Errorf("dead-letter queue %s does not exist", queue)
	}
	cfg, err := s.AWSConfig(ctx)
	if err != nil {
		return err
	}
	_, err = sqs.NewFromConfig(cfg).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	if err != nil {
		return fmt.Errorf("send to %s: %w", queue, err)
	}
	return nil
}
