package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
)

// seedOptions are the flags of `arenaload seed`.
type seedOptions struct {
	db      string
	models  int
	prompts int
	votes   int
	seed    uint64
}

// runSeed fills an empty PostgreSQL arena with a simulated history for the
// leaderboard benchmark: contenders with metadata, bank prompts of every
// category (categorised by the arena's own rules as they are stored), an
// answer from every contender to every prompt, and counted votes on bank
// battles whose outcomes are drawn from known Bradley–Terry strengths (a
// per-category offset on top, so the category boards differ). Answers,
// battles and votes go in with COPY. It is a benchmark fixture, labelled as
// such in every name; it refuses a database that already has votes.
//
//	arenaload seed -db postgres://postgres@127.0.0.1:5432/arena_lb -models 100 -votes 1000000
func runSeed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseSeedOptions(args, stderr)
	if err != nil {
		return err
	}
	s := &seeder{o: o, stdout: stdout, stderr: stderr, start: time.Now()}
	if s.store, err = openSeedStore(ctx, o.db); err != nil {
		return err
	}
	defer s.store.Close()
	s.rng = mrand.New(mrand.NewPCG(o.seed, o.seed^0x9e3779b97f4a7c15))
	if err := s.storeContenders(ctx); err != nil {
		return err
	}
	if err := s.storePrompts(ctx); err != nil {
		return err
	}
	s.progress("%d contenders, %d prompts (categories %v)", len(s.cs), o.prompts, s.cats)
	if s.conn, err = connectForCopy(ctx, o.db, stderr); err != nil {
		return err
	}
	defer s.conn.Close(context.Background())
	s.now = time.Now().UTC()
	if err := s.copyResponses(ctx); err != nil {
		return err
	}
	if err := s.loadResponseIDs(ctx); err != nil {
		return err
	}
	s.progress("%d answers", len(s.cs)*o.prompts)
	strength, offset := s.drawStrengths()
	if err := s.copyVotesIndexedAfter(ctx, strength, offset); err != nil {
		return err
	}
	if _, err := s.conn.Exec(ctx, "ANALYZE"); err != nil {
		return err
	}
	s.progress("done")
	return nil
}

// copyVotesIndexedAfter writes the votes with the secondary indexes of
// battles and votes dropped, then builds them again (even after a failed
// copy, so the database is never left without them).
func (s *seeder) copyVotesIndexedAfter(ctx context.Context, strength []float64, offset map[string][]float64) error {
	defs, err := s.dropSecondaryIndexes(ctx)
	if err == nil {
		err = s.copyVotes(ctx, strength, offset)
	}
	s.progress("%d votes written, building %d indexes", s.o.votes, len(defs))
	if rerr := s.restoreIndexes(context.WithoutCancel(ctx), defs); rerr != nil {
		return errors.Join(err, rerr)
	}
	s.progress("indexes built")
	return err
}

// parseSeedOptions reads and checks the flags of `arenaload seed`.
func parseSeedOptions(args []string, stderr io.Writer) (seedOptions, error) {
	fs := flag.NewFlagSet("arenaload seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o seedOptions
	fs.StringVar(&o.db, "db", "", "PostgreSQL URL of the arena database to fill (must hold no votes)")
	fs.IntVar(&o.models, "models", 100, "contenders")
	fs.IntVar(&o.prompts, "prompts", 400, "bank prompts (each answered by every contender)")
	fs.IntVar(&o.votes, "votes", 1_000_000, "counted votes, one bank battle each")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of strengths, pairs and outcomes")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	switch {
	case !strings.HasPrefix(o.db, "postgres://") && !strings.HasPrefix(o.db, "postgresql://"):
		return o, errors.New("seed: -db must be a postgres:// URL")
	case o.models < 2 || o.models > 1000:
		return o, errors.New("seed: -models must be between 2 and 1000")
	case o.prompts < 1 || o.prompts > 100_000:
		return o, errors.New("seed: -prompts must be between 1 and 100000")
	case o.votes < 0 || o.votes > 10_000_000:
		return o, errors.New("seed: -votes must be between 0 and 10000000")
	}
	return o, nil
}

// seeder is one run of `arenaload seed`: what the steps share, filled in as
// they go.
type seeder struct {
	o              seedOptions
	stdout, stderr io.Writer
	start          time.Time
	rng            *mrand.Rand
	store          *models.Store
	conn           *pgx.Conn // for COPY
	now            time.Time // the newest vote's time; answers are stamped with it

	cs         []models.Contender
	ids        map[string]uint // contender id by slug
	cats       map[string]int  // prompts per category
	promptIDs  []uint
	promptCats [][]string
	respID     map[[2]uint]uint // answer id by (prompt id, contender id)
}

// progress prints one line of progress with the time since the start.
func (s *seeder) progress(format string, args ...any) {
	fmt.Fprintf(s.stdout, "seed: "+format+" in %s\n", append(args, time.Since(s.start).Round(time.Millisecond))...)
}

// openSeedStore opens and migrates the arena database, refuses it if it
// already holds counted votes, and attaches the arena's categorizer so that
// prompts get their categories as they are stored.
func openSeedStore(ctx context.Context, dsn string) (*models.Store, error) {
	store, err := models.Open(dsn)
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(ctx, store); err != nil {
		store.Close()
		return nil, err
	}
	arena.New(store, arena.Options{}) // sets the store's categorizer
	return store, nil
}

// checkEmpty migrates the store and fails if it already holds counted
// votes: the benchmark's history must be the only one.
func checkEmpty(ctx context.Context, store *models.Store) error {
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	_, counted, err := store.CountVotes(ctx)
	if err == nil && counted > 0 {
		err = fmt.Errorf("seed: the database already holds %d counted votes; use an empty one", counted)
	}
	return err
}

// storeContenders stores the benchmark contenders and learns their ids.
func (s *seeder) storeContenders(ctx context.Context) error {
	s.cs = seedContenders(s.o.models)
	if _, err := s.store.UpsertContenders(ctx, s.cs, nil); err != nil {
		return err
	}
	stored, err := s.store.Contenders(ctx)
	if err != nil {
		return err
	}
	s.ids = map[string]uint{}
	for _, c := range stored {
		s.ids[c.Slug] = c.ID
	}
	return nil
}

// storePrompts stores the approved bank prompts one by one, so that the
// store categorises each as it would a real one.
func (s *seeder) storePrompts(ctx context.Context) error {
	s.cats = map[string]int{}
	s.promptIDs = make([]uint, s.o.prompts)
	s.promptCats = make([][]string, s.o.prompts)
	for i := range s.o.prompts {
		text := seedPrompt(i)
		p := &models.Prompt{Text: text, Hash: models.PromptHash(text), Source: models.SourceBank,
			Status: models.StatusApproved, Categories: []string{}}
		if err := s.store.CreatePrompt(ctx, p); err != nil {
			return err
		}
		s.promptIDs[i], s.promptCats[i] = p.ID, p.Categories
		for _, c := range p.Categories {
			s.cats[c]++
		}
	}
	return nil
}

// connectForCopy opens the plain pgx connection COPY needs.
func connectForCopy(ctx context.Context, dsn string, stderr io.Writer) (*pgx.Conn, error) {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	// The rows are consistent by construction; skipping the foreign-key
	// triggers for this session makes COPY several times faster. It needs
	// a superuser, as the benchmark's local server has; without one the
	// checks simply run.
	if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err != nil {
		fmt.Fprintf(stderr, "seed: foreign-key checks stay on (%v)\n", err)
	}
	return conn, nil
}
