package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"openarena.dev/arena/llm/llmtest"
)

// fakeWords are the fake model's vocabulary. With the leading space a token
// is 3.9 bytes on average (an English tokenizer's is about 4), so at 20 ms a
// token an answer is generated at under 200 characters a second, slower than
// the arena's release pace (about 300 a second): the pace never holds the
// stream back and the ideal battle time is tokens × delay.
var fakeWords = []string{"a", "the", "cat", "sat", "on", "mat", "and", "then", "it", "slept"}

// fakeTokens is the answer every fake model gives: n tokens of fakeWords.
func fakeTokens(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = " " + fakeWords[i%len(fakeWords)]
	}
	return out
}

// fakeLLM is llmtest's chat-completions server on a loopback port, standing
// in for both contenders' model server. It counts the streams it is serving,
// so a level can show how many generations the arena keeps open and whether
// any is left running after the battles end.
type fakeLLM struct {
	srv      *http.Server
	h        *llmtest.Handler
	addr     string
	answer   string
	tokens   int
	delay    time.Duration
	inflight atomic.Int64
	served   atomic.Int64
	gone     atomic.Int64
	peak     atomic.Int64
	conns    atomic.Int64 // TCP connections accepted
	stopGone chan struct{}
}

// startFakeLLM serves the fake on addr, which must be a loopback address.
func startFakeLLM(addr string, tokens int, delay time.Duration) (*fakeLLM, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-fake-llm %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); (ip == nil || !ip.IsLoopback()) && !strings.EqualFold(host, "localhost") {
		return nil, fmt.Errorf("-fake-llm %q: serve on a loopback address only, such as 127.0.0.1:18090", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("-fake-llm: %w", err)
	}
	toks := fakeTokens(tokens)
	f := &fakeLLM{
		h:      llmtest.NewHandler(llmtest.Behavior{TokenList: toks, Delay: delay}),
		addr:   ln.Addr().String(),
		answer: strings.Join(toks, ""), tokens: tokens, delay: delay,
		stopGone: make(chan struct{}),
	}
	f.srv = &http.Server{Handler: http.HandlerFunc(f.serve), ReadHeaderTimeout: 10 * time.Second,
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				f.conns.Add(1)
			}
		}}
	go f.srv.Serve(ln)
	go f.countGone()
	return f, nil
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		f.h.ServeHTTP(w, r)
		return
	}
	f.served.Add(1)
	n := f.inflight.Add(1)
	for {
		p := f.peak.Load()
		if n <= p || f.peak.CompareAndSwap(p, n) {
			break
		}
	}
	defer f.inflight.Add(-1)
	f.h.ServeHTTP(w, r)
}

// countGone drains the handler's reports of clients that left mid-answer.
func (f *fakeLLM) countGone() {
	for {
		select {
		case <-f.h.Disconnects():
			f.gone.Add(1)
		case <-f.stopGone:
			return
		}
	}
}

// resetPeak starts a new level's peak from the streams open now.
func (f *fakeLLM) resetPeak() { f.peak.Store(f.inflight.Load()) }

// waitIdle waits up to d for every stream to end and returns how many are
// still open.
func (f *fakeLLM) waitIdle(ctx context.Context, d time.Duration) int {
	deadline := time.Now().Add(d)
	for f.inflight.Load() > 0 && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(50 * time.Millisecond)
	}
	return int(f.inflight.Load())
}

func (f *fakeLLM) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := f.srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		f.srv.Close()
	}
	close(f.stopGone)
}
