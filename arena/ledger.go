package arena

import (
	"context"
	"fmt"
	"slices"
	"time"

	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// LedgerWeeks is how many ISO weeks the sampling ledger shows by default;
// MaxLedgerWeeks bounds what may be asked for.
const (
	LedgerWeeks    = 8
	MaxLedgerWeeks = 52
)

// Policy is the sampling policy in force, as the ledger states it.
type Policy struct {
	// Name is rating.PolicyInformative or rating.PolicyUniform: how the
	// live sampler picks pairs. Bank battles always draw a random servable
	// prompt and two of its answers with chances proportional to weight.
	Name string
	// Explore is the informative policy's share of live battles drawn
	// uniformly (0 for the uniform policy, which draws all of them so).
	Explore float64
}

// SamplingPolicy returns the live sampling policy in force.
func (a *Arena) SamplingPolicy() Policy {
	switch p := a.samplingPolicy().(type) {
	case rating.InformativePolicy:
		e := p.Explore
		if e <= 0 {
			e = rating.DefaultExplore
		}
		return Policy{Name: p.Name(), Explore: min(e, 1)}
	default:
		return Policy{Name: p.Name()}
	}
}

// LedgerRow is one contender in one ISO week of the sampling ledger.
type LedgerRow struct {
	Slug        string
	DisplayName string
	// Battles is how many of the week's sampled battles it was in.
	Battles int
	// Share is Battles over twice the week's battles: each battle has two
	// sides, so the shares of a week sum to 1.
	Share float64
	// Weight is the contender's configured sampling weight now (a change
	// of weight is dated in the changelog).
	Weight float64
	// UniformShare is what a uniform sampler would have given it: 1 over
	// the number of contenders in the running that week, counted as those
	// with a battle that week and, for the current week, those that may be
	// sampled now.
	UniformShare float64
}

// LedgerWeek is one ISO week of the ledger.
type LedgerWeek struct {
	// Week is the ISO week, as 2025-W07; Start its Monday (UTC).
	Week    string
	Start   time.Time
	Battles int
	Rows    []LedgerRow
}

// Ledger is the sampling ledger: who was sampled how often, week by week,
// newest week first, with the policy in force.
type Ledger struct {
	Policy Policy
	Weeks  []LedgerWeek
}

// SamplingLedger returns the ledger of the last weeks ISO weeks (the
// current one included) of bank and live battles. Side-by-side battles
// are left out: their voters chose the pair.
func (a *Arena) SamplingLedger(ctx context.Context, weeks int) (*Ledger, error) {
	weeks = min(max(weeks, 1), MaxLedgerWeeks)
	now := a.now().UTC()
	start := weekStart(now).AddDate(0, 0, -7*(weeks-1))
	battles, err := a.store.SampledBattles(ctx, start)
	if err != nil {
		return nil, err
	}
	cs, err := a.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	byWeek := map[time.Time]map[uint]int{}
	total := map[time.Time]int{}
	for _, b := range battles {
		w := weekStart(b.CreatedAt.UTC())
		if byWeek[w] == nil {
			byWeek[w] = map[uint]int{}
		}
		byWeek[w][b.ContenderAID]++
		byWeek[w][b.ContenderBID]++
		total[w]++
	}
	l := &Ledger{Policy: a.SamplingPolicy()}
	current := weekStart(now)
	for w := current; !w.Before(start); w = w.AddDate(0, 0, -7) {
		l.Weeks = append(l.Weeks, ledgerWeek(w, w.Equal(current), byWeek[w], total[w], cs))
	}
	return l, nil
}

// ledgerWeek builds one week's rows from its counts per contender.
func ledgerWeek(start time.Time, current bool, counts map[uint]int, battles int, cs []models.Contender) LedgerWeek {
	y, n := start.ISOWeek()
	lw := LedgerWeek{Week: isoWeekName(y, n), Start: start, Battles: battles}
	running := 0
	for _, c := range cs {
		if counts[c.ID] > 0 || (current && sampleable(c)) {
			running++
		}
	}
	for _, c := range cs {
		k := counts[c.ID]
		if k == 0 && !(current && sampleable(c)) {
			continue
		}
		r := LedgerRow{Slug: c.Slug, DisplayName: c.DisplayName, Battles: k, Weight: c.Weight, UniformShare: 1 / float64(running)}
		if battles > 0 {
			r.Share = float64(k) / float64(2*battles)
		}
		lw.Rows = append(lw.Rows, r)
	}
	slices.SortStableFunc(lw.Rows, func(x, y LedgerRow) int { return y.Battles - x.Battles })
	return lw
}

// sampleable reports whether a contender may be drawn for a new battle.
func sampleable(c models.Contender) bool {
	return c.Enabled && c.Weight > 0 && c.Status == ""
}

// weekStart is the Monday 00:00 UTC of t's ISO week.
func weekStart(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	back := (int(d.Weekday()) + 6) % 7
	return d.AddDate(0, 0, -back)
}

// isoWeekName writes an ISO week as 2025-W07.
func isoWeekName(y, w int) string { return fmt.Sprintf("%04d-W%02d", y, w) }

// PositionBias is the share of decisive votes won by the left-hand answer,
// overall and per mode (bank, live).
type PositionBias struct {
	Overall rating.PositionBias
	ByMode  map[string]rating.PositionBias
}

// PositionBias counts the decisive votes in the ratings by the side that
// won, and computes rating.SidePreference for all of them and per mode.
func (a *Arena) PositionBias(ctx context.Context) (*PositionBias, error) {
	counts, err := a.store.SideWins(ctx)
	if err != nil {
		return nil, err
	}
	out := &PositionBias{ByMode: map[string]rating.PositionBias{}}
	var wa, wb int
	for _, mode := range []string{models.ModeBank, models.ModeLive} {
		c := counts[mode]
		out.ByMode[mode] = rating.SidePreference(c[0], c[1])
		wa, wb = wa+c[0], wb+c[1]
	}
	out.Overall = rating.SidePreference(wa, wb)
	return out, nil
}
