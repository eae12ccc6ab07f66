package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
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
