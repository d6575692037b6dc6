// Command echo is a test function: it echoes its event, fails on {"fail":true},
// sleeps on {"sleep":ms} and crashes on {"crash":true}.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Msg   string `json:"msg"`
	Fail  bool   `json:"fail"`
	Sleep int    `json:"sleep"`
	Crash bool   `json:"crash"`
}

func main() {
	fmt.Println("echo starting in", os.Getenv("AWS_REGION"))
	lambda.Start(func(_ context.Context, e event) (map[string]string, error) {
		if e.Crash {
			os.Exit(3)
		}
		if e.Fail {
			return nil, errors.New("asked to fail")
		}
		time.Sleep(time.Duration(e.Sleep) * time.Millisecond)
		return map[string]string{"msg": e.Msg, "env": os.Getenv("GREETING")}, nil
	})
}
