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
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// livePrompt is what every live battle asks; the fake model ignores it.
var livePrompt = []byte(`{"prompt":"Tell me a short story about a cat."}`)

// LiveResult is the measurement of one level of concurrent live battles.
// One JSON line per LiveResult is what -out appends in -mode live.
type LiveResult struct {
	Mode    Mode   `json:"mode"`
	URL     string `json:"url"`
	Clients int    `json:"clients"`
	// Battles completed: both sides' done events arrived, with all the text
	// when the fake model runs in this process.
	Battles int `json:"battles"`
	Errors  int `json:"errors"`
	// ErrorKinds counts failed battles by class and FirstErrors keeps the
	// first detail of each.
	ErrorKinds  map[string]int    `json:"error_kinds,omitempty"`
	FirstErrors map[string]string `json:"first_errors,omitempty"`
	// Seconds is the level's wall time: new battles start for -duration,
	// then the ones under way are read to their end.
	Seconds       float64 `json:"seconds"`
	BattlesPerSec float64 `json:"battles_per_sec"`
	// PeakOpen is the most battles this client had under way at once.
	PeakOpen int `json:"peak_open"`
	// Latencies of completed battles, all from the moment the battle's
	// POST /api/v1/battles was sent: its answer (start), the first delta
	// event of the stream (first delta), the last done event (total).
	StartP50MS float64 `json:"start_p50_ms"`
	StartP99MS float64 `json:"start_p99_ms"`
	TTFDP50MS  float64 `json:"ttfd_p50_ms"`
	TTFDP99MS  float64 `json:"ttfd_p99_ms"`
	TTFDMaxMS  float64 `json:"ttfd_max_ms"`
	TotalP50MS float64 `json:"total_p50_ms"`
	TotalP99MS float64 `json:"total_p99_ms"`
	TotalMaxMS float64 `json:"total_max_ms"`
	// Tokens per answer and the delay before each, when the fake model runs
	// in this process; IdealMS is tokens × delay, the generation time.
	Tokens  int     `json:"tokens,omitempty"`
	DelayMS float64 `json:"delay_ms,omitempty"`
	IdealMS float64 `json:"ideal_ms,omitempty"`
	// Streams the fake model served: the most open at once, how many were
	// still open a few seconds after the level's last battle ended (a leak
	// if not 0), and how many the arena abandoned before their end.
	UpstreamPeak      int `json:"upstream_peak,omitempty"`
	UpstreamLeft      int `json:"upstream_left"`
	UpstreamAbandoned int `json:"upstream_abandoned"`
	// UpstreamStreams and UpstreamConns are the streams the fake model
	// served during the level and the TCP connections it accepted for them:
	// equal counts mean the arena opened a new connection per answer.
	UpstreamStreams int `json:"upstream_streams,omitempty"`
	UpstreamConns   int `json:"upstream_conns,omitempty"`
	// The server process (-server-pid), sampled every 200 ms: resident
	// memory (VmRSS), OS threads and open file descriptors, at the start of
	// the level, at their peak, and after the level.
	RSSStartMB   float64 `json:"rss_start_mb,omitempty"`
	RSSPeakMB    float64 `json:"rss_peak_mb,omitempty"`
	RSSEndMB     float64 `json:"rss_end_mb,omitempty"`
	ThreadsPeak  int     `json:"threads_peak,omitempty"`
	FDsStart     int     `json:"fds_start,omitempty"`
	FDsPeak      int     `json:"fds_peak,omitempty"`
	FDsEnd       int     `json:"fds_end,omitempty"`
	ServerCPUPct float64 `json:"server_cpu_pct,omitempty"`
	// CPU time (user + system) per completed battle of the server, of the
	// PostgreSQL backends of -pg-db, and of this process (the client and,
	// with -fake-llm, the fake model), and the server's per streamed token
	// (both sides counted).
	ServerCPUMSPerBattle float64   `json:"server_cpu_ms_per_battle,omitempty"`
	ServerCPUUSPerToken  float64   `json:"server_cpu_us_per_token,omitempty"`
	PGCPUMSPerBattle     float64   `json:"pg_cpu_ms_per_battle,omitempty"`
	SelfCPUMSPerBattle   float64   `json:"self_cpu_ms_per_battle,omitempty"`
	Load1Before          float64   `json:"load1_before"`
	Load1After           float64   `json:"load1_after"`
	At                   time.Time `json:"at"`
	Round                int       `json:"round,omitempty"`
	Note                 string    `json:"note,omitempty"`
}

// liveOutcome is one battle's timings, or the class of its failure.
type liveOutcome struct {
	start, ttfd, total time.Duration
	kind, detail       string
}

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
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, l.endpoint("/api/v1/battles"), bytes.NewReader(livePrompt))
	if err != nil {
		return liveOutcome{kind: "request", detail: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := l.client.Do(req)
	if err != nil {
		return liveOutcome{kind: "start transport", detail: err.Error()}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	o.start = time.Since(t0)
	if err != nil {
		return liveOutcome{kind: "start transport", detail: err.Error()}
	}
	var started struct {
		Mode   string `json:"mode"`
		Stream string `json:"stream"`
	}
	if resp.StatusCode != http.StatusCreated {
		return liveOutcome{kind: fmt.Sprintf("start HTTP %d", resp.StatusCode), detail: snippet(body)}
	}
	if json.Unmarshal(body, &started) != nil || started.Mode != "live" || !strings.HasPrefix(started.Stream, "/api/v1/battles/") {
		return liveOutcome{kind: "start answer", detail: snippet(body)}
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodGet, l.endpoint(started.Stream), nil)
	if err != nil {
		return liveOutcome{kind: "request", detail: err.Error()}
	}
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = l.client.Do(req)
	if err != nil {
		return liveOutcome{kind: "stream transport", detail: err.Error()}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		return liveOutcome{kind: fmt.Sprintf("stream HTTP %d", resp.StatusCode), detail: snippet(body)}
	}
	var (
		kind string
		done int
		got  [2]int
	)
	br := bufio.NewReaderSize(resp.Body, 16<<10)
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

// liveLevel keeps clients live battles under way, each client starting the
// next as soon as its last ended (closed loop), for dur; the clients' first
// battles are spread evenly over ramp so they do not all start together.
// Then it waits for the battles under way to end.
func (l *loader) liveLevel(ctx context.Context, opt options, clients int, fake *fakeLLM) LiveResult {
	want := ""
	if fake != nil {
		want = fake.answer
		fake.resetPeak()
	}
	mon := startProcMonitor(opt.watch.serverPID)
	var gone0, served0, conns0 int64
	if fake != nil {
		gone0, served0, conns0 = fake.gone.Load(), fake.served.Load(), fake.conns.Load()
	}
	before, cpu0 := load1(), opt.watch.snapshot()
	var (
		mu       sync.Mutex
		outs     []liveOutcome
		open     atomic.Int64
		peakOpen atomic.Int64
		done     atomic.Int64
	)
	l.prog.start(fmt.Sprintf("live battles, %d clients", clients), 0, &done)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			delay := time.Duration(0)
			if clients > 1 {
				delay = opt.ramp * time.Duration(w) / time.Duration(clients)
			}
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return
			}
			var mine []liveOutcome
			for time.Since(start) < opt.liveDur && ctx.Err() == nil {
				n := open.Add(1)
				for p := peakOpen.Load(); n > p && !peakOpen.CompareAndSwap(p, n); p = peakOpen.Load() {
				}
				o := l.liveBattle(ctx, opt.reqTime, want)
				open.Add(-1)
				done.Add(1)
				mine = append(mine, o)
			}
			mu.Lock()
			outs = append(outs, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	wall := time.Since(start)
	l.prog.stop()
	after, cpu1 := load1(), opt.watch.snapshot()
	r := LiveResult{Clients: clients, Seconds: wall.Seconds(), PeakOpen: int(peakOpen.Load()), Load1Before: before, Load1After: after, At: time.Now().UTC()}
	var starts, ttfds, totals []time.Duration
	for _, o := range outs {
		if o.kind != "" {
			r.Errors++
			if r.ErrorKinds == nil {
				r.ErrorKinds, r.FirstErrors = map[string]int{}, map[string]string{}
			}
			if r.ErrorKinds[o.kind]++; r.FirstErrors[o.kind] == "" {
				r.FirstErrors[o.kind] = o.detail
			}
			continue
		}
		r.Battles++
		starts, ttfds, totals = append(starts, o.start), append(ttfds, o.ttfd), append(totals, o.total)
	}
	r.BattlesPerSec = float64(r.Battles) / wall.Seconds()
	for _, xs := range [][]time.Duration{starts, ttfds, totals} {
		slices.Sort(xs)
	}
	if r.Battles > 0 {
		r.StartP50MS, r.StartP99MS = ms(quantile(starts, 0.5)), ms(quantile(starts, 0.99))
		r.TTFDP50MS, r.TTFDP99MS, r.TTFDMaxMS = ms(quantile(ttfds, 0.5)), ms(quantile(ttfds, 0.99)), ms(ttfds[len(ttfds)-1])
		r.TotalP50MS, r.TotalP99MS, r.TotalMaxMS = ms(quantile(totals, 0.5)), ms(quantile(totals, 0.99)), ms(totals[len(totals)-1])
	}
	if fake != nil {
		r.Tokens, r.DelayMS = fake.tokens, ms(fake.delay)
		r.IdealMS = ms(time.Duration(fake.tokens) * fake.delay)
		r.UpstreamPeak = int(fake.peak.Load())
		r.UpstreamLeft = fake.waitIdle(ctx, 5*time.Second)
		r.UpstreamAbandoned = int(fake.gone.Load() - gone0)
		r.UpstreamStreams, r.UpstreamConns = int(fake.served.Load()-served0), int(fake.conns.Load()-conns0)
	}
	time.Sleep(300 * time.Millisecond) // let the monitor see the server after the level
	st := mon.stop()
	r.RSSStartMB, r.RSSPeakMB, r.RSSEndMB = st.first.rssMB, st.peak.rssMB, st.last.rssMB
	r.ThreadsPeak = st.peak.threads
	r.FDsStart, r.FDsPeak, r.FDsEnd = st.first.fds, st.peak.fds, st.last.fds
	if n := r.Battles + r.Errors; n > 0 {
		server, backends, self := cpuUsed(cpu0, cpu1)
		per := func(d time.Duration) float64 { return ms(d) / float64(n) }
		r.SelfCPUMSPerBattle = per(self)
		if opt.watch.serverPID > 0 {
			r.ServerCPUMSPerBattle = per(server)
			r.ServerCPUPct = 100 * server.Seconds() / wall.Seconds()
			if r.Tokens > 0 {
				r.ServerCPUUSPerToken = float64(server.Microseconds()) / float64(n*2*r.Tokens)
			}
		}
		if opt.watch.pgDB != "" {
			r.PGCPUMSPerBattle = per(backends)
		}
	}
	return r
}

// runLive measures each level of -clients in turn, stopping before the next
// level once one failed more than -stop-errors of its battles or its p99
// time to first delta passed -stop-ttfd.
func runLive(ctx context.Context, opt options, l *loader, fake *fakeLLM, stdout io.Writer) error {
	if !opt.jsonOut {
		printLiveHeader(stdout)
	}
	for _, c := range opt.clients {
		r := l.liveLevel(ctx, opt, c, fake)
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("live, %d clients: stopped before the level ended: %w", c, err)
		}
		r.Mode, r.URL, r.Round, r.Note = opt.mode, l.base.String(), opt.round, opt.note
		if opt.jsonOut {
			b, _ := json.Marshal(r)
			fmt.Fprintf(stdout, "%s\n", b)
		} else {
			printLiveRow(stdout, r)
		}
		if opt.out != "" {
			if err := appendJSON(opt.out, r); err != nil {
				return err
			}
		}
		all := r.Battles + r.Errors
		if all == 0 || float64(r.Errors)/float64(all) > opt.stopErrors || (opt.stopTTFD > 0 && time.Duration(r.TTFDP99MS*float64(time.Millisecond)) > opt.stopTTFD) {
			fmt.Fprintf(stdout, "stopping: at %d clients %d of %d battles failed and the p99 time to first delta was %.0f ms\n", c, r.Errors, all, r.TTFDP99MS)
			break
		}
	}
	return nil
}

// appendJSON adds v as one JSON line to path.
func appendJSON(path string, v any) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(v)
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func printLiveHeader(w io.Writer) {
	fmt.Fprintln(w, "| clients | battles | errors | battles/s | start p50 / p99 | first delta p50 / p99 / max | total p50 / p99 / max | ideal | server RSS start → peak → end | threads peak | fds start → peak → end | server CPU | server CPU/battle | server CPU/token | load avg |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
}

func printLiveRow(w io.Writer, r LiveResult) {
	fmt.Fprintf(w, "| %d | %d | %d | %.1f | %.0f / %.0f ms | %.0f / %.0f / %.0f ms | %.2f / %.2f / %.2f s | %.2f s | %.0f → %.0f → %.0f MB | %d | %d → %d → %d | %.0f %% | %.2f ms | %.1f µs | %.2f → %.2f |\n",
		r.Clients, r.Battles, r.Errors, r.BattlesPerSec,
		r.StartP50MS, r.StartP99MS, r.TTFDP50MS, r.TTFDP99MS, r.TTFDMaxMS,
		r.TotalP50MS/1000, r.TotalP99MS/1000, r.TotalMaxMS/1000, r.IdealMS/1000,
		r.RSSStartMB, r.RSSPeakMB, r.RSSEndMB, r.ThreadsPeak, r.FDsStart, r.FDsPeak, r.FDsEnd,
		r.ServerCPUPct, r.ServerCPUMSPerBattle, r.ServerCPUUSPerToken, r.Load1Before, r.Load1After)
	kinds := make([]string, 0, len(r.ErrorKinds))
	for k := range r.ErrorKinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "  - %d clients: %d × %s, first: %s\n", r.Clients, r.ErrorKinds[k], k, r.FirstErrors[k])
	}
	if r.UpstreamStreams > 0 {
		fmt.Fprintf(w, "  - %d clients: model streams %d over %d new connections, at most %d open at once; still open after the level: %d; abandoned mid-answer: %d\n",
			r.Clients, r.UpstreamStreams, r.UpstreamConns, r.UpstreamPeak, r.UpstreamLeft, r.UpstreamAbandoned)
	}
}

// readLiveResults reads the JSON lines written by -out in -mode live.
func readLiveResults(r io.Reader) ([]LiveResult, error) {
	var out []LiveResult
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var res LiveResult
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// procSample is what /proc says about a process at one moment.
type procSample struct {
	rssMB   float64
	threads int
	fds     int
}

// readProc reads VmRSS and Threads from /proc/PID/status and counts the
// entries of /proc/PID/fd.
func readProc(pid int) (procSample, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return procSample{}, false
	}
	var s procSample
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		switch k {
		case "VmRSS":
			kb, _ := strconv.ParseFloat(f[0], 64)
			s.rssMB = kb / 1024
		case "Threads":
			s.threads, _ = strconv.Atoi(f[0])
		}
	}
	if ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/fd"); err == nil {
		s.fds = len(ents)
	}
	return s, true
}

// procStats are the first, last and largest samples of a level.
type procStats struct{ first, last, peak procSample }

// procMonitor samples the server process every 200 ms until stopped.
type procMonitor struct {
	quit chan struct{}
	done chan procStats
}

func startProcMonitor(pid int) *procMonitor {
	m := &procMonitor{quit: make(chan struct{}), done: make(chan procStats, 1)}
	go func() {
		var st procStats
		seen := false
		sample := func() {
			if pid <= 0 {
				return
			}
			s, ok := readProc(pid)
			if !ok {
				return
			}
			if !seen {
				st.first, seen = s, true
			}
			st.last = s
			st.peak.rssMB = max(st.peak.rssMB, s.rssMB)
			st.peak.threads = max(st.peak.threads, s.threads)
			st.peak.fds = max(st.peak.fds, s.fds)
		}
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			sample()
			select {
			case <-m.quit:
				sample()
				m.done <- st
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *procMonitor) stop() procStats {
	close(m.quit)
	return <-m.done
}

// isLiveReport reports whether the first result in JSON lines is of -mode live.
func isLiveReport(data []byte) bool {
	for line := range bytes.SplitSeq(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r struct{ Mode Mode }
		return json.Unmarshal(line, &r) == nil && r.Mode == ModeLive
	}
	return false
}
