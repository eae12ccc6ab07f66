package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// faultOptions are the flags of `arenaload faults`.
type faultOptions struct {
	url      string
	out      string
	clients  int
	duration time.Duration
	patience time.Duration
}

// faultWinners are the vote values a fault voter picks from.
var faultWinners = []string{"model_a", "model_b", "tie", "tie (bothbad)"}

// runFaults is `arenaload faults`: clients voters vote continuously for
// -duration (each on a new battle of a new voter, with a random winner)
// through a proxy in front of replicas that are being killed, and write
// every vote answered 200 to -out as a line "battle_id,winner". A vote
// whose answer was lost (a transport error or a 5xx: the replica may have
// stored it before dying) is sent again, the same battle with the same
// winner, until it is answered or -patience has passed: the arena answers a
// repeated vote idempotently, so the retry is safe and is the only way the
// voter can know. A 409 to such a retry would mean the arena stored another
// winner; it and every other refusal are counted and printed.
//
//	arenaload faults -url http://127.0.0.1:18480 -clients 8 -duration 3m -out acks.csv
func runFaults(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFaultOptions(args, stderr)
	if err != nil {
		return err
	}
	base, err := parseBaseURL(ctx, o.url, net.DefaultResolver)
	if err != nil {
		return err
	}
	f, err := os.Create(o.out)
	if err != nil {
		return err
	}
	defer f.Close()
	l := &loader{client: newClient(o.clients, 15*time.Second), base: base, mode: ModeArena, prog: newProgress(io.Discard)}
	st := &faultStats{w: bufio.NewWriter(f), refused: map[string]int{}}
	deadline := time.Now().Add(o.duration)
	var wg sync.WaitGroup
	for i := range o.clients {
		rng := mrand.New(mrand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
		wg.Go(func() { faultVoter(ctx, l, o, deadline, rng, st) })
	}
	wg.Wait()
	if err := st.flush(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "voters: acknowledged %d, votes sent again %d, given up %d, refused %d %v, battle starts failed %d\n",
		st.acked.Load(), st.retried.Load(), st.gaveUp.Load(), st.refusedTotal(), st.refusedKinds(), st.startsFailed.Load())
	if st.firstStartErr != "" {
		fmt.Fprintf(stdout, "voters: first failed battle start: %s\n", st.firstStartErr)
	}
	return nil
}

func parseFaultOptions(args []string, stderr io.Writer) (faultOptions, error) {
	fs := flag.NewFlagSet("arenaload faults", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o faultOptions
	fs.StringVar(&o.url, "url", "", "base URL of the proxy in front of the replicas (loopback only)")
	fs.StringVar(&o.out, "out", "", "file to write every acknowledged vote to, one line battle_id,winner")
	fs.IntVar(&o.clients, "clients", 8, "voters voting at once")
	fs.DurationVar(&o.duration, "duration", time.Minute, "how long the voters start new votes")
	fs.DurationVar(&o.patience, "patience", time.Minute, "how long a voter keeps sending a vote whose answer was lost")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case o.url == "" || o.out == "":
		return o, errors.New("faults: -url and -out are required")
	case o.clients < 1 || o.clients > 256:
		return o, errors.New("faults: -clients must be between 1 and 256")
	case o.duration <= 0 || o.patience <= 0:
		return o, errors.New("faults: -duration and -patience must be positive")
	}
	return o, nil
}

// faultStats is what the voters saw, filled as they go.
type faultStats struct {
	mu      sync.Mutex
	w       *bufio.Writer
	werr    error
	refused map[string]int
	// firstStartErr is the first failed battle start, to show what failed.
	firstStartErr string

	acked, retried, gaveUp, startsFailed atomic.Int64
}

func (s *faultStats) startFailed(err error) {
	if s.startsFailed.Add(1) == 1 {
		s.mu.Lock()
		s.firstStartErr = err.Error()
		s.mu.Unlock()
	}
}

func (s *faultStats) ack(b battle, winner string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := fmt.Fprintf(s.w, "%s,%s\n", b.id, winner); err != nil && s.werr == nil {
		s.werr = err
	}
	s.acked.Add(1)
}

func (s *faultStats) refuse(kind string) {
	s.mu.Lock()
	s.refused[kind]++
	s.mu.Unlock()
}

func (s *faultStats) refusedTotal() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, k := range s.refused {
		n += k
	}
	return n
}

func (s *faultStats) refusedKinds() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

func (s *faultStats) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.w.Flush(); err != nil {
		return err
	}
	return s.werr
}

// faultVoter starts battles and votes on them until the deadline; a vote
// under way at the deadline is seen through.
func faultVoter(ctx context.Context, l *loader, o faultOptions, deadline time.Time, rng *mrand.Rand, st *faultStats) {
	for time.Now().Before(deadline) && ctx.Err() == nil {
		b, err := l.createBattle(ctx)
		if err != nil {
			// Nothing is owed on a battle that was never handed out.
			st.startFailed(err)
			time.Sleep(100 * time.Millisecond)
			continue
		}
		winner := faultWinners[rng.IntN(len(faultWinners))]
		voteUntilAnswered(ctx, l, b, winner, o.patience, st)
	}
}

// voteUntilAnswered sends the vote until the arena answers it: 200 is
// recorded, any other answer from the arena is counted as refused, and a
// lost answer sends the same vote again.
func voteUntilAnswered(ctx context.Context, l *loader, b battle, winner string, patience time.Duration, st *faultStats) {
	give := time.Now().Add(patience)
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			st.retried.Add(1)
			time.Sleep(200 * time.Millisecond)
		}
		status, err := sendVote(ctx, l, b, winner)
		switch {
		case err == nil && status == http.StatusOK:
			st.ack(b, winner)
			return
		case err == nil && status < 500:
			st.refuse(fmt.Sprintf("HTTP %d", status))
			return
		case ctx.Err() != nil || time.Now().After(give):
			st.gaveUp.Add(1)
			return
		}
	}
}

// sendVote sends one vote and reads the whole answer: a 200 counts only
// once its body has arrived.
func sendVote(ctx context.Context, l *loader, b battle, winner string) (int, error) {
	body := []byte(fmt.Sprintf(`{"winner":%q}`, winner))
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint(l.mode.votePath(b.id)), bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Cookie", b.cookie)
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)); err != nil {
		return 0, err
	}
	return resp.StatusCode, nil
}
