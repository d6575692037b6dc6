// Package logging sets up the JSON application log every function writes. Log lines
// carry ids, routes, counts and durations only: never emails, IPs, names or tokens.
package logging

import (
	"log/slog"
	"os"
	"strings"
)

// New returns a JSON logger on stdout (which Lambda ships to the function's log
// group) at the level named by LOG_LEVEL (debug, info, warn, error; default info).
func New(function string) *slog.Logger {
	level := slog.LevelInfo
	switch strings.ToLower(os.Getenv("LOG_LEVEL")) {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	h := slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{Level: level})
	return slog.New(h).With(slog.String("fn", function))
}
