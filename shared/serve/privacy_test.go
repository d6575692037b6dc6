package serve

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda/messages"

	"kontor/shared/fault"
	"kontor/shared/lambdainvoke"
	"kontor/shared/privacy"
	"kontor/shared/privacy/protocol"
)

// failing is a module whose storage fails every call with err.
type failing struct{ err error }

func (failing) Name() string                                   { return "shop" }
func (failing) Kinds() []privacy.Kind                          { return nil }
func (f failing) Erase(context.Context, privacy.Subject) error { return f.err }
func (f failing) Export(context.Context, privacy.Subject) (map[string]any, error) {
	return nil, f.err
}
func (f failing) Sweep(context.Context, time.Time, *privacy.Held) (map[string]int, error) {
	return nil, f.err
}

// A privacy function whose storage is unavailable says so in its error's type, so
// the invoking function answers 503 (lambdainvoke.FunctionError unwraps to
// fault.ErrUnavailable), and names the outage without the error's text; a defect
// stays a plain error.
func TestPrivacyFunctionReportsAnOutageAsAnOutage(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	outage := fmt.Errorf("erase: %w", fault.ErrUnavailable)
	_, err := privacyHandler(log, []privacy.Module{failing{outage}})(context.Background(), protocol.Request{Module: "shop", Op: protocol.OpErase, AccountID: "a"})
	var ie messages.InvokeResponse_Error
	if !errors.As(err, &ie) || ie.Type != lambdainvoke.UnavailableType || ie.Message != fault.Describe(outage) {
		t.Fatalf("outage answered %#v", err)
	}
	defect := errors.New("erase: nil map")
	_, err = privacyHandler(log, []privacy.Module{failing{defect}})(context.Background(), protocol.Request{Module: "shop", Op: protocol.OpErase, AccountID: "a"})
	if errors.As(err, &ie) || !errors.Is(err, defect) {
		t.Fatalf("defect answered %#v", err)
	}
}
