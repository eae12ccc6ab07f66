package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"openarena.dev/arena/rating"
)

// runSimulate implements `arena simulate`: synthetic battles drawn from
// known strengths, with style columns, for benchmarks and demos.
func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: arena simulate --models M --battles N --seed S --out FILE.csv\n"+
			"       arena simulate --compare-policies [--models 30 --battles 100000 --seeds 20]\n"+
			"       arena simulate --rigging [--budgets 100,300,1000 --votes-per-rigger 50 --seeds 5]\n\n"+
			"Writes synthetic battles drawn from known strengths, or compares pair-sampling\n"+
			"policies by the votes each needs to recover the true top models.\n\nflags:")
		fs.PrintDefaults()
	}
	cfg := rating.SimConfig{StyleEffect: rating.DefaultStyleEffect}
	fs.IntVar(&cfg.Models, "models", 100, "number of models")
	fs.IntVar(&cfg.Battles, "battles", 1000000, "number of battles")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random seed; the same seed writes the same file")
	fs.Float64Var(&cfg.TieRate, "tie-rate", 0.2, "share of battles that end in a tie")
	noStyle := fs.Bool("no-style-effect", false, "style columns do not sway the votes")
	out := fs.String("out", "", "output CSV file, - for standard output")
	truth := fs.String("truth", "", "also write the true ratings as JSON to this file")
	policies := addPolicyFlags(fs)
	rigging := addRiggingFlags(fs)
	if err := parseAnywhere(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	switch {
	case fs.NArg() > 0:
		return fmt.Errorf("simulate: unexpected argument %q", fs.Arg(0))
	case rigging.rigging:
		return runRigging(ctx, fs, cfg, rigging, policies.seeds, stdout)
	case policies.compare:
		if cfg.TieRate < 0 || cfg.TieRate > 1 {
			return fmt.Errorf("simulate: --tie-rate %v: want a share between 0 and 1", cfg.TieRate)
		}
		if cfg.Models < 2 {
			return fmt.Errorf("simulate: --models %d: want at least 2", cfg.Models)
		}
		return runComparePolicies(ctx, fs, cfg, policies, stdout, stderr)
	case *out == "":
		fs.Usage()
		return errors.New("simulate: --out is required")
	case cfg.Models < 2:
		return fmt.Errorf("simulate: --models %d: want at least 2", cfg.Models)
	case cfg.Battles < 0:
		return fmt.Errorf("simulate: --battles %d: want 0 or more", cfg.Battles)
	case cfg.TieRate < 0 || cfg.TieRate > 1:
		return fmt.Errorf("simulate: --tie-rate %v: want a share between 0 and 1", cfg.TieRate)
	}
	if *noStyle {
		cfg.StyleEffect = [rating.NumStyleFeatures]float64{}
	}
	set, tr := rating.Simulate(cfg)
	if err := writeOutput(*out, stdout, func(w io.Writer) error { return rating.WriteBattles(w, set) }); err != nil {
		return err
	}
	if *truth != "" {
		return writeTruth(*truth, set.Models, tr)
	}
	return nil
}

// writeOutput writes to path, or to stdout for "-", through a buffer.
func writeOutput(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "-" {
		bw := bufio.NewWriter(stdout)
		if err := write(bw); err != nil {
			return err
		}
		return bw.Flush()
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := write(bw); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// writeTruth records the strengths the battles were drawn from.
func writeTruth(path string, models []string, tr *rating.SimTruth) error {
	ratings := make(map[string]float64, len(models))
	for i, m := range models {
		ratings[m] = tr.Ratings[i]
	}
	return writeOutput(path, nil, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"ratings": ratings})
	})
}
