package llm

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/openai/openai-go/v3/packages/ssestream"
)

// Defaults for an OpenAI-compatible backend whose config leaves them zero.
// The idle timeout also covers the wait for the first chunk, so a server that
// must load a model on first use (Ollama) may need a larger one.
const (
	DefaultTimeout     = 120 * time.Second
	DefaultIdleTimeout = 30 * time.Second
)

// OpenAIConfig configures a backend for any server that speaks the OpenAI
// chat-completions API with streaming.
type OpenAIConfig struct {
	// BaseURL is the API root that "chat/completions" is appended to, e.g.
	// "http://localhost:11434/v1" for Ollama or "https://api.openai.com/v1".
	BaseURL string
	// Model is the server's name for the model ("llama3.2:latest").
	Model string
	// APIKeyEnv names the environment variable holding the API key; empty
	// for servers that need none. The key itself never sits in config
	// files or the database.
	APIKeyEnv string
	// Temperature and TopP are sent when non-nil; otherwise the server's
	// default applies.
	Temperature *float64
	TopP        *float64
	// Seed asks the server for reproducible sampling when non-nil.
	Seed *int64
	// MaxTokens caps answers (sent as max_tokens, which every compatible
	// server understands); 0 sends nothing.
	MaxTokens int
	// SystemPrompt, when set, is sent as the first message of every request.
	SystemPrompt string
	// Timeout bounds a whole answer; IdleTimeout bounds the wait for each
	// chunk, the first included. Zero means DefaultTimeout /
	// DefaultIdleTimeout.
	Timeout     time.Duration
	IdleTimeout time.Duration
	// Extra holds further top-level request fields sent verbatim, for server
	// specific knobs (vLLM's "top_k", Ollama's "options"…); servers ignore
	// fields they do not know.
	Extra map[string]any
	// HTTPClient is used for requests when non-nil (tests, proxies).
	HTTPClient *http.Client
}

// OpenAI is a [Backend] over an OpenAI-compatible server, using the official
// SDK's streaming chat completions.
type OpenAI struct {
	cfg OpenAIConfig
	key string
	svc openai.ChatCompletionService
}

// NewOpenAI checks cfg, reads the API key through getenv (pass os.Getenv;
// nil reads nothing) and returns the backend. A key variable that is named
// but empty is an error now rather than a 401 in every battle later.
func NewOpenAI(cfg OpenAIConfig, getenv func(string) string) (*OpenAI, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	var key string
	if cfg.APIKeyEnv != "" {
		if getenv != nil {
			key = getenv(cfg.APIKeyEnv)
		}
		if key == "" {
			return nil, fmt.Errorf("the environment variable %s (api_key_env) is not set", cfg.APIKeyEnv)
		}
	}
	hc := cfg.HTTPClient
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		// Many live battles stream from one model server at once; the
		// default of 2 idle connections per host made most answers open a
		// new connection (and, against HTTPS, a new TLS handshake).
		tr.MaxIdleConnsPerHost = 64
		hc = &http.Client{Transport: tr}
	}
	// The chat-completions service is built directly, not through
	// openai.NewClient, because NewClient also reads OPENAI_API_KEY,
	// OPENAI_ORG_ID, OPENAI_CUSTOM_HEADERS… from the process environment and
	// would send that key to whatever server a contender points at.
	svc := openai.NewChatCompletionService(
		option.WithHTTPClient(hc),
		option.WithBaseURL(cfg.BaseURL),
		option.WithAPIKey(key), // empty: no Authorization header at all
		// No retries: a retried stream would start one side of a battle
		// late; a failure should void the battle fast instead.
		option.WithMaxRetries(0),
	)
	return &OpenAI{cfg: cfg, key: key, svc: svc}, nil
}

func (c OpenAIConfig) validate() error {
	var errs []error
	if c.BaseURL == "" {
		errs = append(errs, errors.New("base_url is required"))
	} else if err := checkBaseURL(c.BaseURL); err != nil {
		errs = append(errs, err)
	}
	if strings.TrimSpace(c.Model) == "" {
		errs = append(errs, errors.New("model is required"))
	}
	if c.MaxTokens < 0 {
		errs = append(errs, errors.New("max_tokens must be a positive whole number"))
	}
	if c.Timeout < 0 || c.IdleTimeout < 0 {
		errs = append(errs, errors.New("timeouts must be positive"))
	}
	for k := range c.Extra {
		if reservedFields[k] {
			errs = append(errs, fmt.Errorf("extra field %q is set by the arena itself", k))
		}
	}
	return errors.Join(errs...)
}

// reservedFields are request fields the backend owns; letting Extra set them
// would break streaming or the arena's control of the conversation.
var reservedFields = map[string]bool{"model": true, "messages": true, "stream": true, "stream_options": true, "n": true}

// checkBaseURL accepts absolute http(s) URLs with a host. Its messages name
// the scheme only: a URL may carry credentials in its user part.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("base_url is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		if !strings.Contains(raw, "://") { // "localhost:11434" parses with scheme "localhost"
			return errors.New("base_url must start with http:// or https://")
		}
		return fmt.Errorf("base_url must use http or https, not %q", u.Scheme)
	}
	if u.Host == "" {
		return errors.New("base_url has no host")
	}
	return nil
}

// String describes the backend without its address, model or key, so that
// logging one by accident gives nothing away.
func (o *OpenAI) String() string { return "llm.OpenAI" }

// GoString is String for %#v, which would otherwise print the key.
func (o *OpenAI) GoString() string { return o.String() }

// Generate streams one answer. See [Backend].
func (o *OpenAI) Generate(ctx context.Context, req Request, emit Emit) (Result, error) {
	start := time.Now()
	params, err := o.params(req)
	if err != nil {
		return Result{}, err
	}
	w := newWatchdog(ctx, o.cfg.Timeout, o.cfg.IdleTimeout)
	defer w.stop()

	stream := o.svc.NewStreaming(w.ctx, params)
	defer stream.Close()

	var (
		res      Result
		text     strings.Builder
		events   int
		finished bool
	)
	for stream.Next() {
		w.pause()
		events++
		chunk := stream.Current()
		if u := chunk.Usage; u.PromptTokens > 0 || u.CompletionTokens > 0 {
			res.Usage = Usage{PromptTokens: int(u.PromptTokens), CompletionTokens: int(u.CompletionTokens)}
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 { // we ask for one choice; ignore any others
				continue
			}
			if ch.FinishReason != "" {
				res.FinishReason, finished = ch.FinishReason, true
			}
			if piece := ch.Delta.Content; piece != "" {
				if res.Chunks == 0 {
					res.FirstToken = time.Since(start)
				}
				res.Chunks++
				text.WriteString(piece)
				if err := emit(piece); err != nil {
					res.Text, res.Latency = text.String(), time.Since(start)
					return res, err
				}
			}
		}
		w.resume()
	}
	res.Text, res.Latency = text.String(), time.Since(start)

	err = stream.Err()
	if (err != nil || !finished) && w.ctx.Err() != nil {
		// A cancelled or timed-out request surfaces as assorted I/O errors;
		// the context says what really happened. A stream that finished
		// cleanly stands, even if a timer fired just after.
		return res, ctxError(w.ctx)
	}
	switch {
	case err != nil:
		return res, o.classify(err, events)
	case events == 0:
		return res, &Error{Kind: ErrMalformed, Detail: "the response held no stream events"}
	case !finished:
		return res, &Error{Kind: ErrInterrupted, Detail: "the stream ended without a finish reason"}
	case strings.TrimSpace(res.Text) == "":
		return res, &Error{Kind: ErrEmpty, Detail: "finish reason " + res.FinishReason}
	}
	return res, nil
}

// params builds the SDK request: the configured defaults, overridden by the
// request where it says so, and the system prompt first.
func (o *OpenAI) params(req Request) (openai.ChatCompletionNewParams, error) {
	msgs := make([]openai.ChatCompletionMessageParamUnion, 0, len(req.Messages)+1)
	if o.cfg.SystemPrompt != "" {
		msgs = append(msgs, openai.SystemMessage(o.cfg.SystemPrompt))
	}
	for _, m := range req.Messages {
		switch m.Role {
		case RoleSystem:
			msgs = append(msgs, openai.SystemMessage(m.Content))
		case RoleUser:
			msgs = append(msgs, openai.UserMessage(m.Content))
		case RoleAssistant:
			msgs = append(msgs, openai.AssistantMessage(m.Content))
		default:
			return openai.ChatCompletionNewParams{}, fmt.Errorf("llm: unknown message role %q", m.Role)
		}
	}
	if len(req.Messages) == 0 {
		return openai.ChatCompletionNewParams{}, errors.New("llm: request has no messages")
	}
	p := openai.ChatCompletionNewParams{
		Model:    o.cfg.Model,
		Messages: msgs,
		// Usage arrives in a last chunk with no choices, only if asked for.
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	}
	if n := cmp.Or(req.MaxTokens, o.cfg.MaxTokens); n > 0 {
		p.MaxTokens = openai.Int(int64(n))
	}
	if t := cmp.Or(req.Temperature, o.cfg.Temperature); t != nil {
		p.Temperature = openai.Float(*t)
	}
	if o.cfg.TopP != nil {
		p.TopP = openai.Float(*o.cfg.TopP)
	}
	if o.cfg.Seed != nil {
		p.Seed = openai.Int(*o.cfg.Seed)
	}
	if len(o.cfg.Extra) > 0 {
		p.SetExtraFields(maps.Clone(o.cfg.Extra))
	}
	return p, nil
}

// classify maps a stream error that was not caused by our context to a kind.
// events says how far the stream got: a network error after the first event
// is an interruption, before it the server could not be reached or refused.
func (o *OpenAI) classify(err error, events int) *Error {
	var (
		apiErr    *openai.Error
		streamErr *ssestream.StreamError
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &apiErr):
		detail := strings.TrimSpace(strings.Join([]string{apiErr.Type, apiErr.Code, apiErr.Message}, " "))
		return &Error{Kind: ErrUpstream, Status: apiErr.StatusCode, Detail: o.redact(detail)}
	case errors.As(err, &streamErr):
		return &Error{Kind: ErrUpstream, Detail: o.redact(streamErr.Message)}
	case errors.As(err, &syntaxErr), errors.As(err, &typeErr), errors.Is(err, bufio.ErrTooLong):
		return &Error{Kind: ErrMalformed, Detail: o.redact(err.Error())}
	case events > 0 || errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Kind: ErrInterrupted, Detail: o.redact(err.Error())}
	}
	return &Error{Kind: ErrUpstream, Detail: o.redact(err.Error())}
}

// redact strips the key and the base URL from operator-facing detail text;
// SDK and network errors quote the request URL.
func (o *OpenAI) redact(s string) string {
	if o.key != "" {
		s = strings.ReplaceAll(s, o.key, "[key]")
	}
	base := strings.TrimRight(o.cfg.BaseURL, "/")
	if u, err := url.Parse(base); err == nil && u.Host != "" {
		s = strings.ReplaceAll(s, base, "[base_url]")
		s = strings.ReplaceAll(s, u.Host, "[host]")
	}
	return s
}
