package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"openarena.dev/arena/models"
)

const importUsage = `usage:
  arena import outputs FILE.jsonl      pre-generated answers, one JSON object per line
  arena import contenders FILE.json    a JSON array of contenders (created or updated by slug)
  arena import battles FILE.json       a JSON array of voted battles in LMArena's battle schema

flags:
  -db URL   postgres:// URL or SQLite file (ARENA_DATABASE_URL, default data/arena.db)
`

// runImport loads a file into the database, all or nothing.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, importUsage) }
	sv := readSettings(getenv)
	if err := sv.bindFlag(fs, "ARENA_DATABASE_URL"); err != nil {
		return err
	}
	if err := sv.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() < 1 {
		fs.Usage()
		return errors.New("import needs a kind (outputs, contenders or battles) and a file")
	}
	kind := fs.Arg(0)
	if fs.NArg() != 2 {
		fs.Usage()
		return fmt.Errorf("import %s needs exactly one file", kind)
	}
	path, dsn := fs.Arg(1), sv.get("ARENA_DATABASE_URL")
	switch kind {
	case "outputs":
		return importOutputs(ctx, dsn, path, stdout, stderr)
	case "contenders":
		return importContenders(ctx, dsn, path, stdout, stderr)
	case "battles":
		return importBattles(ctx, dsn, path, stdout, stderr)
	}
	fs.Usage()
	return fmt.Errorf("unknown import kind %q (want outputs, contenders or battles)", kind)
}

func importOutputs(ctx context.Context, dsn, path string, stdout, stderr io.Writer) error {
	rows, err := readOutputsFile(path)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newProgress(stderr, len(rows), "importing answers")
	st, err := store.ImportBank(ctx, rowsOf(rows), bar.step)
	bar.finish()
	var re *models.RowError
	if errors.As(err, &re) {
		return fmt.Errorf("%s:%d: %s (nothing was imported)", path, rows[re.Row].line, re.Reason)
	}
	if err != nil {
		return fmt.Errorf("import %s: %w (nothing was imported)", path, err)
	}
	fmt.Fprintf(stdout, "%s: %d lines: %d new prompts, %d new answers, %d updated answers, %d new contenders, %d unchanged\n",
		path, len(rows), st.PromptsCreated, st.ResponsesCreated, st.ResponsesUpdated, st.ContendersCreated, st.Unchanged)
	return checkDemo(ctx, store, "cli: import outputs", stdout)
}

func importContenders(ctx context.Context, dsn, path string, stdout, stderr io.Writer) error {
	cs, err := readContendersFile(path)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, dsn)
	if err != nil {
		return err
	}
	defer store.Close()
	bar := newProgress(stderr, len(cs), "importing contenders")
	st, err := store.UpsertContenders(ctx, cs, bar.step)
	bar.finish()
	if err != nil {
		return fmt.Errorf("import %s: %w (nothing was imported)", path, err)
	}
	fmt.Fprintf(stdout, "%s: %d contenders: %d new, %d updated, %d unchanged\n", path, len(cs), st.Created, st.Updated, st.Unchanged)
	return checkDemo(ctx, store, "cli: import contenders", stdout)
}

// openFile opens an import file with an error a person understands.
func openFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such file", path)
	}
	return f, err
}
