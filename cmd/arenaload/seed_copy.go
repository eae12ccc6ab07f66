package main

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"openarena.dev/arena/models"
)

// copyResponses writes every contender's answer to every prompt, with
// style counts drawn per contender (some write long, Markdown-heavy
// answers) so that style control has something to hold equal. The text
// names no model: an answer that names its model is a leak, and votes on
// it would not count.
func (s *seeder) copyResponses(ctx context.Context) error {
	cs, rng, now := s.cs, s.rng, s.now
	verbosity := make([]float64, len(cs))
	for i := range verbosity {
		verbosity[i] = 150 + 500*rng.Float64()
	}
	n := len(cs) * s.o.prompts
	_, err := s.conn.CopyFrom(ctx, pgx.Identifier{"responses"},
		[]string{"prompt_id", "contender_id", "text", "tokens", "latency_ms", "style_tokens", "style_headers", "style_lists", "style_bold", "created_at", "updated_at"},
		pgx.CopyFromSlice(n, func(k int) ([]any, error) {
			pi, ci := k/len(cs), k%len(cs)
			tokens := int(verbosity[ci] * (0.5 + rng.Float64()))
			return []any{s.promptIDs[pi], s.ids[cs[ci].Slug], fmt.Sprintf("Simulated answer %d to question %d.", ci, pi),
				tokens, 0, tokens, rng.IntN(4), rng.IntN(12), rng.IntN(6), now, now}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy responses: %w", err)
	}
	return nil
}

// loadResponseIDs learns the id of every answer just written.
func (s *seeder) loadResponseIDs(ctx context.Context) error {
	s.respID = map[[2]uint]uint{}
	rows, err := s.conn.Query(ctx, `SELECT id, prompt_id, contender_id FROM responses`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, p, c uint
		if err := rows.Scan(&id, &p, &c); err != nil {
			return err
		}
		s.respID[[2]uint{p, c}] = id
	}
	return rows.Err()
}

// drawStrengths draws the known strengths: 1000 + 120·N(0,1) on the arena
// scale (returned without the 1000), and an offset of 40·N(0,1) per
// contender and category.
func (s *seeder) drawStrengths() (strength []float64, offset map[string][]float64) {
	strength = make([]float64, len(s.cs))
	for i := range strength {
		strength[i] = 120 * s.rng.NormFloat64()
	}
	offset = map[string][]float64{}
	// In name order: ranging over the map would draw the offsets in a
	// different order on every run, and the same -seed would not give the
	// same history.
	for _, c := range slices.Sorted(maps.Keys(s.cats)) {
		off := make([]float64, len(s.cs))
		for i := range off {
			off[i] = 40 * s.rng.NormFloat64()
		}
		offset[c] = off
	}
	return strength, offset
}

// battleRow is one drawn battle and its vote; prompt, a and b index the
// seeder's prompts and contenders.
type battleRow struct {
	id, winner string
	prompt     int
	a, b       int
	at         time.Time
}

// voteChunk is how many battles are drawn and copied at a time.
const voteChunk = 100_000

// copyVotes draws and writes the voted battles, a chunk at a time. One
// goroutine draws the chunks in order (so the history depends only on
// -seed) while the previous chunk is being copied.
func (s *seeder) copyVotes(ctx context.Context, strength []float64, offset map[string][]float64) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chunks := make(chan []battleRow, 1)
	go func() {
		defer close(chunks)
		for done := 0; done < s.o.votes; done += voteChunk {
			select {
			case chunks <- s.drawBattles(done, min(voteChunk, s.o.votes-done), strength, offset):
			case <-ctx.Done():
				return
			}
		}
	}()
	bar := newSeedBar(s.stderr, s.o.votes)
	defer bar.finish()
	written := 0
	for bs := range chunks {
		if err := s.copyBattles(ctx, bs); err != nil {
			return err
		}
		written += len(bs)
		bar.add(len(bs))
		if written%1_000_000 == 0 || written == s.o.votes {
			s.progress("%d votes", written)
		}
	}
	return ctx.Err()
}

// drawBattles draws m battles after the first done: a uniform pair, a
// prompt, and an outcome from the pair's strengths on the prompt's
// categories (a tenth ties, a twentieth both bad).
func (s *seeder) drawBattles(done, m int, strength []float64, offset map[string][]float64) []battleRow {
	rng, n := s.rng, len(s.cs)
	bs := make([]battleRow, m)
	for k := range bs {
		a := rng.IntN(n)
		b := rng.IntN(n - 1)
		if b >= a {
			b++
		}
		p := rng.IntN(s.o.prompts)
		d := strength[a] - strength[b]
		for _, c := range s.promptCats[p] {
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
		age := time.Duration(float64(90*24*time.Hour) * float64(s.o.votes-done-k) / float64(s.o.votes))
		at := s.now.Add(-age)
		bs[k] = battleRow{id: seedBattleID(rng, age), winner: w, prompt: p, a: a, b: b, at: at}
	}
	return bs
}

// copyBattles writes the battles and then their counted votes.
func (s *seeder) copyBattles(ctx context.Context, bs []battleRow) error {
	_, err := s.conn.CopyFrom(ctx, pgx.Identifier{"battles"},
		[]string{"id", "prompt_id", "contender_a_id", "contender_b_id", "response_a_id", "response_b_id", "voter_id", "mode", "state", "created_at", "updated_at"},
		pgx.CopyFromSlice(len(bs), func(k int) ([]any, error) {
			r := bs[k]
			pid, ca, cb := s.promptIDs[r.prompt], s.ids[s.cs[r.a].Slug], s.ids[s.cs[r.b].Slug]
			return []any{r.id, pid, ca, cb, s.respID[[2]uint{pid, ca}], s.respID[[2]uint{pid, cb}],
				seedVoterID(r.id), models.ModeBank, models.StateVoted, r.at, r.at}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy battles: %w", err)
	}
	_, err = s.conn.CopyFrom(ctx, pgx.Identifier{"votes"},
		[]string{"battle_id", "winner", "voter_id", "ip_hash", "read_seconds", "counted", "reason", "excluded", "created_at"},
		pgx.CopyFromSlice(len(bs), func(k int) ([]any, error) {
			r := bs[k]
			return []any{r.id, r.winner, seedVoterID(r.id), "", 20.0, true, "", "", r.at.Add(20 * time.Second)}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy votes: %w", err)
	}
	return nil
}
