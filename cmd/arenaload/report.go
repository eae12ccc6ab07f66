package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Result is the measurement of one concurrency level against one server.
// One JSON line per Result is what -out appends and -report reads.
type Result struct {
	Mode    Mode   `json:"mode"`
	URL     string `json:"url"`
	Clients int    `json:"clients"`
	// Votes is the number of votes answered 200 in the timed phase.
	Votes  int `json:"votes"`
	Errors int `json:"errors"`
	// ErrorKinds counts failures by class ("HTTP 409", "transport", …) and
	// FirstErrors keeps the first answer of each class.
	ErrorKinds  map[string]int    `json:"error_kinds,omitempty"`
	FirstErrors map[string]string `json:"first_errors,omitempty"`
	Seconds     float64           `json:"seconds"`
	VotesPerSec float64           `json:"votes_per_sec"`
	MeanMS      float64           `json:"mean_ms"`
	P50MS       float64           `json:"p50_ms"`
	P90MS       float64           `json:"p90_ms"`
	P99MS       float64           `json:"p99_ms"`
	MaxMS       float64           `json:"max_ms"`
	Warmup      int               `json:"warmup"`
	// SetupSeconds is the untimed creation of the battles.
	SetupSeconds float64   `json:"setup_seconds"`
	At           time.Time `json:"at"`
	// Round labels repeated measurements (-round); 0 when not given.
	Round int `json:"round,omitempty"`
	// Load1Before and Load1After are the machine's one-minute load average
	// around the timed phase (from /proc/loadavg; 0 where unavailable), to
	// show whether something else competed for the CPUs.
	Load1Before float64 `json:"load1_before"`
	Load1After  float64 `json:"load1_after"`
	// CPU time (user + system) per request of the timed phase, warm-up
	// excluded: of the server process (-server-pid), of the PostgreSQL
	// backends of its database (-pg-db), and of arenaload itself. On a
	// shared machine these say more about the work per vote than votes/s.
	ServerCPUMSPerVote float64 `json:"server_cpu_ms_per_vote,omitempty"`
	PGCPUMSPerVote     float64 `json:"pg_cpu_ms_per_vote,omitempty"`
	ClientCPUMSPerVote float64 `json:"client_cpu_ms_per_vote,omitempty"`
	// Note is the free text given with -note.
	Note string `json:"note,omitempty"`
}

// summarize turns the raw sample of a timed phase into a Result.
func summarize(s sample, wall time.Duration) Result {
	r := Result{Votes: len(s.lat), Seconds: wall.Seconds()}
	for k, n := range s.errors {
		r.Errors += n
		if r.ErrorKinds == nil {
			r.ErrorKinds, r.FirstErrors = map[string]int{}, map[string]string{}
		}
		r.ErrorKinds[k], r.FirstErrors[k] = n, s.first[k]
	}
	if wall > 0 {
		r.VotesPerSec = float64(r.Votes) / wall.Seconds()
	}
	if len(s.lat) == 0 {
		return r
	}
	lat := slices.Clone(s.lat)
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	r.MeanMS = ms(sum / time.Duration(len(lat)))
	r.P50MS, r.P90MS, r.P99MS = ms(quantile(lat, 0.50)), ms(quantile(lat, 0.90)), ms(quantile(lat, 0.99))
	r.MaxMS = ms(lat[len(lat)-1])
	return r
}

// quantile is the nearest-rank q-quantile of sorted durations.
func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	k := int(q*float64(len(sorted))+0.999999999) - 1
	return sorted[max(0, min(k, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// printHeader and printRow write the human table of single runs.
func printHeader(w io.Writer) {
	fmt.Fprintf(w, "%-8s %7s %7s %9s %8s %8s %8s %8s %7s\n", "mode", "clients", "votes", "votes/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors")
}

func printRow(w io.Writer, r Result) {
	fmt.Fprintf(w, "%-8s %7d %7d %9.0f %8.2f %8.2f %8.2f %8.2f %7d\n", r.Mode, r.Clients, r.Votes, r.VotesPerSec, r.P50MS, r.P90MS, r.P99MS, r.MaxMS, r.Errors)
	kinds := make([]string, 0, len(r.ErrorKinds))
	for k := range r.ErrorKinds {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(w, "         %d × %s, first: %s\n", r.ErrorKinds[k], k, r.FirstErrors[k])
	}
}

// appendResult adds r as one JSON line to path.
func appendResult(path string, r Result) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	b, _ := json.Marshal(r)
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// readResults reads the JSON lines written by -out.
func readResults(r io.Reader) ([]Result, error) {
	var out []Result
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var res Result
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, res)
	}
	return out, sc.Err()
}

// writeComparison prints a Markdown table with the arena and the baseline
// side by side for each concurrency level, in the order levels first appear.
// A level measured in several rounds shows the median of each column over
// the rounds; the ratio is of the median throughputs.
func writeComparison(w io.Writer, results []Result) {
	var levels []int
	byLevel := map[int]map[Mode][]Result{}
	for _, r := range results {
		if byLevel[r.Clients] == nil {
			byLevel[r.Clients] = map[Mode][]Result{}
			levels = append(levels, r.Clients)
		}
		byLevel[r.Clients][r.Mode] = append(byLevel[r.Clients][r.Mode], r)
	}
	fmt.Fprintln(w, "| clients | arena votes/s | arena p50 | arena p99 | baseline votes/s | baseline p50 | baseline p99 | ratio (baseline/arena votes/s) | rounds (arena / baseline) | errors (arena / baseline) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, c := range levels {
		a, b := byLevel[c][ModeArena], byLevel[c][ModeBaseline]
		cell := func(rs []Result, f string, get func(Result) float64) string {
			if len(rs) == 0 {
				return "–"
			}
			return fmt.Sprintf(f, median(rs, get))
		}
		tput := func(r Result) float64 { return r.VotesPerSec }
		p50 := func(r Result) float64 { return r.P50MS }
		p99 := func(r Result) float64 { return r.P99MS }
		ratio := "–"
		if len(a) > 0 && len(b) > 0 && median(a, tput) > 0 {
			ratio = fmt.Sprintf("%.2f×", median(b, tput)/median(a, tput))
		}
		errs := func(rs []Result) string {
			if len(rs) == 0 {
				return "–"
			}
			n, all := 0, 0
			for _, r := range rs {
				n += r.Errors
				all += r.Votes + r.Errors
			}
			return fmt.Sprintf("%d/%d", n, all)
		}
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s | %s | %s | %d / %d | %s / %s |\n", c,
			cell(a, "%.0f", tput), cell(a, "%.2f ms", p50), cell(a, "%.2f ms", p99),
			cell(b, "%.0f", tput), cell(b, "%.2f ms", p50), cell(b, "%.2f ms", p99),
			ratio, len(a), len(b), errs(a), errs(b))
	}
}

// writeCPU prints the median CPU time per vote of each side, by level.
func writeCPU(w io.Writer, results []Result) {
	var levels []int
	byLevel := map[int]map[Mode][]Result{}
	for _, r := range results {
		if byLevel[r.Clients] == nil {
			byLevel[r.Clients] = map[Mode][]Result{}
			levels = append(levels, r.Clients)
		}
		byLevel[r.Clients][r.Mode] = append(byLevel[r.Clients][r.Mode], r)
	}
	fmt.Fprintln(w, "| clients | arena server CPU/vote | arena PostgreSQL CPU/vote | baseline server CPU/vote | baseline PostgreSQL CPU/vote | arenaload CPU/vote (arena / baseline) |")
	fmt.Fprintln(w, "|---:|---:|---:|---:|---:|---:|")
	cell := func(rs []Result, get func(Result) float64) string {
		if len(rs) == 0 || median(rs, get) == 0 {
			return "–"
		}
		return fmt.Sprintf("%.3f ms", median(rs, get))
	}
	srv := func(r Result) float64 { return r.ServerCPUMSPerVote }
	pg := func(r Result) float64 { return r.PGCPUMSPerVote }
	cl := func(r Result) float64 { return r.ClientCPUMSPerVote }
	for _, c := range levels {
		a, b := byLevel[c][ModeArena], byLevel[c][ModeBaseline]
		fmt.Fprintf(w, "| %d | %s | %s | %s | %s | %s / %s |\n", c, cell(a, srv), cell(a, pg), cell(b, srv), cell(b, pg), cell(a, cl), cell(b, cl))
	}
}

// writeRuns prints every measurement as a Markdown table, in run order.
func writeRuns(w io.Writer, results []Result) {
	fmt.Fprintln(w, "| round | clients | server | votes | votes/s | p50 | p90 | p99 | max | errors | CPU/vote server + PostgreSQL | load avg before → after | note |")
	fmt.Fprintln(w, "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, r := range results {
		fmt.Fprintf(w, "| %d | %d | %s | %d | %.0f | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %d | %.3f + %.3f ms | %.2f → %.2f | %s |\n",
			r.Round, r.Clients, r.Mode, r.Votes, r.VotesPerSec, r.P50MS, r.P90MS, r.P99MS, r.MaxMS, r.Errors,
			r.ServerCPUMSPerVote, r.PGCPUMSPerVote, r.Load1Before, r.Load1After, strings.ReplaceAll(r.Note, "|", "/"))
	}
}

// median is the median of get over rs (the mean of the middle two when even).
func median(rs []Result, get func(Result) float64) float64 {
	xs := make([]float64, len(rs))
	for i, r := range rs {
		xs[i] = get(r)
	}
	slices.Sort(xs)
	n := len(xs)
	if n%2 == 1 {
		return xs[n/2]
	}
	return (xs[n/2-1] + xs[n/2]) / 2
}

// load1 is the one-minute load average, or 0 where it cannot be read.
func load1() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}
