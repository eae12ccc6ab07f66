// Command arenaload measures the vote endpoint of a running arena (or of
// cmd/votebaseline) on this machine: votes per second and latency
// percentiles at several numbers of concurrent clients.
//
// For each level it first creates the battles to vote on, untimed, each with
// a new voter (the server's cookie is kept with the battle id), then sends a
// few untimed warm-up votes, then times one vote per remaining battle with
// that many concurrent clients, each waiting for its answer before sending
// the next (closed loop). Only loopback URLs are accepted, and every run is
// bounded by -votes, -duration and -timeout.
//
//	arenaload -url http://127.0.0.1:8080 -mode arena -clients 1,16,64 -votes 5000
//	arenaload -url http://127.0.0.1:18081 -mode baseline -clients 16 -out results.jsonl
//	arenaload -report results.jsonl   # Markdown tables, medians over rounds
//
// -mode live measures live battles instead: at each level C clients each
// start a live battle as a new voter (POST /api/v1/battles with a prompt),
// read its event stream to the last event, and start the next, for
// -duration. It reports completed battles, errors, the time to the first
// delta and to the end of each battle, and, with -server-pid, the server's
// memory, threads, file descriptors and CPU time. -fake-llm ADDR serves
// llmtest's chat-completions stand-in on that loopback address for the
// arena's contenders to point at, answering -fake-tokens tokens with
// -fake-delay before each, so a battle lasts about as long as a real
// model's answer (see docs/bench/live-load.sh):
//
//	arenaload -mode live -url http://127.0.0.1:18080 -fake-llm 127.0.0.1:18090 \
//	    -fake-tokens 200 -fake-delay 20ms -clients 50,100,200 -duration 30s
//
// Two subcommands serve the leaderboard benchmark (docs/bench/leaderboard-load.sh):
// `arenaload seed` fills an empty PostgreSQL arena with simulated votes
// (see runSeed), and `arenaload get` measures GET requests per second and
// latency of a list of paths against the first one (see runGet).
// `arenaload lag` measures how long a vote takes to reach the public board
// while voters vote continuously (see runLag; docs/bench/scale.sh).
// `arenaload proxy` and `arenaload faults` are the round-robin proxy and
// the voters of the fault test (see runProxy, runFaults; docs/bench/faults.sh).
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "arenaload:", err)
		os.Exit(1)
	}
}

type options struct {
	url       string
	mode      Mode
	clients   []int
	votes     int
	duration  time.Duration
	warmup    int
	setupConc int
	timeout   time.Duration
	reqTime   time.Duration
	out       string
	jsonOut   bool
	round     int
	note      string
	setupOnly bool
	watch     cpuWatch
	// -mode live
	liveDur    time.Duration
	ramp       time.Duration
	fakeAddr   string
	fakeTokens int
	fakeDelay  time.Duration
	stopErrors float64
	stopTTFD   time.Duration
}

func parseFlags(args []string, stderr io.Writer) (opt options, report string, err error) {
	fs := flag.NewFlagSet("arenaload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opt.url, "url", "http://127.0.0.1:8080", "base URL of the server under load (loopback only)")
	mode := fs.String("mode", "arena", "arena (the JSON API), baseline (cmd/votebaseline) or live (live battles on the arena)")
	clients := fs.String("clients", "1,16,64", "comma-separated numbers of concurrent clients, one level each")
	fs.IntVar(&opt.votes, "votes", 5000, "timed votes per level (that many battles are created first)")
	fs.DurationVar(&opt.duration, "duration", 0, "if set, also stop a level's timed phase after this long")
	fs.IntVar(&opt.warmup, "warmup", 200, "untimed votes sent before each level's timed phase")
	fs.IntVar(&opt.setupConc, "setup-clients", 16, "concurrent clients creating battles in the untimed setup")
	fs.DurationVar(&opt.timeout, "timeout", 15*time.Minute, "give up on the whole run after this long")
	fs.DurationVar(&opt.reqTime, "request-timeout", 30*time.Second, "give up on one request after this long")
	fs.StringVar(&opt.out, "out", "", "append one JSON line per level to this file")
	fs.IntVar(&opt.round, "round", 0, "label the results of this run as round N (for repeated, interleaved runs)")
	fs.StringVar(&opt.note, "note", "", "free text kept with the results (e.g. how busy the machine was)")
	fs.IntVar(&opt.watch.serverPID, "server-pid", 0, "if set, report this process's CPU time per vote (Linux /proc)")
	fs.StringVar(&opt.watch.pgDB, "pg-db", "", "if set, report the CPU time per vote of the local PostgreSQL backends serving this database (Linux /proc)")
	fs.BoolVar(&opt.setupOnly, "setup-only", false, "create the battles of each level and send no vote (to time the setup alone)")
	fs.BoolVar(&opt.jsonOut, "json", false, "print the results as JSON lines on stdout instead of a table")
	fs.StringVar(&opt.fakeAddr, "fake-llm", "", "live: serve a fake OpenAI-compatible model server (llmtest) on this loopback address during the run")
	fs.IntVar(&opt.fakeTokens, "fake-tokens", 200, "live: tokens in each answer of the fake model")
	fs.DurationVar(&opt.fakeDelay, "fake-delay", 20*time.Millisecond, "live: the fake model's wait before each token")
	fs.DurationVar(&opt.ramp, "ramp", -1, "live: spread each level's first battles over this long (default: -fake-tokens × -fake-delay with -fake-llm, else 0)")
	fs.Float64Var(&opt.stopErrors, "stop-errors", 0.01, "live: run no higher level after one where more than this share of battles failed")
	fs.DurationVar(&opt.stopTTFD, "stop-ttfd", 5*time.Second, "live: run no higher level after one whose p99 time to first delta passed this (0: never)")
	fs.StringVar(&report, "report", "", "read JSON lines written by -out and print their Markdown tables (arena/baseline, or live); sends no request")
	if err = fs.Parse(args); err != nil {
		return
	}
	if fs.NArg() > 0 {
		return opt, "", fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if report != "" {
		return opt, report, nil
	}
	if opt.mode, err = parseMode(*mode); err != nil {
		return
	}
	if opt.clients, err = parseLevels(*clients); err != nil {
		return
	}
	switch {
	case opt.votes < 1 || opt.votes > 1_000_000:
		err = errors.New("-votes must be between 1 and 1000000")
	case opt.warmup < 0 || opt.warmup > 100_000:
		err = errors.New("-warmup must be between 0 and 100000")
	case opt.setupConc < 1 || opt.setupConc > 256:
		err = errors.New("-setup-clients must be between 1 and 256")
	case opt.timeout <= 0 || opt.reqTime <= 0 || opt.duration < 0:
		err = errors.New("-timeout and -request-timeout must be positive, -duration 0 or positive")
	case opt.fakeAddr != "" && opt.mode != ModeLive:
		err = errors.New("-fake-llm goes with -mode live")
	case opt.fakeTokens < 1 || opt.fakeTokens > 100_000 || opt.fakeDelay < 0 || opt.fakeDelay > time.Minute:
		err = errors.New("-fake-tokens must be between 1 and 100000 and -fake-delay between 0 and 1m")
	case opt.stopErrors < 0 || opt.stopTTFD < 0:
		err = errors.New("-stop-errors and -stop-ttfd must be 0 or positive")
	}
	if err == nil && opt.mode == ModeLive {
		opt.liveDur = opt.duration
		if opt.liveDur == 0 {
			opt.liveDur = 30 * time.Second
		}
		if opt.ramp < 0 {
			opt.ramp = 0
			if opt.fakeAddr != "" {
				opt.ramp = time.Duration(opt.fakeTokens) * opt.fakeDelay
			}
		}
	}
	return
}

func parseLevels(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("-clients: %q is not a number of clients between 1 and 1024", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// run is arenaload with its arguments: a subcommand, a report
// of saved results, or a load run against an arena.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "seed":
			return runSeed(ctx, args[1:], stdout, stderr)
		case "get":
			return runGet(ctx, args[1:], stdout, stderr)
		case "lag":
			return runLag(ctx, args[1:], stdout, stderr)
		case "proxy":
			return runProxy(ctx, args[1:], stdout, stderr)
		case "faults":
			return runFaults(ctx, args[1:], stdout, stderr)
		}
	}
	opt, report, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if report != "" {
		return printReport(report, stdout)
	}
	ctx, cancel := context.WithTimeout(ctx, opt.timeout)
	defer cancel()
	base, err := parseBaseURL(ctx, opt.url, net.DefaultResolver)
	if err != nil {
		return err
	}
	l := &loader{client: newClient(max(slices.Max(opt.clients), opt.setupConc), opt.reqTime), base: base, mode: opt.mode, prog: newProgress(stderr)}
	if opt.mode == ModeLive {
		var fake *fakeLLM
		if opt.fakeAddr != "" {
			if fake, err = startFakeLLM(opt.fakeAddr, opt.fakeTokens, opt.fakeDelay); err != nil {
				return err
			}
			defer fake.close()
			fmt.Fprintf(stderr, "fake model server on http://%s/v1: %d tokens of %d bytes in all, %s before each\n", fake.addr, fake.tokens, len(fake.answer), fake.delay)
		}
		return runLive(ctx, opt, l, fake, stdout)
	}
	return runLevels(ctx, l, opt, base, stdout)
}

// printReport prints the tables of a file of saved results, live or not.
func printReport(report string, stdout io.Writer) error {
	f, err := os.Open(report)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	if isLiveReport(data) {
		lives, err := readLiveResults(bytes.NewReader(data))
		if err != nil {
			return fmt.Errorf("%s: %w", report, err)
		}
		printLiveHeader(stdout)
		for _, r := range lives {
			printLiveRow(stdout, r)
		}
		return nil
	}
	results, err := readResults(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("%s: %w", report, err)
	}
	writeComparison(stdout, results)
	fmt.Fprintln(stdout)
	writeCPU(stdout, results)
	fmt.Fprintln(stdout)
	writeRuns(stdout, results)
	return nil
}

// runLevels measures each number of clients in turn, printing a row (or a
// JSON line) and appending the result to -out as each one finishes.
func runLevels(ctx context.Context, l *loader, opt options, base *url.URL, stdout io.Writer) error {
	if !opt.jsonOut {
		printHeader(stdout)
	}
	for _, c := range opt.clients {
		r, err := level(ctx, l, opt, c)
		if err != nil {
			return fmt.Errorf("%s, %d clients: %w", opt.mode, c, err)
		}
		r.Mode, r.URL, r.Clients, r.Round, r.Note = opt.mode, base.String(), c, opt.round, opt.note
		if opt.jsonOut {
			b, _ := json.Marshal(r)
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			printRow(stdout, r)
		}
		if opt.out != "" {
			if err := appendResult(opt.out, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// level measures one number of concurrent clients.
func level(ctx context.Context, l *loader, opt options, clients int) (Result, error) {
	t0 := time.Now()
	battles, err := l.createBattles(ctx, opt.warmup+opt.votes, opt.setupConc)
	if err != nil {
		return Result{}, err
	}
	setup := time.Since(t0)
	if opt.setupOnly {
		return Result{SetupSeconds: setup.Seconds(), At: time.Now().UTC()}, nil
	}
	if opt.warmup > 0 {
		w, _ := l.vote(ctx, battles[:opt.warmup], clients, 0, fmt.Sprintf("warm-up, %d clients", clients))
		if len(w.lat) == 0 {
			for k, n := range w.errors {
				return Result{}, fmt.Errorf("every warm-up vote failed (%d × %s, first: %s)", n, k, w.first[k])
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	before, cpu0 := load1(), opt.watch.snapshot()
	s, wall := l.vote(ctx, battles[opt.warmup:], clients, opt.duration, fmt.Sprintf("votes, %d clients", clients))
	after, cpu1 := load1(), opt.watch.snapshot()
	if err := ctx.Err(); err != nil {
		return Result{}, fmt.Errorf("stopped before the level ended: %w", err)
	}
	r := summarize(s, wall)
	r.Warmup, r.SetupSeconds, r.At = opt.warmup, setup.Seconds(), time.Now().UTC()
	r.Load1Before, r.Load1After = before, after
	if sent := r.Votes + r.Errors; sent > 0 {
		server, backends, self := cpuUsed(cpu0, cpu1)
		perVote := func(d time.Duration) float64 { return ms(d) / float64(sent) }
		r.ClientCPUMSPerVote = perVote(self)
		if opt.watch.serverPID > 0 {
			r.ServerCPUMSPerVote = perVote(server)
		}
		if opt.watch.pgDB != "" {
			r.PGCPUMSPerVote = perVote(backends)
		}
	}
	return r, nil
}
