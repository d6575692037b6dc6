package env

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

func TestReaderCollectsTheFirstProblem(t *testing.T) {
	t.Setenv("KONTOR_TEST_SET", "x")
	t.Setenv("KONTOR_TEST_MINUTES", "45")
	t.Setenv("KONTOR_TEST_BAD", "-3")
	var r Reader
	if r.String("KONTOR_TEST_SET") != "x" || r.Minutes("KONTOR_TEST_MINUTES", time.Minute) != 45*time.Minute || r.Err() != nil {
		t.Fatal("valid values refused")
	}
	if r.Days("KONTOR_TEST_UNSET_DAYS", 2*time.Hour) != 2*time.Hour {
		t.Fatal("default not used")
	}
	r.Hours("KONTOR_TEST_BAD", time.Hour)
	r.String("KONTOR_TEST_MISSING")
	if r.Err() == nil || r.Err().Error() != `environment variable KONTOR_TEST_BAD="-3" is not a positive number` {
		t.Fatalf("err %v", r.Err())
	}
}

func TestAWSConfigFromLambdaEnvironment(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	if _, err := AWS(context.Background()); err == nil {
		t.Fatal("config without credentials accepted")
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("KONTOR_ENDPOINT_URL", "http://127.0.0.1:4566")
	cfg, err := AWS(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != DefaultRegion || aws.ToString(cfg.BaseEndpoint) != "http://127.0.0.1:4566" {
		t.Fatalf("region %q endpoint %q", cfg.Region, aws.ToString(cfg.BaseEndpoint))
	}
	creds, err := cfg.Credentials.Retrieve(context.Background())
	if err != nil || creds.AccessKeyID != "AKIDEXAMPLE" {
		t.Fatalf("credentials %v %v", creds.AccessKeyID, err)
	}
}
