package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// liveBattle runs one live battle as a new voter: it starts it with a prompt,
// then reads the event stream to its end. want is the text each side must
// deliver ("" to not check).
func (l *loader) liveBattle(ctx context.Context, timeout time.Duration, want string) (o liveOutcome) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() {
		if o.kind != "" && ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
			o.kind, o.detail = "timeout", fmt.Sprintf("not finished after %s (%s: %s)", timeout, o.kind, o.detail)
		}
	}()
	t0 := time.Now()
	stream, cookies, o := l.startLiveBattle(ctx, t0)
	if o.kind != "" {
		return o
	}
	resp, fail := l.openLiveStream(ctx, stream, cookies)
	if fail.kind != "" {
		return fail
	}
	defer resp.Body.Close()
	return readLiveStream(resp.Body, t0, o, want)
}

// startLiveBattle posts the prompt and returns the battle's stream path and
// the voter's cookies, with the time since t0 the start took in o.start (or
// what failed in o.kind).
func (l *loader) startLiveBattle(ctx context.Context, t0 time.Time) (stream string, cookies []*http.Cookie, o liveOutcome) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint("/api/v1/battles"), bytes.NewReader(livePrompt))
	if err != nil {
		return "", nil, liveOutcome{kind: "request", detail: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err != nil {
		return "", nil, liveOutcome{kind: "start transport", detail: err.Error()}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	o.start = time.Since(t0)
	if err != nil {
		return "", nil, liveOutcome{kind: "start transport", detail: err.Error()}
	}
	var started struct {
		Mode   string `json:"mode"`
		Stream string `json:"stream"`
	}
	if resp.StatusCode != http.StatusCreated {
		return "", nil, liveOutcome{kind: fmt.Sprintf("start HTTP %d", resp.StatusCode), detail: snippet(body)}
	}
	if json.Unmarshal(body, &started) != nil || started.Mode != "live" || !strings.HasPrefix(started.Stream, "/api/v1/battles/") {
		return "", nil, liveOutcome{kind: "start answer", detail: snippet(body)}
	}
	return started.Stream, resp.Cookies(), o
}

// openLiveStream opens the battle's event stream as the voter who started
// it; a failure is named in the outcome's kind.
func (l *loader) openLiveStream(ctx context.Context, stream string, cookies []*http.Cookie) (*http.Response, liveOutcome) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.endpoint(stream), nil)
	if err != nil {
		return nil, liveOutcome{kind: "request", detail: err.Error()}
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, liveOutcome{kind: "stream transport", detail: err.Error()}
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		return nil, liveOutcome{kind: fmt.Sprintf("stream HTTP %d", resp.StatusCode), detail: snippet(body)}
	}
	return resp, liveOutcome{}
}

// readLiveStream reads the event stream to its end, adding the times to
// the first delta and to the end to o, and checks that both sides finished
// with the wanted text.
func readLiveStream(body io.Reader, t0 time.Time, o liveOutcome, want string) liveOutcome {
	var (
		kind string
		done int
		got  [2]int
	)
	br := bufio.NewReaderSize(body, 16<<10)
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return liveOutcome{kind: "stream transport", detail: err.Error()}
		}
		line = bytes.TrimRight(line, "\r\n")
		switch {
		case bytes.HasPrefix(line, []byte("event: ")):
			kind = string(line[len("event: "):])
		case bytes.HasPrefix(line, []byte("data: ")):
			var ev struct{ Side, Text string }
			if err := json.Unmarshal(line[len("data: "):], &ev); err != nil {
				return liveOutcome{kind: "stream malformed", detail: snippet(line)}
			}
			switch kind {
			case "delta":
				if o.ttfd == 0 {
					o.ttfd = time.Since(t0)
				}
				switch ev.Side {
				case "a":
					got[0] += len(ev.Text)
				case "b":
					got[1] += len(ev.Text)
				default:
					return liveOutcome{kind: "stream malformed", detail: snippet(line)}
				}
			case "done":
				done++
			case "error":
				return liveOutcome{kind: "void", detail: ev.Text}
			}
		}
	}
	o.total = time.Since(t0)
	switch {
	case done != 2:
		return liveOutcome{kind: "incomplete", detail: fmt.Sprintf("stream ended after %d done events", done)}
	case want != "" && (got[0] != len(want) || got[1] != len(want)):
		return liveOutcome{kind: "short text", detail: fmt.Sprintf("sides got %d and %d bytes, want %d", got[0], got[1], len(want))}
	}
	return o
}
