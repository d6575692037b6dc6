package lambdainvoke

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"kontor/shared/fault"
)

// A function that reports an outage of its own storage (UnavailableType) fails
// its caller as an outage, answered 503; any other failure of the function stays a
// defect.
func TestAFunctionsOutageStaysAnOutageForItsCaller(t *testing.T) {
	payload := ""
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		_, _ = w.Write([]byte(payload))
	}))
	defer srv.Close()
	c := Client{Config: aws.Config{Region: "eu-central-1", Credentials: credentials.NewStaticCredentialsProvider("k", "s", "")}, Endpoint: srv.URL}
	for _, tc := range []struct {
		payload string
		outage  bool
	}{
		{`{"errorType":"DependencyUnavailable","errorMessage":"DynamoDB.PutItem: connection cut"}`, true},
		{`{"errorType":"wrapError","errorMessage":"register: invalid state"}`, false},
		{`not json`, false},
	} {
		payload = tc.payload
		_, err := c.Invoke(context.Background(), "IdentityPrivacyFunction", []byte(`{}`))
		var fe *FunctionError
		if !errors.As(err, &fe) {
			t.Fatalf("%s: %v, want a FunctionError", tc.payload, err)
		}
		if got := fault.Unavailable(err); got != tc.outage {
			t.Errorf("%s: Unavailable = %v, want %v", tc.payload, got, tc.outage)
		}
	}
}
