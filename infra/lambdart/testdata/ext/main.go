// Command ext is a test function with an internal extension registered through the
// Extensions API, as a Go function registers one: it logs every lifecycle step so a
// test can check the order in which the runtime drives them. EXT_EVENTS is the
// comma-separated event list to register for (empty: none), EXT_HOLD_MS how long the
// extension works after each INVOKE before asking for the next event, EXT_INIT_MS how
// long it waits before its first next call, EXT_TERM_MS how long SIGTERM handling takes.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
)

var base = "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2020-01-01/extension/"

func ms(name string) time.Duration {
	n, _ := strconv.Atoi(os.Getenv(name))
	return time.Duration(n) * time.Millisecond
}

func register(name string, events []string) (string, int) {
	body, _ := json.Marshal(map[string][]string{"events": events})
	req, _ := http.NewRequest(http.MethodPost, base+"register", bytes.NewReader(body))
	req.Header.Set("Lambda-Extension-Name", name)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0
	}
	_ = resp.Body.Close()
	return resp.Header.Get("Lambda-Extension-Identifier"), resp.StatusCode
}

func main() {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() {
		<-sig
		fmt.Println("sigterm")
		time.Sleep(ms("EXT_TERM_MS"))
		fmt.Println("exit")
		os.Exit(0)
	}()
	var events []string
	if v := os.Getenv("EXT_EVENTS"); v != "" {
		events = strings.Split(v, ",")
	}
	_, status := register("probe-shutdown", []string{"SHUTDOWN"})
	fmt.Println("register SHUTDOWN:", status)
	id, status := register("probe", events)
	fmt.Println("register:", status)
	_, status = register("probe", events)
	fmt.Println("register again:", status)
	go func() {
		time.Sleep(ms("EXT_INIT_MS"))
		for {
			req, _ := http.NewRequest(http.MethodGet, base+"event/next", nil)
			req.Header.Set("Lambda-Extension-Identifier", id)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return
			}
			var ev struct {
				EventType string `json:"eventType"`
				RequestID string `json:"requestId"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&ev)
			_ = resp.Body.Close()
			fmt.Println("extension event", ev.EventType, ev.RequestID)
			time.Sleep(ms("EXT_HOLD_MS"))
			fmt.Println("extension done", ev.RequestID)
		}
	}()
	lambda.Start(func(ctx context.Context, e struct {
		Register bool `json:"register"`
	}) (string, error) {
		lc, _ := lambdacontext.FromContext(ctx)
		fmt.Println("handler", lc.AwsRequestID)
		if e.Register {
			_, status := register("late", nil)
			return "late register: " + strconv.Itoa(status), nil
		}
		return lc.AwsRequestID, nil
	})
}
