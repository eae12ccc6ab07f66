package models

import (
	"context"
	"database/sql"
	"errors"
)

// voteReadSQL reads a battle's header, the names of its two contenders,
// the voter's integrity facts and the battle's prompt hold in one
// statement (arguments: riskArgs, the two hold statuses, the battle id).
var voteReadSQL = newHotSQL(`SELECT b.id, b.voter_id, b.mode, b.state, b.leak, b.created_at,
		b.contender_a_id, ca.slug, ca.display_name, ca.organization,
		b.contender_b_id, cb.slug, cb.display_name, cb.organization,
		` + voteRiskColumns + `,
		(SELECT MIN(CASE WHEN p.status = ? THEN 1 ELSE 2 END)
			FROM (SELECT b.prompt_id AS prompt_id UNION ALL SELECT prompt_id FROM turns WHERE battle_id = b.id) x
			JOIN prompts p ON p.id = x.prompt_id WHERE p.status IN (?, ?))
	FROM battles b
	JOIN contenders ca ON ca.id = b.contender_a_id
	JOIN contenders cb ON cb.id = b.contender_b_id
	WHERE b.id = ?`)

// VoteRead is the vote path's one read before its insert: the battle (its
// header and the slug, display name and organisation of each contender,
// all a vote's answer shows) with the voter's integrity facts and the
// prompt hold, as Battle and VoteChecks give them, in one round trip
// instead of two. An unknown battle is ErrNotFound.
func (s *Store) VoteRead(ctx context.Context, battleID, voterID, ipHash string, w RiskWindow) (*Battle, VoteChecks, error) {
	args := append(riskArgs(voterID, ipHash, w), StatusRejected, StatusRejected, StatusFlagged, battleID)
	b := &Battle{ContenderA: &Contender{}, ContenderB: &Contender{}}
	var c VoteChecks
	var hold *int
	ca, cb := b.ContenderA, b.ContenderB
	err := s.sql.QueryRowContext(ctx, s.text(voteReadSQL), args...).Scan(
		&b.ID, &b.VoterID, &b.Mode, &b.State, &b.Leak, &b.CreatedAt,
		&b.ContenderAID, &ca.Slug, &ca.DisplayName, &ca.Organization,
		&b.ContenderBID, &cb.Slug, &cb.DisplayName, &cb.Organization,
		&c.Risk.Blocked, &c.Risk.RecentVotes, &c.Risk.OtherAddressVoters, &hold)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, c, ErrNotFound
	}
	if err != nil {
		return nil, c, err
	}
	ca.ID, cb.ID = b.ContenderAID, b.ContenderBID
	c.Hold = holdRank(hold)
	return b, c, nil
}
