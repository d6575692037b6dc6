package local

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"syscall"
	"time"

	"github.com/Shopify/toxiproxy/v2"
	"github.com/Shopify/toxiproxy/v2/toxics"
	"github.com/rs/zerolog"
)

// Faults controls the fault proxy (Options.FaultProxy): an in-process toxiproxy
// between the functions and the emulator. The functions' AWS_ENDPOINT_URL is the
// proxy; the stack's own stream pollers and every client made with Stack.AWSConfig
// reach the emulator directly, so a fault hits only the functions. Without toxics
// the proxy passes every byte unchanged.
//
// A fault test typically starts with t.Cleanup(func() { stack.Faults().Reset() }).
type Faults struct {
	proxy *toxiproxy.Proxy
	stack *Stack
}

// Stream is the direction a toxic acts on.
type Stream string

const (
	// Answers is the emulator's answers to the functions (toxiproxy's "downstream").
	Answers Stream = "downstream"
	// Requests is the functions' requests to the emulator (toxiproxy's "upstream").
	Requests Stream = "upstream"
)

// Toxic is one fault as toxiproxy defines it; see its README for every type and
// attribute (latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data).
type Toxic struct {
	Name       string         `json:"name,omitempty"` // default "<type>_<stream>"; unique
	Type       string         `json:"type"`
	Stream     Stream         `json:"stream,omitempty"`   // default Answers
	Toxicity   float32        `json:"toxicity,omitempty"` // share of connections affected; 0 means all
	Attributes map[string]any `json:"attributes,omitempty"`
}

func startFaultProxy(s *Stack, upstream string) (*Faults, error) {
	srv := toxiproxy.NewServer(toxiproxy.NewMetricsContainer(nil), zerolog.Nop())
	p := toxiproxy.NewProxy(srv, "emulator", "127.0.0.1:0", upstream)
	if err := p.Start(); err != nil {
		return nil, fmt.Errorf("fault proxy: %w", err)
	}
	return &Faults{proxy: p, stack: s}, nil
}

// URL is the endpoint the functions use (their AWS_ENDPOINT_URL).
func (f *Faults) URL() string {
	f.proxy.Lock()
	defer f.proxy.Unlock()
	return "http://" + f.proxy.Listen
}

// Add adds a toxic to every connection, open or new, and returns its name.
func (f *Faults) Add(t Toxic) (string, error) {
	if t.Stream == "" {
		t.Stream = Answers
	}
	if t.Toxicity == 0 {
		t.Toxicity = 1
	}
	b, err := json.Marshal(t)
	if err != nil {
		return "", err
	}
	w, err := f.proxy.Toxics.AddToxicJson(bytes.NewReader(b))
	if err != nil {
		return "", fmt.Errorf("add toxic %s: %w", t.Type, err)
	}
	return w.Name, nil
}

// Latency delays each of the emulator's answers by d.
func (f *Faults) Latency(d time.Duration) (string, error) {
	return f.Add(Toxic{Type: "latency", Stream: Answers, Attributes: map[string]any{"latency": d.Milliseconds()}})
}

// ResetPeer resets the connection (TCP RST) once data flows in s, after the given
// delay; the data is not passed on. On Requests the emulator never sees the request;
// on Answers it has acted on it but the function gets no answer.
func (f *Faults) ResetPeer(s Stream, after time.Duration) (string, error) {
	return f.Add(Toxic{Type: "reset_peer", Stream: s, Attributes: map[string]any{"timeout": after.Milliseconds()}})
}

// LimitData closes the connection once n bytes have passed in s: a request or an
// answer cut off part way.
func (f *Faults) LimitData(s Stream, n int64) (string, error) {
	return f.Add(Toxic{Type: "limit_data", Stream: s, Attributes: map[string]any{"bytes": n}})
}

// Timeout stops all data in s and closes the connection after the given time
// (0: never; the caller's own timeout ends the call).
func (f *Faults) Timeout(s Stream, after time.Duration) (string, error) {
	return f.Add(Toxic{Type: "timeout", Stream: s, Attributes: map[string]any{"timeout": after.Milliseconds()}})
}

// CutAnswers cuts about share of the emulator's answers: each chunk of an answer is
// dropped, and its connection closed, with that probability, decided afresh for
// every chunk. A toxic's Toxicity is decided once per connection, so with kept-alive
// connections a reset_peer toxic soon meets only the connections that drew "no
// fault"; this one keeps cutting however long a connection lives. The emulator has
// acted on every request whose answer is cut (a lost answer, as after a network
// fault); the SDK retries.
func (f *Faults) CutAnswers(share float64) (string, error) {
	return f.Add(Toxic{Name: "cut_answers", Type: cutAnswersType, Stream: Answers, Attributes: map[string]any{"share": share}})
}

const cutAnswersType = "kontor_cut_answers"

func init() { toxics.Register(cutAnswersType, new(cutAnswers)) }

// cutAnswers is the toxic of CutAnswers.
type cutAnswers struct {
	Share float64 `json:"share"`
}

// Pipe passes chunks on, or closes the connection instead at the toxic's share.
func (t *cutAnswers) Pipe(stub *toxics.ToxicStub) {
	for {
		select {
		case <-stub.Interrupt:
			return
		case c := <-stub.Input:
			if c == nil || rand.Float64() < t.Share { // #nosec G404 -- a test fault's dice, not a secret
				stub.Close()
				return
			}
			stub.Output <- c
		}
	}
}

// Remove removes one toxic.
func (f *Faults) Remove(name string) error {
	return f.proxy.Toxics.RemoveToxic(context.Background(), name)
}

// RemoveAll removes every toxic.
func (f *Faults) RemoveAll() { f.proxy.Toxics.ResetToxics(context.Background()) }

// Disable closes the proxy's connections and stops listening: the functions' calls
// are refused, as if the emulator had stopped.
func (f *Faults) Disable() { f.proxy.Stop() }

// Enable listens again, on the same address.
func (f *Faults) Enable() error {
	if err := f.proxy.Start(); err != nil && !errors.Is(err, toxiproxy.ErrProxyAlreadyStarted) {
		return fmt.Errorf("fault proxy: %w", err)
	}
	return nil
}

// Enabled reports whether the proxy listens.
func (f *Faults) Enabled() bool {
	f.proxy.Lock()
	defer f.proxy.Unlock()
	return f.proxy.Enabled
}

// PauseEmulator stops moto server's process group (SIGSTOP): every call to the
// emulator, from the functions, the stack and the tests alike, hangs until
// ResumeEmulator; connections stay open.
func (f *Faults) PauseEmulator() error { return f.stack.signalMoto(syscall.SIGSTOP) }

// ResumeEmulator continues a paused emulator (SIGCONT).
func (f *Faults) ResumeEmulator() error { return f.stack.signalMoto(syscall.SIGCONT) }

// Reset ends every fault: resumes the emulator, removes every toxic and enables the proxy.
func (f *Faults) Reset() error {
	err := f.ResumeEmulator()
	f.RemoveAll()
	return errors.Join(err, f.Enable())
}

func (f *Faults) close() { f.proxy.Stop() }
