package local

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const tableTemplate = `
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: pk, AttributeType: S }]
      KeySchema: [{ AttributeName: pk, KeyType: HASH }]
`

// startTestStack starts a stack of a template without functions on free ports.
func startTestStack(t *testing.T, tpl string, o Options) *Stack {
	t.Helper()
	if testing.Short() {
		t.Skip("starts moto server")
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	o.Root = root
	o.MotoCommand = os.Getenv("MOTO_SERVER")
	if o.MotoCommand == "" {
		o.MotoCommand = filepath.Join(root, ".venv", "bin", "moto_server")
	}
	o.Template = filepath.Join(t.TempDir(), "template.yaml")
	if err := os.WriteFile(o.Template, []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	o.APIAddr, o.MotoAddr = "127.0.0.1:0", "127.0.0.1:0"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}
