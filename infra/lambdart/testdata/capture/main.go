// Command capture is a test function wired like every HTTP function of Kontor: one
// public route behind the router with the request log's capture.
package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"kontor/shared/httpapi"
	"kontor/shared/requestlog/requestlogwire"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	routes := map[string]httpapi.Route{"GET /v1/ping": {Access: httpapi.Public,
		Handler: func(context.Context, *httpapi.Request) (httpapi.Response, error) {
			return httpapi.JSON(200, map[string]string{"pong": "yes"}), nil
		}}}
	lambda.Start(httpapi.NewRouter(log, routes).WithCapture(requestlogwire.MustCapture(log, "ping")).Handle)
}
