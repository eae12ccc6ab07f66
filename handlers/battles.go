package handlers

import (
	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
)

// startBattle records the voter as seen and gives them a bank battle.
func (s *Server) startBattle(c echo.Context) (*models.Battle, error) {
	ctx := c.Request().Context()
	if err := s.arena.TouchVoter(ctx, voterID(c), s.ipHash(c)); err != nil {
		return nil, err
	}
	return s.arena.StartBankBattle(ctx, voterID(c))
}

func (s *Server) vote(c echo.Context, winner string) (*arena.VoteResult, error) {
	return s.arena.Vote(c.Request().Context(), arena.VoteRequest{
		BattleID: c.Param("id"), VoterID: voterID(c), Winner: winner, IPHash: s.ipHash(c),
	})
}
