package template

import (
	"strconv"
	"strings"
	"testing"
)

// What an asynchronous invocation (a schedule) or a stream batch fails on is kept,
// not dropped: every scheduled or stream-driven function has a dead-letter queue of
// its own, the stream mapping records failed batches in that same queue (SAM grants
// the function's role sqs:SendMessage on its DeadLetterQueue, and the mapping sends
// with that role), and the queues are encrypted and keep messages for a bounded time.
func TestFailedEventsGoToTheFunctionsOwnQueue(t *testing.T) {
	tpl := loadReal(t)
	streamed := map[string]string{} // function → on-failure queue
	for _, m := range tpl.Streams {
		streamed[m.Function] = m.OnFailure
	}
	owner := map[string]string{} // queue → function
	for _, f := range tpl.Functions {
		async := len(f.Schedules) > 0
		onFailure, stream := streamed[f.LogicalID]
		if (async || stream) && f.DeadLetterQueue == "" {
			t.Errorf("%s is invoked asynchronously or by a stream but has no DeadLetterQueue", f.LogicalID)
		}
		if stream && onFailure != f.DeadLetterQueue {
			t.Errorf("%s: its stream mapping sends failed batches to %q, not to its own queue %q", f.LogicalID, onFailure, f.DeadLetterQueue)
		}
		if f.DeadLetterQueue == "" {
			if !async && !stream && !skipsCheck(tpl, f.LogicalID, "CKV_AWS_116") {
				t.Errorf("%s has no dead-letter queue and does not say why (checkov skip CKV_AWS_116)", f.LogicalID)
			}
			continue
		}
		if skipsCheck(tpl, f.LogicalID, "CKV_AWS_116") {
			t.Errorf("%s has a dead-letter queue but skips the check for one", f.LogicalID)
		}
		if tpl.Type(f.DeadLetterQueue) != "AWS::SQS::Queue" {
			t.Errorf("%s: dead-letter target %s is not a queue of the template", f.LogicalID, f.DeadLetterQueue)
		}
		if other, ok := owner[f.DeadLetterQueue]; ok {
			t.Errorf("%s and %s share the queue %s", other, f.LogicalID, f.DeadLetterQueue)
		}
		owner[f.DeadLetterQueue] = f.LogicalID
	}
	for _, q := range tpl.Queues {
		if _, ok := owner[q]; !ok {
			t.Errorf("queue %s is no function's dead-letter queue", q)
		}
		props := tpl.Properties(q)
		if str(get(props, "KmsMasterKeyId")) == "" {
			t.Errorf("queue %s is not encrypted with KMS", q)
		}
		if secs, err := strconv.Atoi(str(get(props, "MessageRetentionPeriod"))); err != nil || secs <= 0 {
			t.Errorf("queue %s has no explicit retention", q)
		}
	}
	if len(owner) < 3 {
		t.Fatalf("%d dead-letter queues, want one per scheduled or stream-driven function", len(owner))
	}
}

// No function can take the account's whole concurrency: every function has a
// reserved ceiling, and together they leave Lambda's minimum of 100 unreserved
// executions in an account with the default quota of 1000.
func TestEveryFunctionHasAConcurrencyCeiling(t *testing.T) {
	tpl := loadReal(t)
	total := 0
	for _, f := range tpl.Functions {
		n, err := strconv.Atoi(str(get(tpl.Properties(f.LogicalID), "ReservedConcurrentExecutions")))
		if err != nil || n < 1 {
			t.Errorf("%s has no reserved concurrency", f.LogicalID)
			continue
		}
		total += n
	}
	if total > 900 {
		t.Errorf("reserved concurrency adds up to %d; an account with the default quota (1000) must keep 100 unreserved", total)
	}
	api := tpl.Properties("HttpApi")
	for _, k := range []string{"ThrottlingRateLimit", "ThrottlingBurstLimit"} {
		if get(api, "DefaultRouteSettings", k) == nil {
			t.Errorf("HttpApi has no DefaultRouteSettings.%s", k)
		}
	}
}

// Log groups are encrypted with the logs key, whose policy lets CloudWatch Logs use
// it only for this account's log groups in this region.
func TestLogGroupsAreEncryptedWithTheLogsKey(t *testing.T) {
	tpl := loadReal(t)
	groups := tpl.OfType("AWS::Logs::LogGroup")
	for _, id := range groups {
		k := get(tpl.Properties(id), "KmsKeyId")
		if k == nil || k.Tag != "!GetAtt" || k.Value != "LogsKey.Arn" {
			t.Errorf("log group %s is not encrypted with LogsKey", id)
		}
	}
	if len(groups) < len(tpl.Functions) {
		t.Errorf("%d log groups for %d functions", len(groups), len(tpl.Functions))
	}
	r := Resolver{T: tpl, Stack: "kontor", Region: "eu-central-1", Account: "123456789012"}
	for _, st := range seq(get(tpl.Properties("LogsKey"), "KeyPolicy", "Statement")) {
		svc := get(st, "Principal", "Service")
		if svc == nil {
			continue
		}
		principal, err := r.Value(svc)
		if err != nil || principal != "logs.eu-central-1.amazonaws.com" {
			t.Errorf("logs key service principal %q %v", principal, err)
		}
		ctx, err := r.Value(get(st, "Condition", "ArnLike", "kms:EncryptionContext:aws:logs:arn"))
		if err != nil || ctx != "arn:aws:logs:eu-central-1:123456789012:log-group:*" {
			t.Errorf("logs key encryption context condition %q %v", ctx, err)
		}
		return
	}
	t.Fatal("the logs key's policy does not let CloudWatch Logs use it")
}

// Every checkov check the template skips says why, next to the resource
// (docs/decisions.md has the decisions).
func TestCheckovSkipsSayWhy(t *testing.T) {
	tpl := loadReal(t)
	skips := 0
	for _, id := range tpl.order {
		for _, s := range seq(get(tpl.resources[id], "Metadata", "checkov", "skip")) {
			skips++
			if check := str(get(s, "id")); !(strings.HasPrefix(check, "CKV_") || strings.HasPrefix(check, "CKV2_")) || len(strings.TrimSpace(str(get(s, "comment")))) < 20 {
				t.Errorf("%s skips %q without a reason", id, str(get(s, "id")))
			}
		}
	}
	if skips == 0 {
		t.Fatal("no checkov skips found; has the Metadata layout changed?")
	}
}

// skipsCheck reports whether a resource's Metadata skips a checkov check, with a reason.
func skipsCheck(tpl *Template, id, check string) bool {
	for _, s := range seq(get(tpl.resources[id], "Metadata", "checkov", "skip")) {
		if str(get(s, "id")) == check && strings.TrimSpace(str(get(s, "comment"))) != "" {
			return true
		}
	}
	return false
}
