package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// battle is one pre-created battle and the cookie of the voter that owns it.
type battle struct {
	id     string
	cookie string
}

// voteBody is the vote every request sends.
var voteBody = []byte(`{"winner":"model_a"}`)

// loader sends requests to one server.
type loader struct {
	client *http.Client
	base   *url.URL
	mode   Mode
	prog   *progress
}

func (l *loader) endpoint(path string) string {
	u := *l.base
	u.Path += path
	return u.String()
}

// createBattles makes n battles, each with a new voter (no cookie sent, so
// the server issues a fresh one): a voter's open battle is resumed, so one
// voter cannot hold many at once. Any failure ends the setup.
func (l *loader) createBattles(ctx context.Context, n, concurrency int) ([]battle, error) {
	out := make([]battle, n)
	var next atomic.Int64
	var done atomic.Int64
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	l.prog.start("setup", n, &done)
	defer l.prog.stop()
	var wg sync.WaitGroup
	for range min(concurrency, n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				b, err := l.createBattle(ctx)
				if err != nil {
					cancel(err)
					return
				}
				out[i] = b
				done.Add(1)
			}
		})
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return nil, err
	}
	return out, nil
}

func (l *loader) createBattle(ctx context.Context) (battle, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint(l.mode.createPath()), nil)
	if err != nil {
		return battle{}, err
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return battle{}, fmt.Errorf("create battle: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return battle{}, fmt.Errorf("create battle: %w", err)
	}
	if resp.StatusCode != http.StatusCreated {
		hint := ""
		if resp.StatusCode == http.StatusTooManyRequests {
			hint = " (is the server's rate limit off, ARENA_RATE_LIMIT=0?)"
		}
		return battle{}, fmt.Errorf("create battle: %s%s: %s", resp.Status, hint, snippet(body))
	}
	var got struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(body, &got); err != nil || got.ID == "" {
		return battle{}, fmt.Errorf("create battle: answer has no id: %s", snippet(body))
	}
	var ck []string
	for _, c := range resp.Cookies() {
		ck = append(ck, c.Name+"="+c.Value)
	}
	if len(ck) == 0 {
		return battle{}, errors.New("create battle: the server set no cookie, so the vote could not name its voter")
	}
	return battle{id: got.ID, cookie: strings.Join(ck, "; ")}, nil
}

// sample is the outcome of the votes one worker sent.
type sample struct {
	lat    []time.Duration
	errors map[string]int
	first  map[string]string
}

// vote sends one vote per battle with the given number of concurrent
// clients, each waiting for its answer before the next request (closed
// loop). It stops early when limit is positive and has passed.
func (l *loader) vote(ctx context.Context, battles []battle, clients int, limit time.Duration, what string) (merged sample, wall time.Duration) {
	var next, done atomic.Int64
	results := make([]sample, clients)
	l.prog.start(what, len(battles), &done)
	defer l.prog.stop()
	start := time.Now()
	var deadline time.Time
	if limit > 0 {
		deadline = start.Add(limit)
	}
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			s := sample{errors: map[string]int{}, first: map[string]string{}}
			s.lat = make([]time.Duration, 0, len(battles)/clients+1)
			for {
				i := int(next.Add(1)) - 1
				if i >= len(battles) || ctx.Err() != nil || (!deadline.IsZero() && time.Now().After(deadline)) {
					break
				}
				d, kind, detail := l.voteOnce(ctx, battles[i])
				if kind == "" {
					s.lat = append(s.lat, d)
				} else {
					s.errors[kind]++
					if _, seen := s.first[kind]; !seen {
						s.first[kind] = detail
					}
				}
				done.Add(1)
			}
			results[w] = s
		})
	}
	wg.Wait()
	wall = time.Since(start)
	merged = sample{errors: map[string]int{}, first: map[string]string{}}
	for _, s := range results {
		merged.lat = append(merged.lat, s.lat...)
		for k, n := range s.errors {
			merged.errors[k] += n
			if _, seen := merged.first[k]; !seen {
				merged.first[k] = s.first[k]
			}
		}
	}
	return merged, wall
}

// voteOnce sends one vote and times it up to the last byte of the answer.
// kind is empty on success, else a short class of the failure.
func (l *loader) voteOnce(ctx context.Context, b battle) (d time.Duration, kind, detail string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint(l.mode.votePath(b.id)), bytes.NewReader(voteBody))
	if err != nil {
		return 0, "request", err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", b.cookie)
	t0 := time.Now()
	resp, err := l.client.Do(req)
	if err != nil {
		return time.Since(t0), "transport", err.Error()
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	d = time.Since(t0)
	if err != nil {
		return d, "transport", err.Error()
	}
	if resp.StatusCode != http.StatusOK {
		return d, fmt.Sprintf("HTTP %d", resp.StatusCode), snippet(body)
	}
	return d, "", ""
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
