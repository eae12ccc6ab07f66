package models

import (
	"context"
	"time"
)

// VoteChecks is what the vote path checks before storing a vote: the
// voter's integrity facts and the hold of the battle's prompts.
type VoteChecks struct {
	Risk VoteRiskFacts
	// Hold is ExcludedPromptRejected when a prompt of the battle was
	// rejected, ExcludedPromptFlagged when one is flagged, "" otherwise.
	Hold string
}

// RiskWindow bounds the integrity counts of a vote: the voter's votes since
// BurstSince up to BurstCap, and the other voters seen on the address
// since AddressSince up to AddressCap.
type RiskWindow struct {
	BurstSince, AddressSince time.Time
	BurstCap, AddressCap     int
}

// voteRiskColumns are the integrity facts as select expressions (their
// arguments are riskArgs): whether the voter is blocked and how busy the
// voter and the address have been. Each count stops at its cap (the caller
// only needs to know whether a limit is passed), so a vote costs a few
// index entries even from an address shared by thousands — a proxy whose
// X-Forwarded-For is not trusted makes every voter share one. The address
// count reads the voters table, one row per voter with the address it was
// last seen on, through its (ip_hash, last_seen) index. Each count walks
// its index newest first (ORDER BY … DESC): without the order,
// PostgreSQL may choose a bitmap scan, which reads every matching entry
// before the LIMIT applies, 20,000 of them for an address 20,000 voters
// share. An unknown voter is not blocked; an empty ipHash counts no
// address voters.
const voteRiskColumns = `COALESCE((SELECT blocked FROM voters WHERE id = ?), false),
		(SELECT COUNT(*) FROM (SELECT 1 FROM votes WHERE voter_id = ? AND created_at >= ?
			AND NOT EXISTS (SELECT 1 FROM battles nb WHERE nb.id = votes.battle_id AND nb.mode = ?)
			ORDER BY created_at DESC LIMIT ?) b),
		(SELECT COUNT(*) FROM (SELECT 1 FROM voters WHERE ip_hash = ? AND ip_hash <> '' AND last_seen >= ? AND id <> ?
			ORDER BY last_seen DESC LIMIT ?) a)`

func riskArgs(voterID, ipHash string, w RiskWindow) []any {
	return []any{voterID, voterID, w.BurstSince, ModeNamed, w.BurstCap, ipHash, w.AddressSince, voterID, w.AddressCap}
}

// VoteChecks reads, in one round trip, the integrity facts of the voter
// and the prompt hold of the battle (the hold moderation puts on votes
// whose battle showed a rejected or flagged prompt, any turn's): the vote
// path's reads besides the battle itself, each a few index entries.
func (s *Store) VoteChecks(ctx context.Context, battleID, voterID, ipHash string, w RiskWindow) (VoteChecks, error) {
	var c VoteChecks
	// The hold is the worst status among the battle's prompts: 1 rejected,
	// 2 flagged, NULL neither (holdOf's order).
	args := append(riskArgs(voterID, ipHash, w), StatusRejected, battleID, battleID, StatusRejected, StatusFlagged)
	row := s.db.WithContext(ctx).Raw(`SELECT `+voteRiskColumns+`,
		(SELECT MIN(CASE WHEN p.status = ? THEN 1 ELSE 2 END)
			FROM (SELECT prompt_id FROM battles WHERE id = ? UNION ALL SELECT prompt_id FROM turns WHERE battle_id = ?) x
			JOIN prompts p ON p.id = x.prompt_id WHERE p.status IN (?, ?))`, args...).Row()
	var hold *int
	if err := row.Scan(&c.Risk.Blocked, &c.Risk.RecentVotes, &c.Risk.OtherAddressVoters, &hold); err != nil {
		return c, err
	}
	c.Hold = holdRank(hold)
	return c, nil
}

// holdRank turns the worst prompt status the vote reads rank (1 rejected,
// 2 flagged, NULL neither) into the vote's hold.
func holdRank(hold *int) string {
	switch {
	case hold == nil:
		return ""
	case *hold == 1:
		return ExcludedPromptRejected
	default:
		return ExcludedPromptFlagged
	}
}
