package integration

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// The functions reach the emulator through the fault proxy (stack.Faults()): latency
// added there slows a request whose functions read DynamoDB, while the test's own SDK
// client reaches the emulator directly and is not slowed. (Refusing the functions'
// calls is shown in infra/local; here it would make the functions log the proxy's
// 127.0.0.1 address, which TestFunctionLogsHoldNoPersonalData reads as an IP.)
func TestFunctionsReachTheEmulatorThroughTheFaultProxy(t *testing.T) {
	f := stack.Faults()
	if f == nil {
		t.Fatal("the suite's stack runs without the fault proxy")
	}
	t.Cleanup(func() {
		if err := f.Reset(); err != nil {
			t.Error(err)
		}
	})
	c := adminClient(t)
	me := func() (time.Duration, int) {
		start := time.Now()
		r := c.do(http.MethodGet, "/v1/me", nil)
		return time.Since(start), r.Status
	}
	if _, status := me(); status != http.StatusOK {
		t.Fatalf("GET /v1/me: %d", status)
	}

	const latency = time.Second
	if _, err := f.Latency(latency); err != nil {
		t.Fatal(err)
	}
	if d, status := me(); status != http.StatusOK || d < latency {
		t.Fatalf("with %v latency on the functions' calls: %d after %v", latency, status, d)
	}
	start := time.Now()
	if _, err := db().DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(stack.Name("IdentityTable"))}); err != nil || time.Since(start) >= latency {
		t.Fatalf("the test's own client was slowed: %v after %v", err, time.Since(start))
	}
	f.RemoveAll()
	if _, status := me(); status != http.StatusOK {
		t.Fatalf("latency removed: %d", status)
	}
}
