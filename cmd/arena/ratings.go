package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/rating"
)

// ratingsFlags are the options of `arena ratings`.
type ratingsFlags struct {
	battles, counts, ci, anchorModel string
	cpuProfile, settings             string
	rounds, minVotes, workers        int
	reweightFloor                    int
	seed                             uint64
	anchorScore, level               float64
	style, verbose, reweight         bool
	// published holds the settings file's contents, with --settings.
	published *boards.Settings
}

// parseRatingsFlags reads the command line; errors are ready to show.
func parseRatingsFlags(args []string, stderr io.Writer) (*ratingsFlags, error) {
	f := &ratingsFlags{}
	fs := flag.NewFlagSet("ratings", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: arena ratings --battles FILE.csv [flags]\n\nRates battles and prints the leaderboard as JSON.\n\nflags:")
		fs.PrintDefaults()
	}
	fs.StringVar(&f.battles, "battles", "", "battles CSV (model_a,model_b,winner and optionally the 8 style columns), or the JSON release of `arena export battles`")
	fs.StringVar(&f.settings, "settings", "", "the board's settings JSON (/api/v1/leaderboard/settings): recompute that board and print its inputs digest; overrides the rating flags")
	fs.BoolVar(&f.reweight, "reweight-pairs", false, "weight every pair of models about equally (arena-rank's reweighted=True)")
	fs.IntVar(&f.reweightFloor, "reweight-floor", rating.DefaultMinPairCount, "with --reweight-pairs, the pair-count floor")
	fs.StringVar(&f.counts, "bootstrap-counts", "", "CSV of given per-round bootstrap counts (model_a,model_b,outcome,count,round_…) to use instead of random draws")
	fs.IntVar(&f.rounds, "rounds", 100, "bootstrap rounds")
	fs.Uint64Var(&f.seed, "seed", 0, "bootstrap seed; the same seed gives the same intervals on any number of cores")
	fs.BoolVar(&f.style, "style-control", false, "add the style-controlled ratings (needs the style columns)")
	fs.StringVar(&f.ci, "ci", string(rating.CIBootstrap), "interval method: bootstrap or sandwich")
	fs.IntVar(&f.minVotes, "min-votes", rating.DefaultMinVotes, "models with fewer battles are marked preliminary")
	fs.StringVar(&f.anchorModel, "anchor-model", "", "shift ratings so this model has --anchor-score (default: ratings average 1000)")
	fs.Float64Var(&f.anchorScore, "anchor-score", 1000, "the anchor model's rating")
	fs.IntVar(&f.workers, "workers", 0, "bootstrap rounds run at once (default: all cores)")
	fs.BoolVar(&f.verbose, "v", false, "report timings on stderr")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof)")
	if err := parseAnywhere(fs, args); err != nil {
		return nil, err
	}
	if f.settings != "" {
		st, err := readSettingsFile(f.settings)
		if err != nil {
			return nil, err
		}
		f.apply(st)
	}
	switch {
	case fs.NArg() > 0:
		return nil, fmt.Errorf("ratings: unexpected argument %q", fs.Arg(0))
	case f.battles == "":
		fs.Usage()
		return nil, errors.New("ratings: --battles is required")
	case f.ci != string(rating.CIBootstrap) && f.ci != string(rating.CISandwich):
		return nil, fmt.Errorf("ratings: --ci %q: want bootstrap or sandwich", f.ci)
	case f.rounds < 0:
		return nil, fmt.Errorf("ratings: --rounds %d: want 0 or more", f.rounds)
	case f.counts != "" && f.ci == string(rating.CISandwich):
		return nil, errors.New("ratings: --bootstrap-counts needs --ci bootstrap")
	}
	return f, nil
}

// runRatings implements `arena ratings`.
func runRatings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseRatingsFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	if f.cpuProfile != "" {
		stop, err := startCPUProfile(f.cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	start := time.Now()
	set, err := f.readSet()
	if err != nil {
		return err
	}
	if f.style && set.Style == nil {
		return fmt.Errorf("%s: --style-control needs the style columns (sum_assistant_a_tokens, …)", f.battles)
	}
	opt, err := f.options(set)
	if err != nil {
		return err
	}
	read := time.Since(start)
	bar := newProgress(stderr, totalFits(f), "bootstrap")
	opt.Bootstrap.Progress = func(int, int) { bar.step() }
	board, err := rating.ComputeBoard(ctx, set.Models, set.Outcomes, set.Style, opt)
	bar.finish()
	if err != nil {
		return err
	}
	if f.verbose {
		fmt.Fprintf(stderr, "read %d battles in %v; rated in %v; process CPU %v\n", len(set.Outcomes),
			read.Round(time.Millisecond), (time.Since(start) - read).Round(time.Millisecond), cpuTime().Round(time.Millisecond))
	}
	out := boardJSON(board)
	if f.published != nil {
		out.InputsDigest = boards.InputsDigest(set.Models, set.Outcomes, set.Style, *f.published)
		if v := f.published.EngineVersion; v != rating.EngineVersion {
			fmt.Fprintf(stderr, "ratings: the board was computed by engine %q, this is %q: numbers may differ for that reason\n", v, rating.EngineVersion)
		}
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// apply takes the rating settings of a published board in place of the
// flags.
func (f *ratingsFlags) apply(st *boards.Settings) {
	f.published = st
	f.ci, f.level, f.rounds, f.seed, f.minVotes = st.CI, st.Level, st.Rounds, st.Seed, st.MinVotes
	f.style, f.reweight, f.reweightFloor = st.Style, st.Reweighting, st.ReweightFloor
	if st.Anchor != nil {
		f.anchorModel, f.anchorScore = st.Anchor.Model, st.Anchor.Score
	}
}

// readSet reads the battles file, CSV or JSON release. Recomputing a
// published board numbers the models in slug order, as the server does.
func (f *ratingsFlags) readSet() (*rating.BattleSet, error) {
	release, err := isReleaseFile(f.battles)
	if err != nil {
		return nil, err
	}
	var set *rating.BattleSet
	if release {
		set, err = readReleaseFile(f.battles)
	} else {
		set, err = readBattlesFile(f.battles, f.style || f.published != nil && f.published.Style)
	}
	if err != nil {
		return nil, err
	}
	if f.published != nil {
		set.SortModels()
	}
	return set, nil
}

// startCPUProfile starts writing a CPU profile to path; stop ends it.
func startCPUProfile(path string) (stop func(), err error) {
	fh, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(fh); err != nil {
		fh.Close()
		return nil, fmt.Errorf("ratings: --cpuprofile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		fh.Close()
	}, nil
}

// cpuTime is the user plus system CPU this process has used, which on a
// shared machine says more about the work done than wall time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// totalFits is the number of bootstrap rounds the progress bar counts.
func totalFits(f *ratingsFlags) int {
	if f.ci == string(rating.CISandwich) {
		return 0
	}
	if f.style {
		return 2 * f.rounds
	}
	return f.rounds
}

// options turns the flags into rating options for these battles.
func (f *ratingsFlags) options(set *rating.BattleSet) (rating.Options, error) {
	opt := rating.DefaultOptions()
	opt.StyleControl = f.style
	opt.CI = rating.CIMethod(f.ci)
	opt.MinVotes = f.minVotes
	opt.Bootstrap = rating.BootstrapOptions{Rounds: f.rounds, Seed: f.seed, Workers: f.workers}
	opt.Reweight, opt.MinPairCount = f.reweight, f.reweightFloor
	if f.level > 0 {
		opt.Level = f.level
	}
	if f.anchorModel != "" {
		i := indexOf(set.Models, f.anchorModel)
		if i < 0 {
			return opt, fmt.Errorf("ratings: --anchor-model %q has no battles in %s", f.anchorModel, f.battles)
		}
		opt.BT.Anchor = &rating.Anchor{Model: i, Score: f.anchorScore}
	}
	if f.counts != "" {
		cells, counts, err := readCountsFile(f.counts, set.Models)
		if err != nil {
			return opt, err
		}
		opt.GivenCells, opt.GivenCounts = cells, counts
	}
	return opt, nil
}

// indexOf is the position of s in list, or -1.
func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// readBattlesFile reads a battles CSV, naming the file in errors; the
// style columns are read only when wanted.
func readBattlesFile(path string, withStyle bool) (*rating.BattleSet, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	read := rating.ReadOutcomes
	if withStyle {
		read = rating.ReadBattles
	}
	set, err := read(fh)
	if err != nil {
		return nil, fmt.Errorf("%s:%w", path, err)
	}
	return set, nil
}

// readCountsFile reads given bootstrap counts, naming the file in errors.
func readCountsFile(path string, models []string) ([]rating.Cell, [][]int, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer fh.Close()
	cells, counts, err := rating.ReadBootstrapCounts(fh, models)
	if err != nil {
		return nil, nil, fmt.Errorf("%s:%w", path, err)
	}
	return cells, counts, nil
}

// ratingsOutput is the JSON `arena ratings` prints.
type ratingsOutput struct {
	Battles int `json:"battles"`
	// InputsDigest is the published board's digest recomputed from the
	// battles file (with --settings): equal digests mean equal inputs.
	InputsDigest      string             `json:"inputs_digest,omitempty"`
	Models            []modelOutput      `json:"models"`
	StyleCoefficients *styleCoefficients `json:"style_coefficients,omitempty"`
}

// modelOutput is one leaderboard line.
type modelOutput struct {
	Model       string       `json:"model"`
	OnlineElo   float64      `json:"online_elo"`
	Score       float64      `json:"score"`
	CILower     float64      `json:"ci_lower"`
	CIUpper     float64      `json:"ci_upper"`
	RankUB      int          `json:"rank_ub"`
	RankBest    int          `json:"rank_best"`
	RankWorst   int          `json:"rank_worst"`
	Battles     int          `json:"battles"`
	Preliminary bool         `json:"preliminary"`
	Style       *styleOutput `json:"style,omitempty"`
}

// styleOutput is a model's style-controlled view.
type styleOutput struct {
	Score   float64 `json:"score"`
	CILower float64 `json:"ci_lower"`
	CIUpper float64 `json:"ci_upper"`
	RankUB  int     `json:"rank_ub"`
}

// styleCoefficients are the fitted style effects in logit units per
// standard deviation of each feature.
type styleCoefficients struct {
	Length float64 `json:"length"`
	Header float64 `json:"header"`
	List   float64 `json:"list"`
	Bold   float64 `json:"bold"`
}

// boardJSON maps a computed board to the output format.
func boardJSON(b *rating.Board) ratingsOutput {
	out := ratingsOutput{Battles: b.Battles, Models: make([]modelOutput, 0, len(b.Models))}
	for _, m := range b.Models {
		mo := modelOutput{
			Model: m.Model, OnlineElo: m.OnlineElo, Score: m.Score, CILower: m.CI.Lower, CIUpper: m.CI.Upper,
			RankUB: m.RankUB, RankBest: m.RankBest, RankWorst: m.RankWorst, Battles: m.Battles, Preliminary: m.Preliminary,
		}
		if s := m.Style; s != nil {
			mo.Style = &styleOutput{Score: s.Score, CILower: s.CI.Lower, CIUpper: s.CI.Upper, RankUB: s.RankUB}
		}
		out.Models = append(out.Models, mo)
	}
	if s := b.Style; s != nil {
		c := s.Coefficients
		out.StyleCoefficients = &styleCoefficients{Length: c[0], Header: c[1], List: c[2], Bold: c[3]}
	}
	return out
}
