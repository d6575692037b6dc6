package requestlog

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// ExtensionName is the name the capture's internal extension registers under.
const ExtensionName = "kontor-requestlog"

// extensionAPI is the Lambda Extensions API (version 2020-01-01) as the capture uses
// it: register for INVOKE events, then ask for the next event, all on one kept-alive
// connection with requests written by hand. Registering happens in every cold start;
// an http.Client spent about a millisecond of it on first use of its transport and
// request writer (code the runtime's own client never touches), this about a round
// trip.
type extensionAPI struct {
	addr string
	conn net.Conn
	r    *bufio.Reader
	id   string
}

// do sends one request and reads its response head; the caller reads or closes the
// body.
func (e *extensionAPI) do(request string) (*http.Response, error) {
	if e.conn == nil {
		c, err := net.Dial("tcp", e.addr)
		if err != nil {
			// Not the error itself: it names the API's address.
			return nil, errors.New("runtime API unreachable")
		}
		e.conn, e.r = c, bufio.NewReader(c)
	}
	if _, err := io.WriteString(e.conn, request); err != nil {
		e.close()
		return nil, errors.New("runtime API unreachable")
	}
	resp, err := http.ReadResponse(e.r, nil)
	if err != nil {
		e.close()
		return nil, errors.New("runtime API unreachable")
	}
	return resp, nil
}

func (e *extensionAPI) close() {
	if e.conn != nil {
		_ = e.conn.Close()
		e.conn, e.r = nil, nil
	}
}

// register registers an internal extension for INVOKE events. Internal extensions
// cannot register for SHUTDOWN; registering at all makes Lambda send the runtime
// SIGTERM before it ends the instance.
func (e *extensionAPI) register(name string) error {
	const body = `{"events":["INVOKE"]}`
	resp, err := e.do("POST /2020-01-01/extension/register HTTP/1.1\r\nHost: " + e.addr + "\r\nLambda-Extension-Name: " + name +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	if err != nil {
		return fmt.Errorf("register extension: %w", err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("register extension: status %d", resp.StatusCode)
	}
	e.id = resp.Header.Get("Lambda-Extension-Identifier")
	if e.id == "" {
		return errors.New("register extension: no identifier")
	}
	return nil
}

// event is a lifecycle event as the Extensions API delivers it.
type event struct {
	EventType  string `json:"eventType"`
	RequestID  string `json:"requestId"`
	DeadlineMs int64  `json:"deadlineMs"`
}

// next reports that the extension is done with the previous event and waits for the
// next one.
func (e *extensionAPI) next() (event, error) {
	var ev event
	resp, err := e.do("GET /2020-01-01/extension/event/next HTTP/1.1\r\nHost: " + e.addr + "\r\nLambda-Extension-Identifier: " + e.id + "\r\n\r\n")
	if err != nil {
		return ev, fmt.Errorf("next event: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, resp.Body)
		return ev, fmt.Errorf("next event: status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil {
		e.close()
		return ev, errors.New("next event: unreadable event")
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	return ev, nil
}

// RunInLambda wires the writer into the Lambda lifecycle when the process runs under
// a Lambda Runtime API (AWS_LAMBDA_RUNTIME_API set): it registers an internal
// extension that holds every invocation until its record is written (the response
// has already gone back: Lambda returns it as soon as the runtime posts it, and
// freezes the instance only when the runtime and every extension have asked for the
// next event), and flushes the writer at SIGTERM, then exits. It must run during
// init, before lambda.Start. Without a Runtime API it does nothing; if registering
// fails, records are still written after the response, but a frozen instance
// finishes them only at its next invocation.
func (w *Writer) RunInLambda(log *slog.Logger) {
	api := os.Getenv("AWS_LAMBDA_RUNTIME_API")
	if api == "" {
		return
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM)
	go func() {
		<-sig
		if left := w.Shutdown(); left > 0 {
			log.Warn("request capture: records not written at shutdown", slog.Int("records", left))
		}
		os.Exit(0)
	}()
	ext := &extensionAPI{addr: api}
	if err := ext.register(ExtensionName); err != nil {
		log.Warn("request capture: extension not registered; records of a frozen instance wait for its next invocation", slog.String("error", err.Error()))
		return
	}
	w.StartHolding()
	go func() {
		for {
			ev, err := ext.next()
			if err != nil {
				w.StopHolding()
				log.Warn("request capture: extension stopped", slog.String("error", err.Error()))
				return
			}
			if ev.EventType == "INVOKE" {
				w.Hold(ev.RequestID, time.UnixMilli(ev.DeadlineMs))
			}
		}
	}()
}
