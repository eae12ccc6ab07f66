package boards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"openarena.dev/arena/models"
)

// RatedBoard is the published leaderboard: the Bradley–Terry arena score
// with bootstrap intervals, Rank (UB) and the style-controlled view, as
// stored in one snapshot. It is stored as JSON, so its field names are a
// stored format: add fields, do not rename them.
type RatedBoard struct {
	// SnapshotID and ComputedAt come from the snapshot row.
	SnapshotID uint      `json:"-"`
	ComputedAt time.Time `json:"-"`

	Category string `json:"category"`
	// Method is how Score is computed; CI how the intervals are.
	Method string  `json:"method"`
	CI     string  `json:"ci"`
	Level  float64 `json:"level"`
	Rounds int     `json:"rounds"`
	Seed   uint64  `json:"seed"`
	// MinVotes is the threshold below which a model is preliminary.
	MinVotes int `json:"min_votes"`
	// Votes is the number of counted votes rated; LastVoteID the newest
	// counted vote when the board was computed.
	Votes      int  `json:"votes"`
	LastVoteID uint `json:"last_vote_id"`
	// votesRead is every counted vote read, even one the ratings had to
	// skip; it goes into the snapshot row to compare with VoteMark.
	votesRead int
	Models    []RatedRow `json:"models"`
	// Style holds the fitted style effects; nil when style control failed,
	// and StyleError then says why.
	Style      *StyleEffects `json:"style,omitempty"`
	StyleError string        `json:"style_error,omitempty"`
	// StyleControl says the style-controlled view was asked for.
	StyleControl bool `json:"style_control"`
	// Reweighted says the arena score was fitted with pair reweighting,
	// ReweightFloor its pair-count floor (see rating.ReweightCells).
	Reweighted    bool `json:"reweighted"`
	ReweightFloor int  `json:"reweight_floor,omitempty"`
	// EngineVersion is rating.EngineVersion when the board was computed.
	EngineVersion string `json:"engine_version,omitempty"`
	// InputsDigest identifies the counted outcomes and the settings the
	// board was computed from (see InputsDigest); empty on boards stored
	// before it existed.
	InputsDigest string `json:"inputs_digest,omitempty"`
	// TieGroups are the slugs in groups of statistical ties by the plain
	// score (see rating.TieGroups), best first; StyleTieGroups the same
	// with style held equal.
	TieGroups      [][]string `json:"tie_groups,omitempty"`
	StyleTieGroups [][]string `json:"style_tie_groups,omitempty"`
	// Robustness is how many flipped votes would change #1; nil when it
	// was not computed (an empty board, or a large category board).
	Robustness *Robustness `json:"robustness,omitempty"`
	// ViewsAsOf, when set, says the slow part of the board (the
	// style-controlled scores and tie groups, Style and Robustness) was
	// computed from fewer votes than the plain scores: the board was
	// recomputed while votes kept coming, and the slow part follows at
	// most every CategoryInterval (see slowview.go). Nil when every part
	// rated the same votes.
	ViewsAsOf *VotesAsOf `json:"views_as_of,omitempty"`
	// Pairs is the head-to-head record of every pair of models that met,
	// for the heatmaps and the model pages.
	Pairs []RatedPair `json:"pairs,omitempty"`
}

// RatedPair is how often two models met and how it went, from A's side; A
// is the one whose slug sorts first.
type RatedPair struct {
	A     string `json:"model_a"`
	B     string `json:"model_b"`
	AWins int    `json:"a_wins"`
	Ties  int    `json:"ties"`
	BWins int    `json:"b_wins"`
}

// RatedRow is one model on the published board, best score first.
type RatedRow struct {
	ContenderID  uint    `json:"contender_id"`
	Slug         string  `json:"model"`
	DisplayName  string  `json:"display_name"`
	Organization string  `json:"organization"`
	Country      string  `json:"country"`
	License      string  `json:"license"`
	OpenWeights  bool    `json:"open_weights"`
	Score        float64 `json:"score"`
	CILower      float64 `json:"ci_lower"`
	CIUpper      float64 `json:"ci_upper"`
	RankUB       int     `json:"rank_ub"`
	// RankBest and RankWorst are the rank spread: the best and worst
	// places the intervals allow (see rating.RankSpread).
	RankBest  int     `json:"rank_best,omitempty"`
	RankWorst int     `json:"rank_worst,omitempty"`
	Votes     int     `json:"votes"`
	Wins      int     `json:"wins"`
	Ties      int     `json:"ties"`
	Losses    int     `json:"losses"`
	OnlineElo float64 `json:"online_elo"`
	// Preliminary marks a model with fewer votes than MinVotes: it is
	// shown, but its interval is wide and its place may still move a lot.
	Preliminary bool        `json:"preliminary"`
	Style       *RatedStyle `json:"style,omitempty"`
}

// WinRate is wins plus half the ties over the row's votes (0 with none).
func (r RatedRow) WinRate() float64 {
	if r.Votes == 0 {
		return 0
	}
	return (float64(r.Wins) + float64(r.Ties)/2) / float64(r.Votes)
}

// RatedStyle is a model's score, interval and rank with style held equal.
type RatedStyle struct {
	Score   float64 `json:"score"`
	CILower float64 `json:"ci_lower"`
	CIUpper float64 `json:"ci_upper"`
	RankUB  int     `json:"rank_ub"`
	// RankBest and RankWorst are the rank spread with style held equal.
	RankBest  int `json:"rank_best,omitempty"`
	RankWorst int `json:"rank_worst,omitempty"`
}

// Robustness is the fewest decisive votes that, flipped, would change the
// board's #1 by plain score (see rating.TopRobustness).
type Robustness struct {
	// Leader is the slug at the top now.
	Leader string `json:"leader"`
	// FlipsToChangeTop is the number of flips: 0 when the top is already
	// shared, -1 when no flips the search tried change it.
	FlipsToChangeTop int `json:"flips_to_change_top"`
	// Method is "exact" when the number is proven minimal, "greedy" when
	// it is an upper bound.
	Method string `json:"method"`
}

// StyleEffects are the fitted pulls of length and Markdown on votes, in
// logit units per standard deviation of each feature.
type StyleEffects struct {
	Coefficients StyleVector  `json:"coefficients"`
	CILower      *StyleVector `json:"ci_lower,omitempty"`
	CIUpper      *StyleVector `json:"ci_upper,omitempty"`
}

// StyleVector holds one number per style feature.
type StyleVector struct {
	Length float64 `json:"length"`
	Header float64 `json:"header"`
	List   float64 `json:"list"`
	Bold   float64 `json:"bold"`
}

// RatedLeaderboard returns the newest published board over all counted
// votes, or nil before the first snapshot. See RatedLeaderboardFor.
func (s *Service) RatedLeaderboard(ctx context.Context) (*RatedBoard, error) {
	return s.RatedLeaderboardFor(ctx, models.CategoryOverall)
}

// RatedLeaderboardFor returns the newest published board of a category
// ("overall", a topic of CategoryNames or a language category), or nil when
// no snapshot of it exists. A category whose votes have all gone (edited or
// excluded) has a board with no votes. Requests are served from memory: the
// database is asked which snapshots are newest at most once per
// BoardCheck, and only a changed snapshot is read and decoded.
func (s *Service) RatedLeaderboardFor(ctx context.Context, category string) (*RatedBoard, error) {
	boards, err := s.ratedBoards(ctx)
	if err != nil {
		return nil, err
	}
	return boards[category], nil
}

// RatedBoards returns the newest board of every category that has one,
// keyed by category, from the same cache as RatedLeaderboardFor. The map
// is the caller's; the boards are shared and must not be changed.
func (s *Service) RatedBoards(ctx context.Context) (map[string]*RatedBoard, error) {
	boards, err := s.ratedBoards(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*RatedBoard, len(boards))
	for c, b := range boards {
		out[c] = b
	}
	return out, nil
}

// ratedBoards brings the cache up to date if BoardCheck has passed and
// returns it; callers only read the map, which is replaced, never changed.
func (s *Service) ratedBoards(ctx context.Context) (map[string]*RatedBoard, error) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	now := time.Now()
	if s.boards != nil && now.Sub(s.checkedAt) < s.opt.BoardCheck {
		return s.boards, nil
	}
	latest, err := s.store.LatestSnapshotIDs(ctx)
	if err != nil {
		return nil, err
	}
	next := make(map[string]*RatedBoard, len(latest))
	for cat, id := range latest {
		if b := s.boards[cat]; b != nil && b.SnapshotID >= id {
			next[cat] = b
			continue
		}
		snap, err := s.store.SnapshotByID(ctx, id)
		if errors.Is(err, models.ErrNotFound) {
			continue // thinned away since; the next check finds the newer one
		}
		if err != nil {
			return nil, err
		}
		b, err := decodeBoard(snap)
		if err != nil {
			return nil, err
		}
		next[cat] = b
	}
	s.boards, s.checkedAt = next, now
	return next, nil
}

// remember puts boards this process just stored into the cache, so the
// next request sees them without waiting for BoardCheck.
func (s *Service) remember(boards []*RatedBoard) {
	s.cacheMu.Lock()
	defer s.cacheMu.Unlock()
	next := make(map[string]*RatedBoard, len(s.boards)+len(boards))
	for c, b := range s.boards {
		next[c] = b
	}
	for _, b := range boards {
		if cur := next[b.Category]; cur == nil || b.SnapshotID >= cur.SnapshotID {
			next[b.Category] = b
		}
	}
	if s.boards != nil {
		// Otherwise other categories are unknown yet: the next request
		// looks them up.
		s.checkedAt = time.Now()
	}
	s.boards = next
}

func decodeBoard(snap *models.RatingSnapshot) (*RatedBoard, error) {
	var b RatedBoard
	if err := json.Unmarshal([]byte(snap.Result), &b); err != nil {
		return nil, fmt.Errorf("rating snapshot %d: %w", snap.ID, err)
	}
	b.SnapshotID, b.ComputedAt, b.votesRead = snap.ID, snap.CreatedAt, snap.VotesUsed
	return &b, nil
}
