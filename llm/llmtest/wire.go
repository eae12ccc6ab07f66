package llmtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
)

// The JSON shapes below copy the field order of the OpenAI API's own output,
// so a stream from this server reads like a captured one.

// chunk is one "chat.completion.chunk" event.
type chunk struct {
	ID                string          `json:"id"`
	Object            string          `json:"object"`
	Created           int64           `json:"created"`
	Model             string          `json:"model"`
	ServiceTier       string          `json:"service_tier"`
	SystemFingerprint string          `json:"system_fingerprint"`
	Choices           []choice        `json:"choices"`
	Usage             json.RawMessage `json:"usage,omitempty"` // null until the usage chunk; absent unless asked for
	Obfuscation       string          `json:"obfuscation,omitempty"`
}

type choice struct {
	Index        int             `json:"index"`
	Delta        json.RawMessage `json:"delta"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

type usage struct {
	PromptTokens            int              `json:"prompt_tokens"`
	CompletionTokens        int              `json:"completion_tokens"`
	TotalTokens             int              `json:"total_tokens"`
	PromptTokensDetails     promptDetails    `json:"prompt_tokens_details"`
	CompletionTokensDetails completionDetail `json:"completion_tokens_details"`
}

type promptDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens"`
}

type completionDetail struct {
	ReasoningTokens          int `json:"reasoning_tokens"`
	AudioTokens              int `json:"audio_tokens"`
	AcceptedPredictionTokens int `json:"accepted_prediction_tokens"`
	RejectedPredictionTokens int `json:"rejected_prediction_tokens"`
}

// completion is the non-streaming "chat.completion" object.
type completion struct {
	ID                string             `json:"id"`
	Object            string             `json:"object"`
	Created           int64              `json:"created"`
	Model             string             `json:"model"`
	Choices           []completionChoice `json:"choices"`
	Usage             usage              `json:"usage"`
	ServiceTier       string             `json:"service_tier"`
	SystemFingerprint string             `json:"system_fingerprint"`
}

type completionChoice struct {
	Index        int             `json:"index"`
	Message      completionMsg   `json:"message"`
	Logprobs     json.RawMessage `json:"logprobs"`
	FinishReason string          `json:"finish_reason"`
}

type completionMsg struct {
	Role        string          `json:"role"`
	Content     string          `json:"content"`
	Refusal     json.RawMessage `json:"refusal"`
	Annotations []string        `json:"annotations"`
}

// apiError is the body of every API error: {"error":{…}}.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Message string  `json:"message"`
	Type    string  `json:"type"`
	Param   *string `json:"param"`
	Code    *string `json:"code"`
}

var jsonNull = json.RawMessage("null")

// Deltas of the three kinds of chunk. The first announces the role with an
// empty content; the finish chunk's delta is empty.
var (
	roleDelta   = json.RawMessage(`{"role":"assistant","content":"","refusal":null}`)
	finishDelta = json.RawMessage(`{}`)
)

func contentDelta(text string) json.RawMessage {
	return json.RawMessage(`{"content":` + string(marshal(text)) + `}`)
}

// marshal encodes like the API: no HTML escaping, no trailing newline.
func marshal(v any) []byte { return marshalIndent(v, "") }

// marshalIndent is marshal, pretty-printed with the given indent as the
// API's non-streaming bodies are.
func marshalIndent(v any, indent string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		panic(err) // only our own well-typed values are encoded
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// event frames one SSE data event: "data: …" and a blank line.
func event(data []byte) []byte {
	out := make([]byte, 0, len(data)+8)
	out = append(out, "data: "...)
	out = append(out, data...)
	return append(out, "\n\n"...)
}

// doneEvent ends every stream.
var doneEvent = []byte("data: [DONE]\n\n")

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// randomID returns a "chatcmpl-" id of the API's length, deterministic in n.
func randomID(n uint64) string {
	r := rand.New(rand.NewPCG(n, 0x5eed))
	var b strings.Builder
	b.WriteString("chatcmpl-")
	for range 29 {
		b.WriteByte(base62[r.IntN(len(base62))])
	}
	return b.String()
}

// obfuscation pads chunks to hide token lengths, as the API does unless
// stream_options.include_obfuscation is false; clients ignore it.
func obfuscation(r *rand.Rand) string {
	n := 1 + r.IntN(12)
	b := make([]byte, n)
	for i := range b {
		b[i] = base62[r.IntN(len(base62))]
	}
	return string(b)
}

// errorBody returns the API's error type, code and message for a status.
func errorBody(status int, model, auth, message string) apiError {
	str := func(s string) *string { return &s }
	var e apiErrorBody
	switch status {
	case http.StatusBadRequest:
		e = apiErrorBody{Message: "Invalid request.", Type: "invalid_request_error"}
	case http.StatusUnauthorized:
		e = apiErrorBody{
			Message: fmt.Sprintf("Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.", maskKey(auth)),
			Type:    "invalid_request_error", Code: str("invalid_api_key"),
		}
	case http.StatusForbidden:
		e = apiErrorBody{Message: "You are not allowed to access this model.", Type: "invalid_request_error", Code: str("model_not_allowed")}
	case http.StatusNotFound:
		e = apiErrorBody{
			Message: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model),
			Type:    "invalid_request_error", Code: str("model_not_found"),
		}
	case http.StatusTooManyRequests:
		e = apiErrorBody{
			Message: fmt.Sprintf("Rate limit reached for %s in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.", model),
			Type:    "requests", Code: str("rate_limit_exceeded"),
		}
	case http.StatusInternalServerError:
		e = apiErrorBody{Message: "The server had an error while processing your request. Sorry about that!", Type: "server_error"}
	case http.StatusServiceUnavailable:
		e = apiErrorBody{Message: "The engine is currently overloaded, please try again later.", Type: "server_error"}
	default:
		e = apiErrorBody{Message: http.StatusText(status), Type: "server_error"}
	}
	if message != "" {
		e.Message = message
	}
	return apiError{Error: e}
}

// maskKey shows a key as the API's 401 message does: first and last few
// characters only.
func maskKey(auth string) string {
	key := strings.TrimPrefix(auth, "Bearer ")
	if len(key) <= 8 {
		return "***"
	}
	return key[:3] + "*****" + key[len(key)-4:]
}
