package llm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/llm/llmtest"
)

// Identifying strings that must never appear in an error's text.
const (
	testModel = "secret-model-7b"
	testKey   = "sk-test-SECRET-0123456789abcdef"
	testEnv   = "ARENA_TEST_KEY"
)

func testGetenv(name string) string {
	if name == testEnv {
		return testKey
	}
	return ""
}

// newTestOpenAI returns a backend pointed at srv with short timeouts.
func newTestOpenAI(t *testing.T, srv *llmtest.Server, edit func(*OpenAIConfig)) *OpenAI {
	t.Helper()
	cfg := OpenAIConfig{
		BaseURL: srv.BaseURL(), Model: testModel, APIKeyEnv: testEnv,
		Timeout: 5 * time.Second, IdleTimeout: 2 * time.Second,
	}
	if edit != nil {
		edit(&cfg)
	}
	b, err := NewOpenAI(cfg, testGetenv)
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	return b
}

// collector gathers emitted chunks.
type collector struct {
	mu     sync.Mutex
	chunks []string
}

func (c *collector) emit(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.chunks = append(c.chunks, s)
	return nil
}

func (c *collector) got() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.chunks
}

func userAsks(s string) Request { return Request{Messages: []Message{{Role: RoleUser, Content: s}}} }

func TestOpenAIReply(t *testing.T) {
	temp := 0.25
	tests := []struct {
		name     string
		edit     func(*OpenAIConfig)
		req      Request
		wantMsgs []llmtest.Message
		wantAuth string
		wantMax  *int
		wantTemp *float64
		wantBody map[string]any // extra fields expected in the JSON body
	}{
		{
			name:     "no key, no system prompt, server defaults",
			edit:     func(c *OpenAIConfig) { c.APIKeyEnv = "" },
			req:      userAsks("Say hello"),
			wantMsgs: []llmtest.Message{{Role: "user", Content: "Say hello"}},
		},
		{
			name: "key, system prompt prepended, configured sampling, extra fields",
			edit: func(c *OpenAIConfig) {
				c.SystemPrompt = "Be brief."
				c.MaxTokens = 64
				c.Temperature = &temp
				c.Extra = map[string]any{"top_k": 40}
			},
			req: Request{Messages: []Message{
				{Role: RoleUser, Content: "Hi"}, {Role: RoleAssistant, Content: "Hello!"}, {Role: RoleUser, Content: "Say hello"},
			}},
			wantMsgs: []llmtest.Message{
				{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Hi"},
				{Role: "assistant", Content: "Hello!"}, {Role: "user", Content: "Say hello"},
			},
			wantAuth: "Bearer " + testKey,
			wantMax:  ptr(64),
			wantTemp: &temp,
			wantBody: map[string]any{"top_k": "40"},
		},
		{
			name:     "request overrides configured max tokens and temperature",
			edit:     func(c *OpenAIConfig) { c.MaxTokens = 64; c.Temperature = &temp },
			req:      Request{Messages: userAsks("Say hello").Messages, MaxTokens: 8, Temperature: ptr(0.0)},
			wantMsgs: []llmtest.Message{{Role: "user", Content: "Say hello"}},
			wantAuth: "Bearer " + testKey,
			wantMax:  ptr(8),
			wantTemp: ptr(0.0),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "Hello there, voter! Nice to meet you."
			srv := llmtest.New(llmtest.Behavior{Text: text})
			defer srv.Close()
			b := newTestOpenAI(t, srv, tt.edit)
			var c collector
			res, err := b.Generate(context.Background(), tt.req, c.emit)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			if diff := cmp.Diff(llmtest.Tokens(text), c.got()); diff != "" {
				t.Errorf("emitted chunks (-want +got):\n%s", diff)
			}
			wantUsage := Usage{PromptTokens: wordCount(tt.wantMsgs), CompletionTokens: len(llmtest.Tokens(text))}
			if diff := cmp.Diff(Result{Text: text, Usage: wantUsage, FinishReason: "stop", Chunks: len(c.got())}, res,
				cmp.FilterPath(func(p cmp.Path) bool { f := p.Last().String(); return f == ".Latency" || f == ".FirstToken" }, cmp.Ignore())); diff != "" {
				t.Errorf("result (-want +got):\n%s", diff)
			}
			if res.FirstToken <= 0 || res.Latency < res.FirstToken {
				t.Errorf("timings: first token %v, latency %v", res.FirstToken, res.Latency)
			}
			reqs := srv.Requests()
			if len(reqs) != 1 {
				t.Fatalf("server saw %d requests, want 1", len(reqs))
			}
			got := reqs[0]
			if diff := cmp.Diff(tt.wantMsgs, got.Messages); diff != "" {
				t.Errorf("messages sent (-want +got):\n%s", diff)
			}
			if got.Model != testModel || !got.Stream || !got.IncludeUsage {
				t.Errorf("model %q stream %v include_usage %v; want %q, true, true", got.Model, got.Stream, got.IncludeUsage, testModel)
			}
			if got.Authorization != tt.wantAuth {
				t.Errorf("Authorization = %q, want %q", got.Authorization, tt.wantAuth)
			}
			if diff := cmp.Diff(tt.wantMax, got.MaxTokens); diff != "" {
				t.Errorf("max_tokens (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantTemp, got.Temperature); diff != "" {
				t.Errorf("temperature (-want +got):\n%s", diff)
			}
			for k, v := range tt.wantBody {
				if fmt.Sprint(got.Body[k]) != v {
					t.Errorf("body[%q] = %v, want %v", k, got.Body[k], v)
				}
			}
		})
	}
}

func wordCount(msgs []llmtest.Message) int {
	n := 0
	for _, m := range msgs {
		n += len(strings.Fields(m.Content))
	}
	return n
}

func ptr[T any](v T) *T { return &v }

// The first chunk must reach the caller while the server is still holding
// the rest back: proof that nothing buffers the stream.
func TestOpenAIStreamsIncrementally(t *testing.T) {
	gate := make(chan struct{})
	srv := llmtest.New(llmtest.Behavior{Text: "one two three", Gate: gate, GateAfter: 1})
	defer srv.Close()
	b := newTestOpenAI(t, srv, func(c *OpenAIConfig) { c.IdleTimeout = 3 * time.Second })
	var first []string
	res, err := b.Generate(context.Background(), userAsks("count"), func(s string) error {
		if len(first) == 0 {
			first = append(first, s)
			close(gate) // only now may the server send the rest
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v (the first chunk did not arrive before the server finished)", err)
	}
	if diff := cmp.Diff([]string{"one"}, first); diff != "" {
		t.Errorf("first chunk (-want +got):\n%s", diff)
	}
	if res.Text != "one two three" {
		t.Errorf("text = %q", res.Text)
	}
}

func TestOpenAIFailures(t *testing.T) {
	long := strings.Repeat("word ", 50)
	tests := []struct {
		name       string
		behavior   llmtest.Behavior
		edit       func(*OpenAIConfig)
		want       error
		wantStatus int
		wantReason string
		wantText   string // partial text returned with the error
	}{
		{name: "stall trips the idle timeout", behavior: llmtest.Behavior{Mode: llmtest.Stall, Text: "a b c", After: 2},
			edit: func(c *OpenAIConfig) { c.IdleTimeout = 100 * time.Millisecond },
			want: ErrTimeout, wantReason: "timeout", wantText: "a b"},
		{name: "slow answer trips the overall timeout", behavior: llmtest.Behavior{Text: long, Delay: 20 * time.Millisecond},
			edit: func(c *OpenAIConfig) { c.Timeout = 150 * time.Millisecond; c.IdleTimeout = time.Second },
			want: ErrTimeout, wantReason: "timeout"},
		{name: "connection dropped mid-stream", behavior: llmtest.Behavior{Mode: llmtest.Drop, Text: "a b c d", After: 2},
			want: ErrInterrupted, wantReason: "interrupted", wantText: "a b"},
		{name: "malformed chunk", behavior: llmtest.Behavior{Mode: llmtest.Malformed, Text: "a b c", After: 1},
			want: ErrMalformed, wantReason: "malformed", wantText: "a"},
		{name: "error event mid-stream", behavior: llmtest.Behavior{Mode: llmtest.StreamError, Text: "a b c", After: 1},
			want: ErrUpstream, wantReason: "upstream", wantText: "a"},
		{name: "empty answer", behavior: llmtest.Behavior{Mode: llmtest.Empty},
			want: ErrEmpty, wantReason: "empty"},
		{name: "whitespace-only answer", behavior: llmtest.Behavior{TokenList: []string{" ", "\n"}},
			want: ErrEmpty, wantReason: "empty", wantText: " \n"},
		{name: "401 bad key", behavior: llmtest.Behavior{Mode: llmtest.Status, Status: 401},
			want: ErrUpstream, wantStatus: 401, wantReason: "upstream"},
		{name: "404 unknown model", behavior: llmtest.Behavior{Mode: llmtest.Status, Status: 404},
			want: ErrUpstream, wantStatus: 404, wantReason: "upstream"},
		{name: "429 rate limited", behavior: llmtest.Behavior{Mode: llmtest.Status, Status: 429},
			want: ErrUpstream, wantStatus: 429, wantReason: "upstream"},
		{name: "500 server error", behavior: llmtest.Behavior{Mode: llmtest.Status, Status: 500},
			want: ErrUpstream, wantStatus: 500, wantReason: "upstream"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(tt.behavior)
			defer srv.Close()
			b := newTestOpenAI(t, srv, tt.edit)
			start := time.Now()
			res, err := b.Generate(context.Background(), userAsks("hello"), func(string) error { return nil })
			if time.Since(start) > 3*time.Second {
				t.Errorf("took %v to fail", time.Since(start))
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err is %T, want *llm.Error", err)
			}
			if e.Status != tt.wantStatus {
				t.Errorf("status = %d, want %d", e.Status, tt.wantStatus)
			}
			if got := Reason(err); got != tt.wantReason {
				t.Errorf("Reason = %q, want %q", got, tt.wantReason)
			}
			if tt.wantText != "" && res.Text != tt.wantText {
				t.Errorf("partial text = %q, want %q", res.Text, tt.wantText)
			}
			assertAnonymous(t, srv, err)
			// Detail is for operators and may quote the server, but never
			// the key or the address.
			for _, secret := range []string{testKey, srv.URL, strings.TrimPrefix(srv.URL, "http://")} {
				if strings.Contains(e.Detail, secret) {
					t.Errorf("Detail %q contains %q", e.Detail, secret)
				}
			}
			if reqs := srv.Requests(); len(reqs) != 1 {
				t.Errorf("server saw %d requests, want 1 (no retries)", len(reqs))
			}
		})
	}
}

// assertAnonymous checks that an error's text, in every format, names
// neither the model, the server, nor the key.
func assertAnonymous(t *testing.T, srv *llmtest.Server, err error) {
	t.Helper()
	for _, text := range []string{err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err)} {
		for _, secret := range []string{testModel, testKey, srv.URL, strings.TrimPrefix(srv.URL, "http://"), "openai", "OpenAI"} {
			if strings.Contains(text, secret) {
				t.Errorf("error text %q contains %q", text, secret)
			}
		}
	}
}

func TestOpenAIUnreachable(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{})
	b := newTestOpenAI(t, srv, nil)
	srv.Close() // nothing listens there any more
	_, err := b.Generate(context.Background(), userAsks("hello"), func(string) error { return nil })
	if !errors.Is(err, ErrUpstream) {
		t.Fatalf("err = %v, want ErrUpstream", err)
	}
	assertAnonymous(t, srv, err)
}

// A voter closing the page cancels ctx: Generate must return at once, and
// the model server must see the connection go.
func TestOpenAICancel(t *testing.T) {
	tests := []struct {
		name   string
		cancel func(ctx context.Context, cancel context.CancelFunc) Emit
		want   []error
	}{
		{
			name: "ctx cancelled mid-stream",
			cancel: func(_ context.Context, cancel context.CancelFunc) Emit {
				return func(string) error { cancel(); return nil }
			},
			want: []error{ErrCanceled, context.Canceled},
		},
		{
			name: "emit fails",
			cancel: func(context.Context, context.CancelFunc) Emit {
				return func(string) error { return errClientGone }
			},
			want: []error{errClientGone},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := llmtest.New(llmtest.Behavior{Mode: llmtest.Stall, Text: "a b c", After: 2})
			defer srv.Close()
			b := newTestOpenAI(t, srv, nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			start := time.Now()
			_, err := b.Generate(ctx, userAsks("hello"), tt.cancel(ctx, cancel))
			if d := time.Since(start); d > time.Second {
				t.Errorf("Generate took %v after cancel", d)
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("err = %v, want it to match %v", err, want)
				}
			}
			select {
			case r := <-srv.Disconnects():
				if r.Model != testModel {
					t.Errorf("disconnect for model %q", r.Model)
				}
			case <-time.After(2 * time.Second):
				t.Error("server did not see the client go away")
			}
		})
	}
}

var errClientGone = errors.New("client gone")

func TestOpenAICallerDeadline(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{Mode: llmtest.Stall, After: 1})
	defer srv.Close()
	b := newTestOpenAI(t, srv, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err := b.Generate(ctx, userAsks("hello"), func(string) error { return nil })
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want ErrTimeout and context.DeadlineExceeded", err)
	}
}

// A slow consumer must not be mistaken for a stalled model: the idle clock
// stops while emit runs.
func TestOpenAIIdleClockPausesDuringEmit(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{Text: "a b"})
	defer srv.Close()
	b := newTestOpenAI(t, srv, func(c *OpenAIConfig) { c.IdleTimeout = 100 * time.Millisecond })
	_, err := b.Generate(context.Background(), userAsks("hello"), func(string) error {
		time.Sleep(150 * time.Millisecond)
		return nil
	})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
}

// The SDK's own client reads OPENAI_API_KEY and OPENAI_BASE_URL from the
// process; ours must not, or a hosted key would be sent to any contender.
func TestOpenAIIgnoresSDKEnvironment(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "sk-from-process-env")
	t.Setenv("OPENAI_BASE_URL", "http://127.0.0.1:1/v1")
	t.Setenv("OPENAI_ORG_ID", "org-leak")
	srv := llmtest.New(llmtest.Behavior{})
	defer srv.Close()
	b := newTestOpenAI(t, srv, func(c *OpenAIConfig) { c.APIKeyEnv = "" })
	if _, err := b.Generate(context.Background(), userAsks("hello"), func(string) error { return nil }); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	r := srv.Requests()[0]
	if r.Authorization != "" || r.Header.Get("OpenAI-Organization") != "" {
		t.Errorf("sent Authorization %q, OpenAI-Organization %q; want neither", r.Authorization, r.Header.Get("OpenAI-Organization"))
	}
}

func TestOpenAIRequiredKey(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{})
	defer srv.Close()
	srv.RequireKey(testKey)
	b := newTestOpenAI(t, srv, nil)
	if _, err := b.Generate(context.Background(), userAsks("hello"), func(string) error { return nil }); err != nil {
		t.Fatalf("with the right key: %v", err)
	}
	if s := fmt.Sprintf("%v %+v %#v", b, b, b); strings.Contains(s, testKey) {
		t.Errorf("formatting the backend shows the key: %s", s)
	}
	_, err := NewOpenAI(OpenAIConfig{BaseURL: srv.BaseURL(), Model: testModel, APIKeyEnv: "ARENA_UNSET_KEY"}, testGetenv)
	if err == nil || !strings.Contains(err.Error(), "ARENA_UNSET_KEY") {
		t.Errorf("unset key variable: err = %v, want it to name the variable", err)
	}
}

// Two battles' sides run at once on one backend.
func TestOpenAIConcurrent(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{Text: "one two three four", Delay: time.Millisecond})
	defer srv.Close()
	b := newTestOpenAI(t, srv, nil)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			res, err := b.Generate(context.Background(), userAsks(fmt.Sprint("q", i)), func(string) error { return nil })
			if err == nil && res.Text != "one two three four" {
				err = fmt.Errorf("text %q", res.Text)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
}

func TestOpenAIBadRequest(t *testing.T) {
	srv := llmtest.New(llmtest.Behavior{})
	defer srv.Close()
	b := newTestOpenAI(t, srv, nil)
	for _, req := range []Request{{}, {Messages: []Message{{Role: "wizard", Content: "x"}}}} {
		if _, err := b.Generate(context.Background(), req, func(string) error { return nil }); err == nil {
			t.Errorf("Generate(%+v) succeeded, want an error", req)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Errorf("bad requests reached the server %d times", n)
	}
}
