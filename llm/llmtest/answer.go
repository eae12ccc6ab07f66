package llmtest

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

// answer writes one response as its Behavior says.
type answer struct {
	h         *Handler
	w         http.ResponseWriter
	r         *http.Request
	rec       Request
	b         Behavior
	n         uint64
	rnd       *rand.Rand
	obfuscate bool
	created   int64
	sent      int // content tokens sent
}

// stream writes the SSE answer.
func (a *answer) stream() {
	a.w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
	a.w.WriteHeader(http.StatusOK)
	if !a.send(roleDelta, nil) {
		return
	}
	toks := a.b.tokens()
	if a.b.Mode == Empty {
		toks = nil
	}
	for i, tok := range toks {
		if !a.checkpoints(i) {
			return
		}
		if !a.wait(a.b.Delay) || !a.send(contentDelta(tok), nil) {
			return
		}
		a.sent++
	}
	if !a.checkpoints(len(toks)) {
		return
	}
	reason := a.b.FinishReason
	if reason == "" {
		reason = "stop"
	}
	if !a.send(finishDelta, &reason) {
		return
	}
	if a.rec.IncludeUsage {
		u := a.usage()
		c := a.chunk(nil)
		c.Usage = marshal(u)
		if !a.write(event(marshal(c))) {
			return
		}
	}
	a.write(doneEvent)
}

// checkpoints runs before content token i (and once after the last): it
// waits at the gate and triggers the scripted failure. It reports whether to
// go on.
func (a *answer) checkpoints(i int) bool {
	if a.b.Gate != nil && i == a.b.GateAfter {
		select {
		case <-a.b.Gate:
		case <-a.r.Context().Done():
			a.clientGone()
			return false
		}
	}
	if i != a.b.After {
		return true
	}
	switch a.b.Mode {
	case Stall:
		<-a.r.Context().Done()
		a.clientGone()
		return false
	case Drop:
		// ErrAbortHandler makes the server close the connection without
		// the chunked terminator: the client reads an unexpected EOF.
		panic(http.ErrAbortHandler)
	case Malformed:
		c := a.chunk([]choice{{Delta: contentDelta("broken"), Logprobs: jsonNull}})
		full := marshal(c)
		a.write(event(full[:len(full)/2]))
		a.write(doneEvent)
		return false
	case StreamError:
		body := errorBody(http.StatusInternalServerError, a.rec.Model, "", a.b.Message)
		a.write(event(marshal(body)))
		return false
	}
	return true
}

// whole writes a non-streaming answer, for clients that do not stream.
func (a *answer) whole() {
	toks := a.b.tokens()
	switch a.b.Mode {
	case Empty:
		toks = nil
	case Stall:
		<-a.r.Context().Done()
		a.clientGone()
		return
	case Drop:
		panic(http.ErrAbortHandler)
	case StreamError:
		writeError(a.w, errorBody(http.StatusInternalServerError, a.rec.Model, "", a.b.Message), http.StatusInternalServerError)
		return
	}
	if !a.wait(a.b.Delay * time.Duration(len(toks))) {
		return
	}
	a.sent = len(toks)
	reason := a.b.FinishReason
	if reason == "" {
		reason = "stop"
	}
	out := completion{
		ID: randomID(a.n), Object: "chat.completion", Created: a.created, Model: a.rec.Model,
		Choices: []completionChoice{{
			Message:  completionMsg{Role: "assistant", Content: strings.Join(toks, ""), Refusal: jsonNull, Annotations: []string{}},
			Logprobs: jsonNull, FinishReason: reason,
		}},
		Usage: a.usage(), ServiceTier: "default", SystemFingerprint: fingerprint,
	}
	body := marshalIndent(out, "  ")
	if a.b.Mode == Malformed {
		body = body[:len(body)/2]
	}
	a.w.Header().Set("Content-Type", "application/json")
	_, _ = a.w.Write(body)
}

// fingerprint stands in for the API's backend-configuration fingerprint.
const fingerprint = "fp_7a1b2c3d4e"

// chunk builds a chunk carrying choices (nil for the usage chunk, which the
// API sends with an empty choices list).
func (a *answer) chunk(choices []choice) chunk {
	if choices == nil {
		choices = []choice{}
	}
	c := chunk{
		ID: randomID(a.n), Object: "chat.completion.chunk", Created: a.created, Model: a.rec.Model,
		ServiceTier: "default", SystemFingerprint: fingerprint, Choices: choices,
	}
	if a.rec.IncludeUsage {
		c.Usage = jsonNull
	}
	if a.obfuscate {
		c.Obfuscation = obfuscation(a.rnd)
	}
	return c
}

// send writes one chunk with a single choice.
func (a *answer) send(delta json.RawMessage, finish *string) bool {
	c := a.chunk([]choice{{Delta: delta, Logprobs: jsonNull, FinishReason: finish}})
	return a.write(event(marshal(c)))
}

// write sends bytes and flushes them, so each event leaves at once.
func (a *answer) write(b []byte) bool {
	if _, err := a.w.Write(b); err != nil {
		a.clientGone()
		return false
	}
	if err := http.NewResponseController(a.w).Flush(); err != nil {
		a.clientGone()
		return false
	}
	return true
}

// wait sleeps d unless the client goes away first.
func (a *answer) wait(d time.Duration) bool {
	if d <= 0 {
		return a.r.Context().Err() == nil || a.clientGone()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-a.r.Context().Done():
		return a.clientGone()
	}
}

// clientGone reports the disconnect and returns false, to stop the answer.
func (a *answer) clientGone() bool {
	select {
	case a.h.gone <- a.rec:
	default:
	}
	return false
}

// usage counts prompt tokens as whitespace-separated words of all messages,
// and completion tokens as the content deltas sent.
func (a *answer) usage() usage {
	prompt := 0
	for _, m := range a.rec.Messages {
		prompt += len(strings.Fields(m.Content))
	}
	return usage{PromptTokens: prompt, CompletionTokens: a.sent, TotalTokens: prompt + a.sent}
}
