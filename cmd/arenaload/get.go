package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// GetResult is one path measured at one level by `arenaload get`.
type GetResult struct {
	Path     string  `json:"path"`
	Clients  int     `json:"clients"`
	Requests int     `json:"requests"`
	Errors   int     `json:"errors"`
	WallS    float64 `json:"wall_s"`
	PerSec   float64 `json:"per_sec"`
	P50MS    float64 `json:"p50_ms"`
	P90MS    float64 `json:"p90_ms"`
	P99MS    float64 `json:"p99_ms"`
	MaxMS    float64 `json:"max_ms"`
	Bytes    int     `json:"bytes"`
	// FirstError describes one failed request, if any.
	FirstError string `json:"first_error,omitempty"`
	Note       string `json:"note,omitempty"`
}

// runGet measures GET requests: for each path in turn, C clients each send
// the next request as soon as the last answer is read in full (closed
// loop), first untimed for -warmup, then timed for -duration. The first
// path is the baseline the others are compared with (a ratio of requests
// per second), so pass a trivial one first (e.g. /healthz).
//
//	arenaload get -url http://127.0.0.1:18080 -paths /healthz,/leaderboard,/api/v1/leaderboard -clients 64 -duration 20s
func runGet(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("arenaload get", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "http://127.0.0.1:8080", "base URL of the server under load (loopback only)")
	paths := fs.String("paths", "/healthz,/leaderboard,/api/v1/leaderboard", "comma-separated paths (with query strings); the first is the baseline")
	clients := fs.String("clients", "64", "comma-separated numbers of concurrent clients, one level each")
	dur := fs.Duration("duration", 20*time.Second, "timed phase per path and level")
	warm := fs.Duration("warmup", 3*time.Second, "untimed phase before each timed one")
	reqTime := fs.Duration("request-timeout", 30*time.Second, "give up on one request after this long")
	out := fs.String("out", "", "append one JSON line per path and level to this file")
	note := fs.String("note", "", "free text kept with the results (e.g. the load average)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("get: unexpected argument %q", fs.Arg(0))
	}
	base, err := parseBaseURL(ctx, *rawURL, net.DefaultResolver)
	if err != nil {
		return err
	}
	levels, err := parseLevels(*clients)
	if err != nil {
		return err
	}
	if *dur <= 0 || *dur > time.Hour || *warm < 0 || *warm > time.Hour {
		return errors.New("get: -duration must be between 0 and 1h (exclusive of 0), -warmup between 0 and 1h")
	}
	var ps []string
	for p := range strings.SplitSeq(*paths, ",") {
		p = strings.TrimSpace(p)
		if !strings.HasPrefix(p, "/") {
			return fmt.Errorf("get: path %q must start with /", p)
		}
		ps = append(ps, p)
	}
	fmt.Fprintln(stdout, "| path | clients | requests | errors | req/s | vs first | p50 ms | p90 ms | p99 ms | max ms | bytes |")
	fmt.Fprintln(stdout, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, c := range levels {
		client := newClient(c, *reqTime)
		var first float64
		for i, p := range ps {
			u := base.String() + p
			if *warm > 0 {
				getLevel(ctx, client, u, c, *warm)
			}
			r := getLevel(ctx, client, u, c, *dur)
			r.Path, r.Note = p, *note
			if i == 0 {
				first = r.PerSec
			}
			ratio := "–"
			if first > 0 {
				ratio = fmt.Sprintf("%.2f", r.PerSec/first)
			}
			fmt.Fprintf(stdout, "| `%s` | %d | %d | %d | %.0f | %s | %.2f | %.2f | %.2f | %.2f | %d |\n",
				p, r.Clients, r.Requests, r.Errors, r.PerSec, ratio, r.P50MS, r.P90MS, r.P99MS, r.MaxMS, r.Bytes)
			if r.FirstError != "" {
				fmt.Fprintf(stderr, "get %s: first error: %s\n", p, r.FirstError)
			}
			if *out != "" {
				if err := appendJSON(*out, r); err != nil {
					return err
				}
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
		}
		client.CloseIdleConnections()
	}
	return nil
}

// getLevel runs clients closed loops of GET u for d and summarises them.
func getLevel(ctx context.Context, client *http.Client, u string, clients int, d time.Duration) GetResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	type part struct {
		lat      []time.Duration
		errors   int
		bytes    int
		firstErr string
	}
	parts := make([]part, clients)
	var wg sync.WaitGroup
	start := time.Now()
	for i := range clients {
		wg.Go(func() {
			p := &parts[i]
			for ctx.Err() == nil {
				t0 := time.Now()
				n, err := getOnce(ctx, client, u)
				if ctx.Err() != nil {
					return // cut off by the end of the phase: not counted
				}
				if err != nil {
					p.errors++
					if p.firstErr == "" {
						p.firstErr = err.Error()
					}
					continue
				}
				p.lat = append(p.lat, time.Since(t0))
				p.bytes = n
			}
		})
	}
	wg.Wait()
	wall := time.Since(start)
	r := GetResult{Clients: clients, WallS: wall.Seconds()}
	var lat []time.Duration
	for _, p := range parts {
		lat = append(lat, p.lat...)
		r.Errors += p.errors
		r.Bytes = max(r.Bytes, p.bytes)
		if r.FirstError == "" {
			r.FirstError = p.firstErr
		}
	}
	slices.Sort(lat)
	r.Requests = len(lat)
	r.PerSec = float64(len(lat)) / wall.Seconds()
	if len(lat) > 0 {
		r.P50MS, r.P90MS, r.P99MS = ms(quantile(lat, 0.50)), ms(quantile(lat, 0.90)), ms(quantile(lat, 0.99))
		r.MaxMS = ms(lat[len(lat)-1])
	}
	return r
}

// getOnce sends one GET and reads the whole answer; anything but 200 is an
// error.
func getOnce(ctx context.Context, client *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	return int(n), nil
}
