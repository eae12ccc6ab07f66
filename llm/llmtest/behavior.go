package llmtest

import (
	"strings"
	"time"
)

// Mode says how the server answers a chat-completions request.
type Mode int

const (
	// Reply streams Behavior.Text as content deltas and finishes normally.
	Reply Mode = iota
	// Stall streams the first After tokens, then sends nothing more and
	// holds the connection open until the client goes away.
	Stall
	// Drop streams the first After tokens, then cuts the connection without
	// ending the response, as a crashed server or proxy would.
	Drop
	// Malformed streams the first After tokens, then a data line whose JSON
	// is cut short, then [DONE].
	Malformed
	// StreamError streams the first After tokens, then an error event
	// ({"error":{…}} in a data line, as the API sends for failures after the
	// stream has begun), and ends the stream.
	StreamError
	// Empty streams the role chunk and the finish chunk with no content.
	Empty
	// Status answers with HTTP status Behavior.Status (default 500) and the
	// API's JSON error body for it; nothing is streamed.
	Status
)

// Behavior scripts the answer to one request. The zero value replies with
// DefaultText at full speed.
type Behavior struct {
	Mode Mode
	// Text is the answer, split into tokens by [Tokens]. Empty means
	// DefaultText.
	Text string
	// TokenList, when set, is the exact list of content deltas to send,
	// overriding Text.
	TokenList []string
	// Delay is waited before each content token.
	Delay time.Duration
	// After is how many content tokens Stall, Drop, Malformed and
	// StreamError send before misbehaving.
	After int
	// Status is the HTTP status for Mode Status: 400, 401, 403, 404, 429,
	// 500, 503 have the API's own bodies, others a generic one.
	Status int
	// Message overrides the error message in a Status or StreamError body.
	Message string
	// FinishReason is sent in the finish chunk; empty means "stop".
	FinishReason string
	// Gate, when non-nil, makes the server wait after GateAfter content
	// tokens until Gate is closed (or the client goes away) before going on.
	// Tests use it to prove chunks reach the client before the answer ends.
	Gate      <-chan struct{}
	GateAfter int
}

// DefaultText is the answer of a zero Behavior.
const DefaultText = "Hello! This is a streamed answer from the test server."

// tokens returns the content deltas the behavior sends.
func (b Behavior) tokens() []string {
	if b.TokenList != nil {
		return b.TokenList
	}
	if b.Text == "" {
		return Tokens(DefaultText)
	}
	return Tokens(b.Text)
}

// Tokens splits text the way a model's tokenizer roughly does, into words
// that carry their leading whitespace: "Hi there!" → ["Hi", " there!"].
// Concatenating the result gives text back exactly.
func Tokens(text string) []string {
	var out []string
	start := 0
	for i := 1; i < len(text); i++ {
		if isSpace(text[i]) && !isSpace(text[i-1]) {
			out = append(out, text[start:i])
			start = i
		}
	}
	if start < len(text) {
		out = append(out, text[start:])
	}
	return out
}

func isSpace(c byte) bool { return strings.IndexByte(" \t\n\r", c) >= 0 }
