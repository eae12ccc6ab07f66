package arena_test

import (
	"context"
	"fmt"
	"math"
	"testing"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// seedBank stores one prompt answered by each slug.
func seedBank(t *testing.T, s *models.Store, slugs ...string) {
	t.Helper()
	var rows []models.BankRow
	for _, slug := range slugs {
		rows = append(rows, models.BankRow{PromptID: "p", Prompt: "Q?", Model: slug, Output: "An answer."})
	}
	if _, err := s.ImportBank(context.Background(), rows, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSidesBalanced checks with a chi-square test that each contender lands
// on side A as often as on side B. The threshold is the 0.1% critical value
// for one degree of freedom, so a correct implementation fails 1 run in 1000.
func TestSidesBalanced(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "left", "right")
	a := arena.New(s, arena.Options{})
	ctx := context.Background()
	const n = 2000
	onA := 0
	for i := range n {
		b, err := a.StartBankBattle(ctx, fmt.Sprintf("voter-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if b.ContenderA.Slug == "left" {
			onA++
		}
		if b.ContenderAID == b.ContenderBID {
			t.Fatal("a contender was paired with itself")
		}
	}
	exp := float64(n) / 2
	chi2 := math.Pow(float64(onA)-exp, 2)/exp + math.Pow(float64(n-onA)-exp, 2)/exp
	if chi2 > 10.83 {
		t.Errorf("left on side A %d of %d times: chi-square %.2f > 10.83", onA, n, chi2)
	}
}

// TestWeightsSteerSampling checks that a weight-0 contender is never drawn
// and that weights shift how often a contender appears.
func TestWeightsSteerSampling(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "heavy", "light", "never", "normal")
	for slug, w := range map[string]float64{"heavy": 4, "never": 0} {
		if err := s.SetContenderWeight(context.Background(), slug, w); err != nil {
			t.Fatal(err)
		}
	}
	a := arena.New(s, arena.Options{})
	counts := map[string]int{}
	for i := range 1500 {
		b, err := a.StartBankBattle(context.Background(), fmt.Sprintf("v%d", i))
		if err != nil {
			t.Fatal(err)
		}
		counts[b.ContenderA.Slug]++
		counts[b.ContenderB.Slug]++
	}
	if counts["never"] != 0 {
		t.Errorf("a weight-0 contender was drawn %d times", counts["never"])
	}
	if counts["heavy"] <= counts["light"] {
		t.Errorf("weight 4 drawn %d times, weight 1 drawn %d: weights have no effect", counts["heavy"], counts["light"])
	}
}

func TestEmptyBank(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "alone")
	a := arena.New(s, arena.Options{})
	if _, err := a.StartBankBattle(context.Background(), "v"); err != arena.ErrNoBattles {
		t.Errorf("err = %v, want ErrNoBattles", err)
	}
}

func TestLeaderboardFollowsVotes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seedBank(t, s, "strong", "weak")
		a := arena.New(s, arena.Options{})
		ctx := context.Background()
		for i := range 20 {
			voter := fmt.Sprintf("v%d", i)
			b, err := a.StartBankBattle(ctx, voter)
			if err != nil {
				t.Fatal(err)
			}
			w := models.WinnerA
			if b.ContenderB.Slug == "strong" {
				w = models.WinnerB
			}
			if i%5 == 0 {
				w = models.WinnerTie
			}
			if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: b.ID, VoterID: voter, Winner: w}); err != nil {
				t.Fatal(err)
			}
		}
		board, err := a.Boards().EloBoard(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if board.Votes != 20 || len(board.Rows) != 2 || board.Rows[0].Contender.Slug != "strong" {
			t.Fatalf("board = %+v", board)
		}
		top := board.Rows[0]
		if top.Wins != 16 || top.Ties != 4 || top.Losses != 0 || top.Elo <= 1000 || math.Abs(top.WinRate()-0.9) > 1e-9 {
			t.Errorf("top row = %+v (win rate %v)", top, top.WinRate())
		}
		if math.Abs(board.Rows[0].Elo+board.Rows[1].Elo-2000) > 1e-9 {
			t.Errorf("Elo is not zero-sum: %v + %v", board.Rows[0].Elo, board.Rows[1].Elo)
		}
	})
}

func TestVoteRules(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seedBank(t, s, "x", "y")
	a := arena.New(s, arena.Options{})
	ctx := context.Background()
	b, _ := a.StartBankBattle(ctx, "owner")
	cases := []struct {
		name string
		req  arena.VoteRequest
		want error
	}{
		{"bad winner", arena.VoteRequest{BattleID: b.ID, VoterID: "owner", Winner: "A"}, arena.ErrBadWinner},
		{"other voter", arena.VoteRequest{BattleID: b.ID, VoterID: "thief", Winner: "tie"}, arena.ErrBattleNotFound},
		{"unknown battle", arena.VoteRequest{BattleID: "zz", VoterID: "owner", Winner: "tie"}, arena.ErrBattleNotFound},
		{"first vote", arena.VoteRequest{BattleID: b.ID, VoterID: "owner", Winner: "tie"}, nil},
		{"same again", arena.VoteRequest{BattleID: b.ID, VoterID: "owner", Winner: "tie"}, nil},
		{"different", arena.VoteRequest{BattleID: b.ID, VoterID: "owner", Winner: "model_a"}, arena.ErrVoteConflict},
	}
	for _, c := range cases {
		if _, err := a.Vote(ctx, c.req); err != c.want {
			t.Errorf("%s: err = %v, want %v", c.name, err, c.want)
		}
	}
}
