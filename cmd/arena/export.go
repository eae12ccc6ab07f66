package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/release"
)

const exportUsage = `usage:
  arena export battles --out FILE.json   the public battle release (LMArena's battle schema)
  arena export battles --out -           the same on standard output

The release holds counted votes on approved prompts only, and leaves out any
battle whose prompt or answers hold personal data. Voters appear as keyed
pseudonyms (ARENA_SECRET, or the secret the server keeps in the database).

Bank battles whose prompt the bank still serves are left out unless
--include-served-bank is given: the bank shows those stored answers again, so
anyone holding the release could look an answer up and know both models
before voting. Retire (reject) a bank prompt before releasing its battles.

Side-by-side battles, whose voter chose and saw both models, are left out
unless --include-named is given; they are then released with "anony": false
(blind battles carry "anony": true), screened for personal data like every
other battle.

flags:
  -out FILE  where to write; - for standard output
  -include-served-bank
             keep bank battles whose prompt is still served (see above)
  -include-named
             release side-by-side battles too, as "anony": false
  -db URL    postgres:// URL or SQLite file (ARENA_DATABASE_URL, default data/arena.db)
`

// runExport writes a data release.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, exportUsage) }
	sv := readSettings(getenv)
	if err := sv.bindFlag(fs, "ARENA_DATABASE_URL"); err != nil {
		return err
	}
	out := fs.String("out", "", "output file, - for standard output")
	includeServed := fs.Bool("include-served-bank", false, "keep bank battles whose prompt is still served")
	includeNamed := fs.Bool("include-named", false, `release side-by-side battles too, as "anony": false`)
	if err := sv.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 || fs.Arg(0) != "battles" {
		fs.Usage()
		return errors.New("export needs a kind: arena export battles --out FILE.json")
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return fmt.Errorf("unexpected argument %q", fs.Arg(1))
	}
	if *out == "" {
		fs.Usage()
		return errors.New("export battles needs --out FILE.json (or --out - for standard output)")
	}
	store, err := openStore(ctx, sv.get("ARENA_DATABASE_URL"))
	if err != nil {
		return err
	}
	defer store.Close()
	key, err := serverSecret(ctx, store, sv.get("ARENA_SECRET"))
	if err != nil {
		return err
	}
	total, _, err := store.CountVotes(ctx)
	if err != nil {
		return err
	}
	bar := newProgress(stderr, int(total), "exporting battles")
	opt := release.ExportOptions{JudgeKey: key, Progress: bar.step, IncludeServedBank: *includeServed, IncludeNamed: *includeNamed}
	a := arena.New(store, arena.Options{})
	report := stdout
	var st release.ExportStats
	if *out == "-" {
		// Standard output cannot be taken back: on failure the consumer
		// sees a truncated array and a failing exit status.
		report = stderr
		st, err = a.Release().Export(ctx, stdout, opt)
	} else {
		st, err = exportToFile(ctx, a, *out, opt)
	}
	bar.finish()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintln(report, describeExport(*out, st))
	return nil
}

// exportToFile writes the release to a temporary file beside path and
// renames it into place only once everything was written and screened, so
// a failed export leaves no file (and never a partial one) at path.
func exportToFile(ctx context.Context, a *arena.Arena, path string, opt release.ExportOptions) (release.ExportStats, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return release.ExportStats{}, err
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	st, err := a.Release().Export(ctx, f, opt)
	if err != nil {
		return st, err
	}
	if err := f.Sync(); err != nil {
		return st, err
	}
	if err := f.Close(); err != nil {
		return st, err
	}
	done = true
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return st, err
	}
	return st, nil
}

// describeExport says what a release holds and what it left out, reasons
// sorted by count so the largest comes first.
func describeExport(path string, st release.ExportStats) string {
	where := path
	if path == "-" {
		where = "standard output"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "exported %d battles to %s", st.Exported, where)
	if n := st.LeftOutTotal(); n > 0 {
		fmt.Fprintf(&b, "; left out %d votes:", n)
		for _, r := range sortedReasons(st.LeftOut) {
			fmt.Fprintf(&b, "\n  %6d  %s", st.LeftOut[r], r)
		}
	}
	if st.Void > 0 || st.Unvoted > 0 {
		fmt.Fprintf(&b, "\nnot in any release: %d void battles, %d battles without a vote", st.Void, st.Unvoted)
	}
	return b.String()
}

// sortedReasons orders left-out reasons by count, then name.
func sortedReasons(m map[string]int) []string {
	rs := make([]string, 0, len(m))
	for r := range m {
		rs = append(rs, r)
	}
	sort.Slice(rs, func(i, j int) bool {
		if m[rs[i]] != m[rs[j]] {
			return m[rs[i]] > m[rs[j]]
		}
		return rs[i] < rs[j]
	})
	return rs
}
