// Package llm puts every way the arena can get an answer — an
// OpenAI-compatible chat-completions server (Ollama, vLLM, llama.cpp server,
// SGLang, TGI, hosted APIs) or one of the built-in offline demo bots — behind
// one small streaming interface, [Backend].
//
// The arena calls [New] once per contender with the contender's provider
// block, then [Backend.Generate] per answer, passing a callback that receives
// the text as it streams. Every failure is an [*Error] whose text is safe to
// log and store: it never names the model, the provider, the base URL or the
// API key, so a voided battle cannot give a contender away. Use errors.Is
// with [ErrTimeout], [ErrEmpty], [ErrUpstream], [ErrMalformed],
// [ErrInterrupted] or [ErrCanceled] to decide what to tell the voter, and
// [Reason] for a short code to store as the void reason.
//
// The package llmtest beside this one is an HTTP test server that speaks the
// chat-completions SSE format byte for byte and can be told to misbehave.
package llm
