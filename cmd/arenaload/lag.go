package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// lagOptions are the flags of `arenaload lag`.
type lagOptions struct {
	url      string
	clients  int
	duration time.Duration
	poll     time.Duration
	grace    time.Duration
}

// runLag measures how long a vote takes to reach the public board: clients
// voters vote continuously for -duration (each vote on a new battle of a
// new voter) while one poller reads /api/v1/leaderboard every -poll. The
// k-th counted vote answered counts as on the board at the first poll whose
// board holds at least the votes it held at the start plus k: with votes
// answered concurrently that is the order the board can see them in, not
// the board's knowledge of one particular vote. After the voting it keeps
// polling until every vote is on the board or -grace has passed. It prints
// one line: votes, p50, p95 and max lag in seconds (a vote not seen by then
// counts as infinitely late), and votes not seen.
//
//	arenaload lag -url http://127.0.0.1:18280 -clients 16 -duration 60s
func runLag(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseLagOptions(args, stderr)
	if err != nil {
		return err
	}
	base, err := parseBaseURL(ctx, o.url, net.DefaultResolver)
	if err != nil {
		return err
	}
	l := &loader{client: newClient(o.clients+1, 30*time.Second), base: base, mode: ModeArena, prog: newProgress(io.Discard)}
	start, err := boardVotes(ctx, l)
	if err != nil {
		return err
	}
	acks, errs := lagVoters(ctx, l, o)
	seen := lagPoll(ctx, l, o, start, acks)
	lags, unseen := lagTimes(start, acks.times(), seen)
	// A vote never seen took longer than anything measured: it counts in
	// the percentiles as infinitely late.
	all := slices.Clone(lags)
	for range unseen {
		all = append(all, math.Inf(1))
	}
	fmt.Fprintf(stdout, "lag: votes %d, errors %d, p50 %.2f s, p95 %.2f s, max %.2f s, not seen %d\n",
		len(all), errs.Load(), lagQuantile(all, 0.50), lagQuantile(all, 0.95), lagQuantile(all, 1), unseen)
	return nil
}

func parseLagOptions(args []string, stderr io.Writer) (lagOptions, error) {
	fs := flag.NewFlagSet("arenaload lag", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o lagOptions
	fs.StringVar(&o.url, "url", "", "base URL of the arena (loopback only)")
	fs.IntVar(&o.clients, "clients", 16, "voters voting at once")
	fs.DurationVar(&o.duration, "duration", 60*time.Second, "how long the voters vote")
	fs.DurationVar(&o.poll, "poll", 250*time.Millisecond, "how often the board is read")
	fs.DurationVar(&o.grace, "grace", 3*time.Minute, "how long to wait after the voting for the board to catch up")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if o.clients < 1 || o.duration <= 0 || o.poll <= 0 || o.grace < 0 {
		return o, errors.New("lag: -clients, -duration and -poll must be positive")
	}
	return o, nil
}

// boardVotes reads the counted votes the overall board holds.
func boardVotes(ctx context.Context, l *loader) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.endpoint("/api/v1/leaderboard"), nil)
	if err != nil {
		return 0, err
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("leaderboard: %s", resp.Status)
	}
	var b struct {
		Votes int `json:"votes"`
	}
	err = json.NewDecoder(resp.Body).Decode(&b)
	return b.Votes, err
}

// ackLog keeps the times at which counted votes were answered.
type ackLog struct {
	mu sync.Mutex
	at []time.Time
}

func (a *ackLog) add(t time.Time) {
	a.mu.Lock()
	a.at = append(a.at, t)
	a.mu.Unlock()
}

func (a *ackLog) times() []time.Time {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.at)
}

func (a *ackLog) len() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.at)
}

// lagVoters starts the voters in the background; they stop after
// o.duration. It returns the log of answered votes and a counter of
// failures, both filled as they go.
func lagVoters(ctx context.Context, l *loader, o lagOptions) (*ackLog, *atomic.Int64) {
	acks, errs := &ackLog{}, &atomic.Int64{}
	deadline := time.Now().Add(o.duration)
	for range o.clients {
		go func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				b, err := l.createBattle(ctx)
				if err != nil {
					errs.Add(1)
					time.Sleep(100 * time.Millisecond)
					continue
				}
				if _, kind, _ := l.voteOnce(ctx, b); kind != "" {
					errs.Add(1)
					continue
				}
				acks.add(time.Now())
			}
		}()
	}
	return acks, errs
}

// boardSeen is a poll of the board: when it was answered, with how many votes.
type boardSeen struct {
	at    time.Time
	votes int
}

// lagPoll reads the board every o.poll while the voters vote, then until
// it holds every answered vote or o.grace has passed.
func lagPoll(ctx context.Context, l *loader, o lagOptions, start int, acks *ackLog) []boardSeen {
	var seen []boardSeen
	votingEnds := time.Now().Add(o.duration + time.Second)
	t := time.NewTicker(o.poll)
	defer t.Stop()
	for ctx.Err() == nil {
		if v, err := boardVotes(ctx, l); err == nil {
			seen = append(seen, boardSeen{at: time.Now(), votes: v})
			if now := time.Now(); now.After(votingEnds) && (v >= start+acks.len() || now.After(votingEnds.Add(o.grace))) {
				return seen
			}
		}
		<-t.C
	}
	return seen
}

// lagTimes matches the k-th answered vote with the first poll whose board
// holds start + k votes, and returns the lags and the votes never seen.
func lagTimes(start int, acks []time.Time, seen []boardSeen) (lags []float64, unseen int) {
	slices.SortFunc(acks, func(a, b time.Time) int { return a.Compare(b) })
	j := 0
	for k, at := range acks {
		for j < len(seen) && (seen[j].votes < start+k+1 || seen[j].at.Before(at)) {
			j++
		}
		if j == len(seen) {
			return lags, len(acks) - k
		}
		lags = append(lags, seen[j].at.Sub(at).Seconds())
	}
	return lags, 0
}

// lagQuantile is the nearest-rank q-quantile of xs, 0 when empty.
func lagQuantile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}
