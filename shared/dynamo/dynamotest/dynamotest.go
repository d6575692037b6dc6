// Package dynamotest starts moto server for a package's tests and creates tables in
// it, so a store is tested against a real DynamoDB API without the whole local stack.
package dynamotest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"kontor/shared/dynamo"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Moto starts moto server on a free loopback port for the test and returns a client
// for it. Skipped in -short mode and when moto server is not installed (`make test`
// installs it into .venv; MOTO_SERVER names another).
func Moto(t testing.TB) *dynamodb.Client {
	t.Helper()
	return dynamodb.NewFromConfig(MotoConfig(t))
}

// MotoConfig starts moto server as Moto does and returns an AWS configuration for
// it (any service moto emulates: S3, CloudFront, CloudFormation, …).
func MotoConfig(t testing.TB) aws.Config {
	t.Helper()
	if testing.Short() {
		t.Skip("starts moto server")
	}
	bin := os.Getenv("MOTO_SERVER")
	if bin == "" {
		bin = filepath.Join(root(), ".venv", "bin", "moto_server")
	}
	if _, err := os.Stat(bin); err != nil { // #nosec G703 -- the developer's own moto_server path (MOTO_SERVER), test tooling
		t.Skipf("moto server not installed (%v); `make test` installs it", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port)) // #nosec G204 G702 -- the developer's moto_server (MOTO_SERVER), no shell
	// As the local stack does (infra/local/stack.go): with the Python beside
	// moto_server, run moto through motoserver.py, whose transactions undo only
	// their own items. moto's own transaction restores a snapshot of the whole
	// table when it fails, which drops what a concurrent request wrote meanwhile,
	// so a store test racing transactions would see writes vanish.
	if py, script := filepath.Join(filepath.Dir(bin), "python"), filepath.Join(root(), "infra", "local", "motoserver.py"); isFile(py) && isFile(script) {
		cmd = exec.Command(py, script, "-H", "127.0.0.1", "-p", fmt.Sprint(port)) // #nosec G204 G702 -- the venv's Python running the repository's own launcher, no shell
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("moto server did not answer")
		}
		time.Sleep(100 * time.Millisecond)
	}
	return aws.Config{Region: "eu-central-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
}

// root is the project root (the folder with go.mod), found from this process's
// working directory.
func root() string {
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return wd
		}
	}
}

var seq atomic.Int64

// Table creates a fresh on-demand table with keys pk (and sk unless hashOnly) and
// the given global secondary indexes (keys only), and returns its name.
func Table(t testing.TB, db *dynamodb.Client, hashOnly bool, indexes ...dynamo.Index) string {
	t.Helper()
	name := fmt.Sprintf("test-%d-%d", time.Now().UnixNano(), seq.Add(1))
	in := &dynamodb.CreateTableInput{
		TableName: aws.String(name), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
	}
	for _, ix := range indexes {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(ix.Attr), AttributeType: types.ScalarAttributeTypeS})
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{
			IndexName:  aws.String(ix.Name),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String(ix.Attr), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeKeysOnly},
		})
	}
	if !hashOnly {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS})
		in.KeySchema = append(in.KeySchema, types.KeySchemaElement{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange})
	}
	// The name is this call's own: "already exists" is the SDK's retry of a
	// creation whose answer came too late on a loaded emulator.
	var exists *types.ResourceInUseException
	if _, err := db.CreateTable(context.Background(), in); err != nil && !errors.As(err, &exists) {
		t.Fatal(err)
	}
	return name
}

// isFile reports whether path names a regular file.
func isFile(path string) bool {
	fi, err := os.Stat(path) // #nosec G703 -- a path built from the repository's root, test tooling
	return err == nil && fi.Mode().IsRegular()
}
