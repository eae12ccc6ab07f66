package llmtest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// newFixed starts a server whose "created" timestamps are fixed.
func newFixed(t *testing.T, b Behavior) *Server {
	t.Helper()
	s := New(b)
	s.created = func() int64 { return 1735689600 }
	t.Cleanup(s.Close)
	return s
}

func post(t *testing.T, s *Server, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.BaseURL()+"/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading body: %v", err)
	}
	return resp, string(b)
}

// The stream must read exactly like one captured from the API.
func TestStreamBytes(t *testing.T) {
	s := newFixed(t, Behavior{Text: "Hi <there> é"})
	resp, got := post(t, s, `{"model":"gpt-test","messages":[{"role":"user","content":"say hi"}],"stream":true,
		"stream_options":{"include_usage":true,"include_obfuscation":false}}`)
	head := `{"id":"` + randomID(1) + `","object":"chat.completion.chunk","created":1735689600,"model":"gpt-test","service_tier":"default","system_fingerprint":"fp_7a1b2c3d4e","choices":`
	want := "data: " + head + `[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
		"data: " + head + `[{"index":0,"delta":{"content":"Hi"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
		"data: " + head + `[{"index":0,"delta":{"content":" <there>"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
		"data: " + head + `[{"index":0,"delta":{"content":" é"},"logprobs":null,"finish_reason":null}],"usage":null}` + "\n\n" +
		"data: " + head + `[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}` + "\n\n" +
		"data: " + head + `[],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5,` +
		`"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},` +
		`"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}` + "\n\n" +
		"data: [DONE]\n\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stream (-want +got):\n%s", diff)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestStreamShapes(t *testing.T) {
	tests := []struct {
		name, body string
		behavior   Behavior
		check      func(t *testing.T, stream string)
	}{
		{
			name: "no usage asked: no usage key, no usage chunk; obfuscation on by default",
			body: `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
			check: func(t *testing.T, stream string) {
				if strings.Contains(stream, `"usage"`) {
					t.Error("usage present")
				}
				if strings.Count(stream, `"obfuscation":"`) != 2+len(Tokens(DefaultText)) {
					t.Errorf("want obfuscation on every chunk:\n%s", stream)
				}
			},
		},
		{
			name:     "empty: role and finish chunks only",
			body:     `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
			behavior: Behavior{Mode: Empty},
			check: func(t *testing.T, stream string) {
				if n := strings.Count(stream, "data: "); n != 3 || strings.Contains(stream, `"content":"`+`x`) {
					t.Errorf("%d events:\n%s", n, stream)
				}
			},
		},
		{
			name:     "malformed: a cut-off JSON line, then [DONE]",
			body:     `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
			behavior: Behavior{Mode: Malformed, Text: "a b", After: 1},
			check: func(t *testing.T, stream string) {
				events := strings.Split(strings.TrimSuffix(stream, "\n\n"), "\n\n")
				if len(events) != 4 || events[3] != "data: [DONE]" || strings.HasSuffix(events[2], "}") {
					t.Errorf("events:\n%q", events)
				}
			},
		},
		{
			name:     "stream error: an error object in a data line",
			body:     `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
			behavior: Behavior{Mode: StreamError, Message: "overloaded"},
			check: func(t *testing.T, stream string) {
				if !strings.HasSuffix(stream, `data: {"error":{"message":"overloaded","type":"server_error","param":null,"code":null}}`+"\n\n") {
					t.Errorf("stream:\n%s", stream)
				}
			},
		},
		{
			name:     "finish reason length",
			body:     `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`,
			behavior: Behavior{Text: "a", FinishReason: "length"},
			check: func(t *testing.T, stream string) {
				if !strings.Contains(stream, `"finish_reason":"length"`) {
					t.Errorf("stream:\n%s", stream)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newFixed(t, tt.behavior)
			_, stream := post(t, s, tt.body)
			tt.check(t, stream)
		})
	}
}

func TestErrorBodies(t *testing.T) {
	s := newFixed(t, Behavior{Mode: Status, Status: 401})
	resp, got := post(t, s, `{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`, "Authorization", "Bearer sk-abcdefghijkl1234")
	want := `{
    "error": {
        "message": "Incorrect API key provided: sk-*****1234. You can find your API key at https://platform.openai.com/account/api-keys.",
        "type": "invalid_request_error",
        "param": null,
        "code": "invalid_api_key"
    }
}
`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("401 body (-want +got):\n%s", diff)
	}
	if resp.StatusCode != 401 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, tt := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"model":`, 400, "could not parse the JSON body"},
		{`{"messages":[{"role":"user","content":"x"}]}`, 400, "you must provide a model parameter"},
		{`{"model":"m","messages":[]}`, 400, "too short"},
	} {
		resp, got := post(t, s, tt.body)
		if resp.StatusCode != tt.status || !strings.Contains(got, tt.want) {
			t.Errorf("%s: %d %s", tt.body, resp.StatusCode, got)
		}
	}
}

func TestRequireKeyAndRecording(t *testing.T) {
	s := newFixed(t, Behavior{})
	s.RequireKey("sk-right")
	body := `{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hello"},{"type":"text","text":" you"}]}],
		"stream":true,"max_completion_tokens":12,"temperature":0.5,"top_k":3}`
	if resp, _ := post(t, s, body, "Authorization", "Bearer sk-wrong"); resp.StatusCode != 401 {
		t.Errorf("wrong key: status %d", resp.StatusCode)
	}
	if resp, _ := post(t, s, body, "Authorization", "Bearer sk-right"); resp.StatusCode != 200 {
		t.Errorf("right key: status %d", resp.StatusCode)
	}
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests recorded", len(reqs))
	}
	r := reqs[1]
	want := []Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Hello you"}}
	if diff := cmp.Diff(want, r.Messages); diff != "" {
		t.Errorf("messages (-want +got):\n%s", diff)
	}
	if r.Authorization != "Bearer sk-right" || *r.MaxTokens != 12 || *r.Temperature != 0.5 || r.Body["top_k"].(interface{ String() string }).String() != "3" {
		t.Errorf("recorded %+v", r)
	}
}

func TestPerModelBehaviorAndNonStreaming(t *testing.T) {
	s := newFixed(t, Behavior{Text: "default answer"})
	s.Set("quiet", Behavior{Mode: Status, Status: 503})
	if resp, _ := post(t, s, `{"model":"quiet","messages":[{"role":"user","content":"x"}]}`); resp.StatusCode != 503 {
		t.Errorf("quiet: status %d", resp.StatusCode)
	}
	_, got := post(t, s, `{"model":"other","messages":[{"role":"user","content":"x"}]}`)
	if !strings.Contains(got, `"object": "chat.completion"`) || !strings.Contains(got, `"content": "default answer"`) {
		t.Errorf("non-streaming body:\n%s", got)
	}
}

func TestDropCutsTheConnection(t *testing.T) {
	s := newFixed(t, Behavior{Mode: Drop, Text: "a b c", After: 1})
	req, _ := http.NewRequest(http.MethodPost, s.BaseURL()+"/chat/completions",
		strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("read error %v, want unexpected EOF", err)
	}
	if strings.Count(string(b), "data: ") != 2 {
		t.Errorf("got before the cut:\n%s", b)
	}
}

func TestStallUntilClientLeaves(t *testing.T) {
	s := newFixed(t, Behavior{Mode: Stall, After: 0})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.BaseURL()+"/chat/completions",
		strings.NewReader(`{"model":"m","messages":[{"role":"user","content":"x"}],"stream":true}`))
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 4096)
	if _, err := resp.Body.Read(buf); err != nil { // the role chunk arrives
		t.Fatal(err)
	}
	select {
	case <-s.Disconnects():
		t.Fatal("disconnect reported before the client left")
	case <-time.After(20 * time.Millisecond):
	}
	cancel()
	select {
	case r := <-s.Disconnects():
		if r.Model != "m" {
			t.Errorf("disconnect for %q", r.Model)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("server did not notice the client leave")
	}
}

func TestListings(t *testing.T) {
	s := newFixed(t, Behavior{})
	s.Set("b-model", Behavior{})
	s.Set("a-model", Behavior{})
	for path, want := range map[string]string{
		"/v1/models": `{"object":"list","data":[{"id":"a-model","object":"model","created":1735689600,"owned_by":"library"},{"id":"b-model","object":"model","created":1735689600,"owned_by":"library"}]}`,
		"/api/tags":  `"name":"a-model","model":"a-model"`,
	} {
		resp, err := s.Client().Get(s.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), want) {
			t.Errorf("%s = %s, want %s", path, b, want)
		}
	}
	resp, _ := s.Client().Get(s.URL + "/v2/nothing")
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("unknown path: %d", resp.StatusCode)
	}
}

func TestTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Hi", []string{"Hi"}},
		{"Hi there!", []string{"Hi", " there!"}},
		{"  lead and\n\nnewline ", []string{"  lead", " and", "\n\nnewline", " "}},
	}
	for _, tt := range tests {
		got := Tokens(tt.in)
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Tokens(%q) (-want +got):\n%s", tt.in, diff)
		}
		if strings.Join(got, "") != tt.in {
			t.Errorf("Tokens(%q) does not join back", tt.in)
		}
	}
}
