package llm

import (
	"context"
	"time"
)

// Message roles, as the chat-completions API spells them.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Message is one turn of a conversation. A multi-turn live battle sends the
// whole history, each side getting its own earlier answers as assistant turns.
type Message struct {
	Role    string // RoleSystem, RoleUser or RoleAssistant
	Content string
}

// Request is what the arena asks of a backend. Zero values mean "use the
// backend's configured default", so the arena can leave sampling to the
// contender's provider block and override only when it has a reason.
type Request struct {
	Messages []Message
	// MaxTokens caps the answer's length; 0 keeps the configured default.
	MaxTokens int
	// Temperature overrides the configured temperature when non-nil; a
	// pointer because 0 is a meaningful temperature.
	Temperature *float64
	// Attempt counts how often the voter asked for this answer to be
	// written again (0 the first time). Backends that answer one
	// conversation the same way every time (the demo bots) vary their
	// answer with it; servers that sample anew each call ignore it.
	Attempt int
}

// Usage counts tokens as the server reported them. Both are zero when a
// server does not report usage; demo bots count words.
type Usage struct {
	PromptTokens     int
	CompletionTokens int
}

// Result describes a finished (or, alongside an error, partial) answer.
type Result struct {
	// Text is the whole answer: the concatenation of every emitted chunk.
	Text  string
	Usage Usage
	// FinishReason is the server's reason for stopping: "stop", "length"
	// (hit max tokens), "content_filter"…; demo bots say "stop".
	FinishReason string
	// Latency is the time from the call to the end of the stream.
	Latency time.Duration
	// FirstToken is the time from the call to the first non-empty chunk,
	// zero if none arrived.
	FirstToken time.Duration
	// Chunks is how many non-empty chunks were emitted.
	Chunks int
}

// Emit receives each streamed piece of the answer, in order, as soon as it
// arrives. Returning an error stops generation: Generate then returns that
// same error unchanged (so the caller can recognise its own), after closing
// the upstream connection. Emit is called from the goroutine that called
// Generate, never concurrently.
type Emit func(chunk string) error

// Backend produces one answer per call. Implementations are safe for
// concurrent use: a live battle runs two Generate calls at once, and one
// backend serves many battles.
//
// Generate blocks until the answer is complete, ctx is done, a configured
// timeout fires or emit fails. Cancelling ctx (for example because the voter
// closed the page) stops generation and closes the upstream request promptly.
// On failure it returns the partial Result together with an error that is an
// [*Error] (or emit's own error), never one that names the model or provider.
type Backend interface {
	Generate(ctx context.Context, req Request, emit Emit) (Result, error)
}
