package lambdart

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// startMoto starts moto server on a free loopback port for one test.
func startMoto(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("starts moto server")
	}
	bin := os.Getenv("MOTO_SERVER")
	if bin == "" {
		root, _ := filepath.Abs(filepath.Join("..", ".."))
		bin = filepath.Join(root, ".venv", "bin", "moto_server")
	}
	if _, err := os.Stat(bin); err != nil {
		t.Skipf("moto server not installed (%v); `make test` installs it", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
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
		resp, err := http.Get(endpoint + "/moto-api/data.json")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatal("moto server did not answer")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// slowWrites is a proxy in front of the emulator that holds every PutItem for a while
// and counts the ones it has passed on completely.
type slowWrites struct {
	delay time.Duration
	mu    sync.Mutex
	done  int
}

func (s *slowWrites) written() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}

func (s *slowWrites) start(t *testing.T, target string) string {
	u, _ := url.Parse(target)
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		put := strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutItem")
		if put {
			time.Sleep(s.delay)
		}
		proxy.ServeHTTP(w, r)
		if put {
			s.mu.Lock()
			s.done++
			s.mu.Unlock()
		}
	}), ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func apiEvent(id, ip string) []byte {
	ev := events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: "GET /v1/ping", RawPath: "/v1/ping", Headers: map[string]string{}}
	ev.RequestContext.RequestID = id
	ev.RequestContext.HTTP.Method, ev.RequestContext.HTTP.Path, ev.RequestContext.HTTP.SourceIP, ev.RequestContext.HTTP.UserAgent = "GET", "/v1/ping", ip, "test/1"
	b, _ := json.Marshal(ev)
	return b
}

// Promise: HGK-14 — browser data is aggregated within 24 hours and then deleted.
// A request's raw record reaches the table although the response does not wait for
// it, and a record still being written when the instance shuts down is written before
// the process exits.
func TestCapturedRecordsReachTheTableAndSurviveShutdown(t *testing.T) {
	moto := startMoto(t)
	ctx := context.Background()
	db := dynamodb.NewFromConfig(aws.Config{Region: "eu-central-1", BaseEndpoint: aws.String(moto),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	table := "requestlog-capture"
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName: aws.String(table), BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{
			{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("sk"), AttributeType: types.ScalarAttributeTypeS},
		},
		KeySchema: []types.KeySchemaElement{
			{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash},
			{AttributeName: aws.String("sk"), KeyType: types.KeyTypeRange},
		},
	}); err != nil {
		t.Fatal(err)
	}
	stored := func() string {
		out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		var ips []string
		for _, it := range out.Items {
			ips = append(ips, it["ip"].(*types.AttributeValueMemberS).Value)
		}
		return strings.Join(ips, " ")
	}
	slow := &slowWrites{delay: 300 * time.Millisecond}
	endpoint := slow.start(t, moto)
	logs := &safeBuf{}
	rt := New(Function{Name: "Capture", Binary: build(t, "./testdata/capture"), Timeout: 5 * time.Second, Region: "eu-central-1", Logs: logs, MaxInstances: 1,
		Env: []string{"REQUEST_LOG_TABLE=" + table, "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_ENDPOINT_URL=" + endpoint}})
	out, err := rt.Invoke(ctx, apiEvent("req-1", "203.0.113.1"))
	if err != nil || !strings.Contains(string(out), `"statusCode":200`) {
		t.Fatalf("invoke: %s %v", out, err)
	}
	if slow.written() != 0 {
		t.Fatal("the response waited for the record's write")
	}
	// The instance takes the next request only once the first record is written.
	if _, err := rt.Invoke(ctx, apiEvent("req-2", "203.0.113.2")); err != nil {
		t.Fatal(err)
	}
	if s := stored(); !strings.Contains(s, "203.0.113.1") {
		t.Fatalf("first record not written before the instance took the next request: %q", s)
	}
	// The third record is still on its way when the instance shuts down.
	if _, err := rt.Invoke(ctx, apiEvent("req-3", "203.0.113.3")); err != nil {
		t.Fatal(err)
	}
	rt.Close()
	if s := stored(); !strings.Contains(s, "203.0.113.2") || !strings.Contains(s, "203.0.113.3") {
		t.Fatalf("records pending at shutdown lost: %q\n%s", s, logs.String())
	}
	if slow.written() != 3 {
		t.Fatalf("%d writes", slow.written())
	}
}
