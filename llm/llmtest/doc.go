// Package llmtest is a stand-in for an OpenAI-compatible chat-completions
// server, for tests and load measurements. It streams Server-Sent Events byte
// for byte as the OpenAI API does (role chunk, content deltas, a finish
// chunk, an optional usage chunk with no choices, then "data: [DONE]"),
// answers errors with the API's JSON error bodies, and can be told per model
// to stall, drop the connection, send malformed chunks, send an error event,
// answer with nothing, or fail with an HTTP status. It records every request
// so tests can assert on what a client sent, and reports clients that went
// away mid-answer.
//
// It also answers Ollama's GET /api/tags and the OpenAI GET /v1/models
// listing, so model discovery can be tested against the same server.
package llmtest
