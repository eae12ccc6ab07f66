package models

import (
	"context"
	"time"
)

// SampledBattle is one battle the samplers chose: when, which two
// contenders and in which mode.
type SampledBattle struct {
	CreatedAt    time.Time
	ContenderAID uint
	ContenderBID uint
	Mode         string
}

// SampledBattles returns the bank and live battles created at or after
// since, oldest first. Side-by-side battles are left out: their voter
// chose the pair, no sampler did.
func (s *Store) SampledBattles(ctx context.Context, since time.Time) ([]SampledBattle, error) {
	var out []SampledBattle
	err := s.db.WithContext(ctx).Model(&Battle{}).
		Select("created_at", "contender_a_id", "contender_b_id", "mode").
		Where("mode IN ? AND created_at >= ?", []string{ModeBank, ModeLive}, since).
		Order("created_at").Scan(&out).Error
	return out, err
}

// BattleOutcome is how a finished battle went for the sampler: void (a
// side failed) or leaked (an answer named its model).
type BattleOutcome struct {
	State string
	Leak  string
}

// RecentLiveOutcomes returns the newest n finished live battles of a
// contender (ready, voted or void), newest first. Battles still open or
// streaming are left out: how they end is not known yet.
func (s *Store) RecentLiveOutcomes(ctx context.Context, contenderID uint, n int) ([]BattleOutcome, error) {
	var out []BattleOutcome
	err := s.db.WithContext(ctx).Model(&Battle{}).Select("state", "leak").
		Where("mode = ? AND state IN ? AND (contender_a_id = ? OR contender_b_id = ?)",
			ModeLive, []string{StateReady, StateVoted, StateVoid}, contenderID, contenderID).
		Order("created_at DESC").Limit(n).Scan(&out).Error
	return out, err
}

// SideWins counts decisive votes in the ratings by mode: [0] won by side A
// (the left), [1] by side B.
func (s *Store) SideWins(ctx context.Context) (map[string][2]int, error) {
	var rows []struct {
		Mode   string
		Winner string
		N      int
	}
	err := s.db.WithContext(ctx).Raw(`SELECT b.mode AS mode, v.winner AS winner, COUNT(*) AS n
		FROM votes v JOIN battles b ON b.id = v.battle_id
		WHERE `+CountedSQL+` AND v.winner IN ?
		GROUP BY b.mode, v.winner`, []string{WinnerA, WinnerB}).Scan(&rows).Error
	out := map[string][2]int{}
	for _, r := range rows {
		c := out[r.Mode]
		if r.Winner == WinnerA {
			c[0] += r.N
		} else {
			c[1] += r.N
		}
		out[r.Mode] = c
	}
	return out, err
}
