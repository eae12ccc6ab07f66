package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
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
	fs := flag.NewFlagSet("arenaload seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o seedOptions
	fs.StringVar(&o.db, "db", "", "PostgreSQL URL of the arena database to fill (must hold no votes)")
	fs.IntVar(&o.models, "models", 100, "contenders")
	fs.IntVar(&o.prompts, "prompts", 400, "bank prompts (each answered by every contender)")
	fs.IntVar(&o.votes, "votes", 1_000_000, "counted votes, one bank battle each")
	fs.Uint64Var(&o.seed, "seed", 1, "random seed of strengths, pairs and outcomes")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case !strings.HasPrefix(o.db, "postgres://") && !strings.HasPrefix(o.db, "postgresql://"):
		return errors.New("seed: -db must be a postgres:// URL")
	case o.models < 2 || o.models > 1000:
		return errors.New("seed: -models must be between 2 and 1000")
	case o.prompts < 1 || o.prompts > 100_000:
		return errors.New("seed: -prompts must be between 1 and 100000")
	case o.votes < 0 || o.votes > 10_000_000:
		return errors.New("seed: -votes must be between 0 and 10000000")
	}
	start := time.Now()
	store, err := models.Open(o.db)
	if err != nil {
		return err
	}
	defer store.Close()
	if err := store.Migrate(ctx); err != nil {
		return err
	}
	if _, counted, err := store.CountVotes(ctx); err != nil || counted > 0 {
		if err == nil {
			err = fmt.Errorf("seed: the database already holds %d counted votes; use an empty one", counted)
		}
		return err
	}
	arena.New(store, arena.Options{}) // sets the store's categorizer: prompts get categories at ingest
	rng := mrand.New(mrand.NewPCG(o.seed, o.seed^0x9e3779b97f4a7c15))

	cs := seedContenders(o.models)
	if _, err := store.UpsertContenders(ctx, cs, nil); err != nil {
		return err
	}
	stored, err := store.Contenders(ctx)
	if err != nil {
		return err
	}
	ids := map[string]uint{}
	for _, c := range stored {
		ids[c.Slug] = c.ID
	}
	cats := map[string]int{}
	promptIDs := make([]uint, o.prompts)
	promptCats := make([][]string, o.prompts)
	for i := range o.prompts {
		text := seedPrompt(i)
		p := &models.Prompt{Text: text, Hash: models.PromptHash(text), Source: models.SourceBank,
			Status: models.StatusApproved, Categories: []string{}}
		if err := store.CreatePrompt(ctx, p); err != nil {
			return err
		}
		promptIDs[i], promptCats[i] = p.ID, p.Categories
		for _, c := range p.Categories {
			cats[c]++
		}
	}
	fmt.Fprintf(stdout, "seed: %d contenders, %d prompts (categories %v) in %s\n", len(cs), o.prompts, cats, time.Since(start).Round(time.Millisecond))

	conn, err := pgx.Connect(ctx, o.db)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	// The rows are consistent by construction; skipping the foreign-key
	// triggers for this session makes COPY several times faster. It needs
	// a superuser, as the benchmark's local server has; without one the
	// checks simply run.
	if _, err := conn.Exec(ctx, "SET session_replication_role = replica"); err != nil {
		fmt.Fprintf(stderr, "seed: foreign-key checks stay on (%v)\n", err)
	}

	// Every contender answers every prompt, with style counts drawn per
	// contender (some write long, Markdown-heavy answers) so that style
	// control has something to hold equal.
	now := time.Now().UTC()
	verbosity := make([]float64, len(cs))
	for i := range verbosity {
		verbosity[i] = 150 + 500*rng.Float64()
	}
	n := len(cs) * o.prompts
	_, err = conn.CopyFrom(ctx, pgx.Identifier{"responses"},
		[]string{"prompt_id", "contender_id", "text", "tokens", "latency_ms", "style_tokens", "style_headers", "style_lists", "style_bold", "created_at", "updated_at"},
		pgx.CopyFromSlice(n, func(k int) ([]any, error) {
			pi, ci := k/len(cs), k%len(cs)
			tokens := int(verbosity[ci] * (0.5 + rng.Float64()))
			return []any{promptIDs[pi], ids[cs[ci].Slug], fmt.Sprintf("Benchmark answer of %s to prompt %d.", cs[ci].Slug, pi),
				tokens, 0, tokens, rng.IntN(4), rng.IntN(12), rng.IntN(6), now, now}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy responses: %w", err)
	}
	respID := map[[2]uint]uint{}
	rows, err := conn.Query(ctx, `SELECT id, prompt_id, contender_id FROM responses`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, p, c uint
		if err := rows.Scan(&id, &p, &c); err != nil {
			return err
		}
		respID[[2]uint{p, c}] = id
	}
	if err := rows.Err(); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed: %d answers in %s\n", n, time.Since(start).Round(time.Millisecond))

	// Known strengths: 1000 + 120·N(0,1) on the arena scale, and an offset
	// of 40·N(0,1) per contender and category.
	strength := make([]float64, len(cs))
	for i := range strength {
		strength[i] = 120 * rng.NormFloat64()
	}
	offset := map[string][]float64{}
	for c := range cats {
		off := make([]float64, len(cs))
		for i := range off {
			off[i] = 40 * rng.NormFloat64()
		}
		offset[c] = off
	}
	type battleRow struct {
		id, winner string
		prompt     int
		a, b       int
		at         time.Time
	}
	const chunk = 100_000
	for done := 0; done < o.votes; done += chunk {
		m := min(chunk, o.votes-done)
		bs := make([]battleRow, m)
		for k := range bs {
			a := rng.IntN(len(cs))
			b := rng.IntN(len(cs) - 1)
			if b >= a {
				b++
			}
			p := rng.IntN(o.prompts)
			d := strength[a] - strength[b]
			for _, c := range promptCats[p] {
				d += offset[c][a] - offset[c][b]
			}
			pa := 1 / (1 + math.Pow(10, -d/400))
			var w string
			switch u := rng.Float64(); {
			case u < 0.10:
				w = models.WinnerTie
			case u < 0.15:
				w = models.WinnerBothBad
			case rng.Float64() < pa:
				w = models.WinnerA
			default:
				w = models.WinnerB
			}
			// Spread over the last 90 days, oldest first.
			at := now.Add(-time.Duration(float64(90*24*time.Hour) * float64(o.votes-done-k) / float64(o.votes)))
			bs[k] = battleRow{id: seedBattleID(), winner: w, prompt: p, a: a, b: b, at: at}
		}
		_, err := conn.CopyFrom(ctx, pgx.Identifier{"battles"},
			[]string{"id", "prompt_id", "contender_a_id", "contender_b_id", "response_a_id", "response_b_id", "voter_id", "mode", "state", "created_at", "updated_at"},
			pgx.CopyFromSlice(m, func(k int) ([]any, error) {
				r := bs[k]
				pid, ca, cb := promptIDs[r.prompt], ids[cs[r.a].Slug], ids[cs[r.b].Slug]
				return []any{r.id, pid, ca, cb, respID[[2]uint{pid, ca}], respID[[2]uint{pid, cb}],
					"bench-voter-" + r.id[:8], models.ModeBank, models.StateVoted, r.at, r.at}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy battles: %w", err)
		}
		_, err = conn.CopyFrom(ctx, pgx.Identifier{"votes"},
			[]string{"battle_id", "winner", "voter_id", "ip_hash", "read_seconds", "counted", "reason", "excluded", "created_at"},
			pgx.CopyFromSlice(m, func(k int) ([]any, error) {
				r := bs[k]
				return []any{r.id, r.winner, "bench-voter-" + r.id[:8], "", 20.0, true, "", "", r.at.Add(20 * time.Second)}, nil
			}))
		if err != nil {
			return fmt.Errorf("copy votes: %w", err)
		}
		fmt.Fprintf(stdout, "seed: %d votes in %s\n", done+m, time.Since(start).Round(time.Millisecond))
	}
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seed: done in %s\n", time.Since(start).Round(time.Millisecond))
	return nil
}

func seedBattleID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// seedContenders are n benchmark contenders spread over organisations,
// countries and licences, about half with open weights.
func seedContenders(n int) []models.Contender {
	orgs := []struct{ name, country string }{
		{"Bench Labs", "US"}, {"Modelworks", "US"}, {"Nordic AI", "SE"}, {"Lyon Research", "FR"},
		{"Rhein Systems", "DE"}, {"Pacific Minds", "CN"}, {"Harbour AI", "GB"}, {"Maple Models", "CA"},
		{"Sakura Compute", "JP"}, {"Seoul Neural", "KR"},
	}
	licenses := []string{"Apache-2.0", "MIT", "Llama community", "Proprietary"}
	out := make([]models.Contender, n)
	for i := range out {
		o := orgs[i%len(orgs)]
		lic := licenses[(i/len(orgs))%len(licenses)]
		out[i] = models.Contender{Slug: fmt.Sprintf("bench-model-%03d", i), DisplayName: fmt.Sprintf("Bench Model %03d", i),
			Organization: o.name, Country: o.country, License: lic, OpenWeights: lic != "Proprietary"}
	}
	return out
}

// seedPrompt is the i-th benchmark prompt: a rotation of coding, maths,
// creative-writing, general, long and non-English questions, each made
// distinct by its number.
func seedPrompt(i int) string {
	topics := []string{"rivers", "volcanoes", "trains", "honeybees", "lighthouses", "glaciers", "markets", "bridges"}
	t := topics[i%len(topics)]
	switch i % 8 {
	case 0:
		return fmt.Sprintf("Write a Python function that counts the %s in a list of records, and explain its complexity (case %d).", t, i)
	case 1:
		return fmt.Sprintf("Solve for x when %dx + 7 = %d, and show each step of the working clearly.", i%9+2, 7+(i%9+2)*(i%13+1))
	case 2:
		return fmt.Sprintf("Write a short poem about %s at night, in the voice of an old keeper (number %d).", t, i)
	case 3:
		return fmt.Sprintf("What are the main differences between %s in Europe and in Asia, and why do they matter? (question %d)", t, i)
	case 4:
		return fmt.Sprintf("Wie viele %s gibt es ungefähr in Deutschland, und warum sind sie für die Menschen so wichtig? (Frage %d)", germanTopic(t), i)
	case 5:
		return fmt.Sprintf("Quelle est l'histoire des %s en France, et pourquoi les gens les aiment-ils tant aujourd'hui ? (question %d)", frenchTopic(t), i)
	case 6:
		return strings.Repeat(fmt.Sprintf("Here is a long report about %s that the committee reviewed again this year. ", t), 45) +
			fmt.Sprintf("Summarise the report above in five bullet points (report %d).", i)
	}
	return fmt.Sprintf("Give me three practical tips for a family trip to see %s on a small budget (trip %d).", t, i)
}

func germanTopic(t string) string {
	return map[string]string{"rivers": "Flüsse", "volcanoes": "Vulkane", "trains": "Züge", "honeybees": "Honigbienen",
		"lighthouses": "Leuchttürme", "glaciers": "Gletscher", "markets": "Märkte", "bridges": "Brücken"}[t]
}

func frenchTopic(t string) string {
	return map[string]string{"rivers": "rivières", "volcanoes": "volcans", "trains": "trains", "honeybees": "abeilles",
		"lighthouses": "phares", "glaciers": "glaciers", "markets": "marchés", "bridges": "ponts"}[t]
}
