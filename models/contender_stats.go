package models

import (
	"context"
	"slices"
	"time"

	"gorm.io/gorm"
)

// ContenderStat is what the contenders page shows of one contender's
// record.
type ContenderStat struct {
	// Battles it took part in; Live of them live; Failed of those live
	// ones void with a reason (the battle failed; which side failed is not
	// recorded, so a failure counts against both).
	Battles, Live, Failed int
	// Votes on its battles; Rated of them in the ratings now.
	Votes, Rated int
	// MedianLatencyMS and P90LatencyMS are over its newest LatencySample
	// measured answers (0 when none).
	MedianLatencyMS, P90LatencyMS int
	LatencySample                 int
}

// FailureRate is Failed over Live; 0 without live battles.
func (c ContenderStat) FailureRate() float64 {
	if c.Live == 0 {
		return 0
	}
	return float64(c.Failed) / float64(c.Live)
}

// latencyWindow bounds how many recent answers the latency figures read
// per contender, so the page costs the same on a large arena.
const latencyWindow = 1000

// ContenderStats returns the record of every contender that has one, by id.
func (s *Store) ContenderStats(ctx context.Context) (map[uint]*ContenderStat, error) {
	out := contenderStats{}
	db := s.db.WithContext(ctx)
	if err := out.addBattles(db); err != nil {
		return nil, err
	}
	if err := out.addVotes(db); err != nil {
		return nil, err
	}
	if err := out.addLatencies(db); err != nil {
		return nil, err
	}
	return out, nil
}

// contenderStats gathers ContenderStats' records by contender id.
type contenderStats map[uint]*ContenderStat

// get is id's record, made on first use.
func (out contenderStats) get(id uint) *ContenderStat {
	if out[id] == nil {
		out[id] = &ContenderStat{}
	}
	return out[id]
}

// addBattles counts each contender's battles, live ones, and live ones
// that failed.
func (out contenderStats) addBattles(db *gorm.DB) error {
	rows, err := db.Raw(`SELECT cid, COUNT(*),
			SUM(CASE WHEN mode = ? THEN 1 ELSE 0 END),
			SUM(CASE WHEN mode = ? AND state = ? AND void_reason <> '' THEN 1 ELSE 0 END)
		FROM (SELECT contender_a_id AS cid, mode, state, void_reason FROM battles
			UNION ALL SELECT contender_b_id, mode, state, void_reason FROM battles) x
		GROUP BY cid`, ModeLive, ModeLive, StateVoid).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uint
		var b, l, f int
		if err := rows.Scan(&id, &b, &l, &f); err != nil {
			return err
		}
		st := out.get(id)
		st.Battles, st.Live, st.Failed = b, l, f
	}
	return rows.Err()
}

// addVotes counts each contender's votes and those that count in the
// ratings.
func (out contenderStats) addVotes(db *gorm.DB) error {
	rows, err := db.Raw(`SELECT cid, COUNT(*), SUM(CASE WHEN ` + CountedSQL + ` THEN 1 ELSE 0 END)
		FROM (SELECT b.contender_a_id AS cid, v.counted, v.excluded FROM votes v JOIN battles b ON b.id = v.battle_id
			UNION ALL SELECT b.contender_b_id, v.counted, v.excluded FROM votes v JOIN battles b ON b.id = v.battle_id) v
		GROUP BY cid`).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id uint
		var n, r int
		if err := rows.Scan(&id, &n, &r); err != nil {
			return err
		}
		st := out.get(id)
		st.Votes, st.Rated = n, r
	}
	return rows.Err()
}

// addLatencies gives each contender the median and 90th percentile of its
// latest latencyWindow answer latencies.
func (out contenderStats) addLatencies(db *gorm.DB) error {
	rows, err := db.Raw(`SELECT contender_id, latency_ms FROM (
			SELECT contender_id, latency_ms, ROW_NUMBER() OVER (PARTITION BY contender_id ORDER BY id DESC) AS rn
			FROM responses WHERE latency_ms > 0) r
		WHERE rn <= ?`, latencyWindow).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	lat := map[uint][]int{}
	for rows.Next() {
		var id uint
		var ms int
		if err := rows.Scan(&id, &ms); err != nil {
			return err
		}
		lat[id] = append(lat[id], ms)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for id, ms := range lat {
		slices.Sort(ms)
		st := out.get(id)
		st.LatencySample = len(ms)
		st.MedianLatencyMS = nearestRank(ms, 0.5)
		st.P90LatencyMS = nearestRank(ms, 0.9)
	}
	return nil
}

// nearestRank is the q-quantile of sorted xs by the nearest-rank method:
// the smallest value with at least q of the values at or below it.
func nearestRank(xs []int, q float64) int {
	k := int(float64(len(xs))*q+0.999999999) - 1
	return xs[min(max(k, 0), len(xs)-1)]
}

// ContenderBattle is one battle on a contender's page, seen from the
// contender: its side, its opponent and the verdict.
type ContenderBattle struct {
	BattleID     string
	CreatedAt    time.Time
	Mode, State  string
	VoidReason   string
	Side         string // "A" or "B"
	OpponentSlug string
	// Winner is empty when the battle has no vote.
	Winner   string
	VoteID   uint
	VoterID  string
	Counted  bool
	Excluded string
}

// ContenderBattles returns the contender's newest battles, at most limit.
func (s *Store) ContenderBattles(ctx context.Context, id uint, limit int) ([]ContenderBattle, error) {
	rows, err := s.db.WithContext(ctx).Raw(`SELECT b.id, b.created_at, b.mode, b.state, b.void_reason,
			CASE WHEN b.contender_a_id = ? THEN 'A' ELSE 'B' END, o.slug,
			COALESCE(v.winner, ''), COALESCE(v.id, 0), COALESCE(v.voter_id, ''), COALESCE(v.counted, false), COALESCE(v.excluded, '')
		FROM battles b
		JOIN contenders o ON o.id = CASE WHEN b.contender_a_id = ? THEN b.contender_b_id ELSE b.contender_a_id END
		LEFT JOIN votes v ON v.battle_id = b.id
		WHERE b.contender_a_id = ? OR b.contender_b_id = ?
		ORDER BY b.created_at DESC, b.id
		LIMIT ?`, id, id, id, id, limit).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ContenderBattle
	for rows.Next() {
		var c ContenderBattle
		if err := rows.Scan(&c.BattleID, &c.CreatedAt, &c.Mode, &c.State, &c.VoidReason, &c.Side, &c.OpponentSlug,
			&c.Winner, &c.VoteID, &c.VoterID, &c.Counted, &c.Excluded); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
