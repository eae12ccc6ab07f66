package llm

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// Provider kinds a contender's provider block may name.
const (
	KindOpenAI = "openai" // any OpenAI-compatible chat-completions server
	KindDemo   = "demo"   // a built-in offline demo bot; Model names it
)

// ProviderConfig is a contender's provider block as it appears in contender
// imports and the database:
//
//	"provider": {"kind": "openai", "base_url": "http://localhost:11434/v1",
//	             "model": "llama3.2", "api_key_env": "", "params": {"temperature": 0.7}}
//
// Params for kind "openai": temperature (0–2), top_p (0–1), seed (whole
// number), max_tokens (positive whole number), system_prompt (text), timeout
// and idle_timeout (seconds), extra (an object of further request fields).
// Params for kind "demo": pace_ms (milliseconds per word, 0–5000), seed,
// max_tokens (words).
type ProviderConfig struct {
	Kind      string         `json:"kind"`
	BaseURL   string         `json:"base_url,omitempty"`
	Model     string         `json:"model"`
	APIKeyEnv string         `json:"api_key_env,omitempty"`
	Params    map[string]any `json:"params,omitempty"`
}

// Validate checks the block without touching the environment, so an import
// can reject a bad block on a machine that does not hold the keys. Every
// problem is reported, joined, in words an operator can act on.
func (c ProviderConfig) Validate() error {
	switch c.Kind {
	case KindOpenAI:
		_, err := c.openAIConfig()
		return err
	case KindDemo:
		_, err := c.demoOptions()
		return err
	case "":
		return errors.New(`provider kind is required ("openai" or "demo")`)
	}
	return fmt.Errorf(`unknown provider kind %q (want "openai" or "demo")`, c.Kind)
}

// New builds the backend a provider block describes. getenv (normally
// os.Getenv) is asked for the API key named by api_key_env; an OpenAI block
// whose key variable is unset is an error.
func New(cfg ProviderConfig, getenv func(string) string) (Backend, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Kind == KindDemo {
		opt, _ := cfg.demoOptions()
		return NewDemo(cfg.Model, opt)
	}
	oc, _ := cfg.openAIConfig()
	return NewOpenAI(oc, getenv)
}

// openAIParams and demoParams are the keys each kind accepts, so that a typo
// ("temprature") is an error rather than silently ignored.
var (
	openAIParams = []string{"temperature", "top_p", "seed", "max_tokens", "system_prompt", "timeout", "idle_timeout", "extra"}
	demoParams   = []string{"pace_ms", "seed", "max_tokens"}
)

func (c ProviderConfig) openAIConfig() (OpenAIConfig, error) {
	oc := OpenAIConfig{BaseURL: strings.TrimSpace(c.BaseURL), Model: strings.TrimSpace(c.Model), APIKeyEnv: strings.TrimSpace(c.APIKeyEnv)}
	p := params{m: c.Params}
	p.known(openAIParams)
	oc.Temperature = p.float("temperature", 0, 2)
	oc.TopP = p.float("top_p", 0, 1)
	oc.Seed = p.int("seed", math.MinInt64, math.MaxInt64)
	if n := p.int("max_tokens", 1, 1_000_000); n != nil {
		oc.MaxTokens = int(*n)
	}
	if s, ok := p.m["system_prompt"]; ok {
		if str, isStr := s.(string); isStr {
			oc.SystemPrompt = str
		} else {
			p.fail("params.system_prompt must be text, got %s", describe(s))
		}
	}
	oc.Timeout = p.seconds("timeout")
	oc.IdleTimeout = p.seconds("idle_timeout")
	if x, ok := p.m["extra"]; ok {
		if m, isMap := x.(map[string]any); isMap {
			oc.Extra = m
		} else {
			p.fail("params.extra must be an object of request fields, got %s", describe(x))
		}
	}
	if oc.Timeout > 0 && oc.IdleTimeout > oc.Timeout {
		p.fail("params.idle_timeout must not be longer than params.timeout")
	}
	if c.APIKeyEnv != "" && !validEnvName(oc.APIKeyEnv) {
		p.fail("api_key_env must be the name of an environment variable (letters, digits, _), not the key itself")
	}
	if err := oc.validate(); err != nil {
		p.errs = append([]error{err}, p.errs...)
	}
	return oc, errors.Join(p.errs...)
}

func (c ProviderConfig) demoOptions() (DemoOptions, error) {
	opt := DemoOptions{Pace: DefaultPace}
	p := params{m: c.Params}
	if c.Model == "" {
		p.fail("model must name a demo bot (%s)", strings.Join(DemoNames(), ", "))
	} else if !slices.Contains(DemoNames(), c.Model) {
		p.fail("unknown demo bot %q (known: %s)", c.Model, strings.Join(DemoNames(), ", "))
	}
	if c.BaseURL != "" || c.APIKeyEnv != "" {
		p.fail("demo bots run inside the arena: leave base_url and api_key_env empty")
	}
	p.known(demoParams)
	if ms := p.int("pace_ms", 0, 5000); ms != nil {
		opt.Pace = time.Duration(*ms) * time.Millisecond
	}
	if s := p.int("seed", math.MinInt64, math.MaxInt64); s != nil {
		opt.Seed = *s
	}
	if n := p.int("max_tokens", 1, 1_000_000); n != nil {
		opt.MaxWords = int(*n)
	}
	return opt, errors.Join(p.errs...)
}

// validEnvName accepts POSIX-style variable names; anything else is most
// likely a key pasted where its variable's name belongs.
func validEnvName(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}
