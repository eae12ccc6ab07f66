package arena

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// Method and interval names stored with each snapshot.
const (
	MethodBradleyTerry = "bradley_terry"
	MethodOnlineElo    = "online_elo"
)

// measureBatch bounds how many answers are measured per transaction.
const measureBatch = 500

// RecomputeRatings computes the board now from every counted vote and
// stores it as a snapshot unless it is identical to the newest one. It
// waits for a computation already running in this process, and returns
// ErrRatingsBusy when another instance is computing.
func (a *Arena) RecomputeRatings(ctx context.Context) (*RatedBoard, error) {
	return a.recompute(ctx, true)
}

// recompute computes under both locks. Unless forced it first compares the
// counted votes with those of the newest snapshot and does nothing when
// they are the same, so wake-ups for votes already rated cost two small
// queries; it then returns a nil board.
func (a *Arena) recompute(ctx context.Context, force bool) (*RatedBoard, error) {
	r := a.rs()
	r.computeMu.Lock()
	defer r.computeMu.Unlock()
	var out *RatedBoard
	ran, err := a.store.WithRatingLock(ctx, func(ctx context.Context) error {
		if !force {
			fresh, err := a.ratingsFresh(ctx)
			if err != nil || fresh {
				return err
			}
		}
		if r.opt.OnCompute != nil {
			defer r.opt.OnCompute()()
		}
		b, err := a.computeRatings(ctx)
		if err != nil {
			return err
		}
		created, err := a.storeBoard(ctx, b)
		if err != nil {
			return err
		}
		out = b
		if created {
			return a.thinHistory(ctx, time.Now())
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !ran {
		return nil, ErrRatingsBusy
	}
	if out != nil {
		r.remember(out)
	}
	return out, nil
}

// ratingsFresh reports whether the newest snapshot rated exactly the
// counted votes there are now (no snapshot and no votes count as fresh).
func (a *Arena) ratingsFresh(ctx context.Context) (bool, error) {
	mark, err := a.store.CountedVotesMark(ctx)
	if err != nil {
		return false, err
	}
	head, err := a.store.LatestSnapshotHead(ctx, models.CategoryOverall)
	if errors.Is(err, models.ErrNotFound) {
		return mark.Count == 0, nil
	}
	if err != nil {
		return false, err
	}
	return mark.Count == head.VotesUsed && mark.LastID == head.LastVoteID, nil
}

// computeRatings rates every counted vote. Style control is part of the
// board; should its fit fail, the board is still published without it.
func (a *Arena) computeRatings(ctx context.Context) (*RatedBoard, error) {
	if err := a.measurePending(ctx); err != nil {
		return nil, err
	}
	cs, err := a.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	battles, err := a.store.CountedBattles(ctx)
	if err != nil {
		return nil, err
	}
	in := ratingInput(cs, battles)
	opt := a.rs().opt
	ro := rating.DefaultOptions()
	ro.StyleControl = true
	ro.MinVotes = opt.MinVotes
	ro.Bootstrap.Rounds, ro.Bootstrap.Seed, ro.Bootstrap.Workers = opt.Rounds, opt.Seed, opt.Workers
	board, err := rating.ComputeBoard(ctx, in.names, in.outcomes, in.style, ro)
	styleErr := ""
	if err != nil && ctx.Err() == nil {
		styleErr = err.Error()
		ro.StyleControl = false
		board, err = rating.ComputeBoard(ctx, in.names, in.outcomes, nil, ro)
	}
	if err != nil {
		return nil, fmt.Errorf("compute ratings: %w", err)
	}
	b := &RatedBoard{
		Category: models.CategoryOverall, Method: MethodBradleyTerry, CI: string(ro.CI), Level: ro.Level,
		Rounds: ro.Bootstrap.Rounds, Seed: ro.Bootstrap.Seed, MinVotes: ro.MinVotes,
		Votes: len(in.outcomes), LastVoteID: in.mark.LastID, StyleError: styleErr, Models: []RatedRow{},
		votesRead: in.mark.Count,
	}
	for _, m := range board.Models {
		b.Models = append(b.Models, ratedRow(cs[m.Index], m, in.tallies[m.Index]))
	}
	b.Style = styleEffects(board.Style)
	b.Pairs = pairRecords(in.names, in.outcomes)
	return b, nil
}

// measurePending fills in the style counts of answers stored without them
// (older imports, answers from code that did not measure), so every battle
// enters style control with real counts.
func (a *Arena) measurePending(ctx context.Context) error {
	for {
		rs, err := a.store.UnmeasuredResponses(ctx, measureBatch)
		if err != nil || len(rs) == 0 {
			return err
		}
		counts := make(map[uint]models.StyleCounts, len(rs))
		for _, r := range rs {
			counts[r.ID] = MeasureStyle(r.Text)
		}
		if err := a.store.SetResponseStyles(ctx, counts); err != nil {
			return err
		}
		if len(rs) < measureBatch {
			return nil
		}
	}
}

// storeBoard saves b as a snapshot, or finds it equal to the newest, and
// fills in the snapshot's id and time.
func (a *Arena) storeBoard(ctx context.Context, b *RatedBoard) (created bool, err error) {
	result, err := json.Marshal(b)
	if err != nil {
		return false, fmt.Errorf("encode ratings: %w", err)
	}
	sum := sha256.Sum256(result)
	snap := &models.RatingSnapshot{
		Category: b.Category, Method: b.Method, VotesUsed: b.votesRead, LastVoteID: b.LastVoteID,
		Result: string(result), ContentHash: hex.EncodeToString(sum[:]),
	}
	if created, err = a.store.CreateSnapshot(ctx, snap); err != nil {
		return false, err
	}
	b.SnapshotID, b.ComputedAt = snap.ID, snap.CreatedAt
	return created, nil
}

func ratedRow(c models.Contender, m rating.ModelRating, t tallies) RatedRow {
	row := RatedRow{
		ContenderID: c.ID, Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization,
		Country: c.Country, License: c.License, OpenWeights: c.OpenWeights,
		Score: m.Score, CILower: m.CI.Lower, CIUpper: m.CI.Upper, RankUB: m.RankUB,
		Votes: m.Battles, Wins: t.wins, Ties: t.ties, Losses: t.losses,
		OnlineElo: m.OnlineElo, Preliminary: m.Preliminary,
	}
	if s := m.Style; s != nil {
		row.Style = &RatedStyle{Score: s.Score, CILower: s.CI.Lower, CIUpper: s.CI.Upper, RankUB: s.RankUB}
	}
	return row
}

func styleEffects(s *rating.StyleSummary) *StyleEffects {
	if s == nil {
		return nil
	}
	vec := func(v [rating.NumStyleFeatures]float64) StyleVector {
		return StyleVector{Length: v[0], Header: v[1], List: v[2], Bold: v[3]}
	}
	e := &StyleEffects{Coefficients: vec(s.Coefficients)}
	if s.CI != nil {
		var lo, hi [rating.NumStyleFeatures]float64
		for k, iv := range s.CI {
			lo[k], hi[k] = iv.Lower, iv.Upper
		}
		l, h := vec(lo), vec(hi)
		e.CILower, e.CIUpper = &l, &h
	}
	return e
}
