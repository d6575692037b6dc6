package fault

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestOutagesAreToldFromDefects(t *testing.T) {
	refused := &url.Error{Op: "Post", URL: "http://127.0.0.1:4566", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
	server := &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "GetItem", Err: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 503}}, Err: errors.New("unavailable")}}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"deadline", fmt.Errorf("load session: %w", context.DeadlineExceeded), true},
		{"attempts used up", &retry.MaxAttemptsError{Attempt: 3, Err: refused}, true},
		{"connection refused", fmt.Errorf("get item: %w", refused), true},
		{"server error", server, true},
		{"throttled", &types.ProvisionedThroughputExceededException{}, true},
		{"marked", fmt.Errorf("eid: %w", ErrUnavailable), true},
		{"validation defect", &smithy.GenericAPIError{Code: "ValidationException"}, false},
		{"conditional check", &types.ConditionalCheckFailedException{}, false},
		{"plain", errors.New("nil map"), false},
		{"nil", nil, false},
	}
	for _, c := range cases {
		if got := Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestDescribeNamesTheOutageWithoutAddresses(t *testing.T) {
	refused := &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "GetItem", Err: &url.Error{Op: "Post", URL: "http://127.0.0.1:4566", Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}}}
	if got := Describe(refused); got != "DynamoDB.GetItem: connection refused" {
		t.Fatalf("Describe = %q", got)
	}
	if got := Describe(fmt.Errorf("load: %w", context.DeadlineExceeded)); got != "deadline exceeded" {
		t.Fatalf("Describe = %q", got)
	}
}
