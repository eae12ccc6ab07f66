package llm

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestProviderValidate(t *testing.T) {
	ok := func(kind, base, model string, params map[string]any) ProviderConfig {
		return ProviderConfig{Kind: kind, BaseURL: base, Model: model, Params: params}
	}
	const local = "http://localhost:11434/v1"
	tests := []struct {
		name string
		cfg  ProviderConfig
		want []string // substrings of the error, nil for valid
	}{
		{"openai minimal", ok("openai", local, "llama3.2", nil), nil},
		{"openai all params", ProviderConfig{Kind: "openai", BaseURL: "https://api.example.com/v1", Model: "m", APIKeyEnv: "EXAMPLE_KEY",
			Params: map[string]any{"temperature": 0.7, "top_p": 0.9, "seed": 42.0, "max_tokens": 512.0, "system_prompt": "Be kind.",
				"timeout": 60.0, "idle_timeout": 12.5, "extra": map[string]any{"top_k": 20.0}}}, nil},
		{"demo", ok("demo", "", "eliza", map[string]any{"pace_ms": 30.0, "seed": 7.0}), nil},
		{"missing kind", ok("", local, "m", nil), []string{"provider kind is required"}},
		{"unknown kind", ok("anthropic", local, "m", nil), []string{`unknown provider kind "anthropic"`}},
		{"missing base_url and model", ok("openai", "", "", nil), []string{"base_url is required", "model is required"}},
		{"bad scheme", ok("openai", "ftp://host/v1", "m", nil), []string{`base_url must use http or https, not "ftp"`}},
		{"no scheme", ok("openai", "localhost:11434", "m", nil), []string{"base_url must"}},
		{"no host", ok("openai", "http:///v1", "m", nil), []string{"base_url has no host"}},
		{"temperature too high", ok("openai", local, "m", map[string]any{"temperature": 3.0}), []string{"params.temperature must be a number from 0 to 2, got 3"}},
		{"temperature as text", ok("openai", local, "m", map[string]any{"temperature": "hot"}), []string{`params.temperature must be a number from 0 to 2, got "hot"`}},
		{"max_tokens fractional", ok("openai", local, "m", map[string]any{"max_tokens": 1.5}), []string{"params.max_tokens must be a positive whole number, got 1.5"}},
		{"max_tokens zero", ok("openai", local, "m", map[string]any{"max_tokens": 0}), []string{"params.max_tokens must be a positive whole number, got 0"}},
		{"system_prompt not text", ok("openai", local, "m", map[string]any{"system_prompt": 5.0}), []string{"params.system_prompt must be text, got 5"}},
		{"timeout negative", ok("openai", local, "m", map[string]any{"timeout": -1.0}), []string{"params.timeout must be a number of seconds"}},
		{"idle longer than overall", ok("openai", local, "m", map[string]any{"timeout": 10.0, "idle_timeout": 20.0}), []string{"idle_timeout must not be longer"}},
		{"extra not an object", ok("openai", local, "m", map[string]any{"extra": []any{1.0}}), []string{"params.extra must be an object"}},
		{"extra overrides a reserved field", ok("openai", local, "m", map[string]any{"extra": map[string]any{"stream": false}}), []string{`extra field "stream"`}},
		{"unknown param", ok("openai", local, "m", map[string]any{"temprature": 0.5}), []string{`unknown param "temprature"`}},
		{"key pasted instead of its variable name", ProviderConfig{Kind: "openai", BaseURL: local, Model: "m", APIKeyEnv: "sk-abc 123"}, []string{"api_key_env must be the name"}},
		{"unknown demo", ok("demo", "", "hal9000", nil), []string{`unknown demo bot "hal9000" (known: eliza, faq, markov)`}},
		{"demo with base_url", ok("demo", local, "eliza", nil), []string{"leave base_url and api_key_env empty"}},
		{"demo pace out of range", ok("demo", "", "faq", map[string]any{"pace_ms": 9000.0}), []string{"params.pace_ms must be a whole number from 0 to 5000"}},
		{"every problem reported", ok("openai", "", "", map[string]any{"temperature": -1.0, "max_tokens": "many"}),
			[]string{"base_url is required", "model is required", "params.temperature", "params.max_tokens"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate succeeded, want errors %q", tt.want)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// The block decodes straight from contender import JSON.
func TestProviderFromJSON(t *testing.T) {
	var cfg ProviderConfig
	in := `{"kind":"openai","base_url":"http://localhost:8000/v1","model":"qwen","api_key_env":"VLLM_KEY",
		"params":{"temperature":0.2,"max_tokens":256,"timeout":30,"system_prompt":"Answer in English."}}`
	if err := json.Unmarshal([]byte(in), &cfg); err != nil {
		t.Fatal(err)
	}
	b, err := New(cfg, func(k string) string { return map[string]string{"VLLM_KEY": "k"}[k] })
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	o := b.(*OpenAI)
	want := OpenAIConfig{BaseURL: "http://localhost:8000/v1", Model: "qwen", APIKeyEnv: "VLLM_KEY", Temperature: ptr(0.2),
		MaxTokens: 256, SystemPrompt: "Answer in English.", Timeout: 30 * time.Second, IdleTimeout: DefaultIdleTimeout}
	if diff := cmp.Diff(want, o.cfg, cmpopts.IgnoreFields(OpenAIConfig{}, "HTTPClient")); diff != "" {
		t.Errorf("config (-want +got):\n%s", diff)
	}
	if _, err := New(cfg, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "VLLM_KEY") {
		t.Errorf("New without the key: err = %v, want it to name VLLM_KEY", err)
	}
}

func TestNewDemoFromProvider(t *testing.T) {
	for _, c := range DemoContenders() {
		t.Run(c.Slug, func(t *testing.T) {
			p := c.Provider
			p.Params = map[string]any{"pace_ms": 0}
			b, err := New(p, nil)
			if err != nil {
				t.Fatalf("New: %v", err)
			}
			res, err := b.Generate(context.Background(), userAsks("How do I vote?"), func(string) error { return nil })
			if err != nil || strings.TrimSpace(res.Text) == "" {
				t.Fatalf("Generate = %q, %v", res.Text, err)
			}
		})
	}
}
