package rating

// CIMethod selects how confidence intervals are computed.
type CIMethod string

// The interval methods.
const (
	// CIBootstrap resamples battles; the arena's leaderboard default.
	CIBootstrap CIMethod = "bootstrap"
	// CISandwich is the robust (sandwich) covariance, arena-rank's default.
	CISandwich CIMethod = "sandwich"
)

// DefaultMinVotes is how many battles a model needs before its rating is
// no longer marked preliminary.
const DefaultMinVotes = 300

// Options configure ComputeBoard.
type Options struct {
	Elo   EloParams
	BT    BTParams
	Style StyleParams // its BT field is ignored: Options.BT applies to both
	// StyleControl adds the style-controlled view (needs style counts).
	StyleControl bool
	CI           CIMethod
	// Level is the interval coverage, 0.95 on the arena.
	Level     float64
	Bootstrap BootstrapOptions
	// GivenCells and GivenCounts, when set, replace the random bootstrap
	// of the arena score with these per-round counts over these cells
	// (see ReadBootstrapCounts).
	GivenCells  []Cell
	GivenCounts [][]int
	// Draws, when set, keeps the arena score's bootstrap draws for the
	// next computation of the same board, which then redraws only the
	// cells whose counts changed (see DrawCache). It never changes a
	// result.
	Draws *DrawCache
	// MinVotes marks models with fewer battles as preliminary.
	MinVotes int
	// Reweight fits the arena score with pair reweighting (see
	// ReweightCells), so every pair of models counts about equally; off
	// by default, as on the arena. Style control is not reweighted.
	Reweight bool
	// MinPairCount is reweighting's pair-count floor; 0 means
	// DefaultMinPairCount.
	MinPairCount int
}

// DefaultOptions are the arena's: Elo K=4, BT on scale 400 centred at 1000,
// 95% intervals from a 100-round bootstrap, no style control.
func DefaultOptions() Options {
	return Options{
		Elo: DefaultElo, BT: DefaultBT, Style: DefaultStyle, CI: CIBootstrap, Level: 0.95,
		Bootstrap: BootstrapOptions{Rounds: 100}, MinVotes: DefaultMinVotes,
	}
}

// Board is a computed leaderboard.
type Board struct {
	// Battles is the number of battles rated.
	Battles int
	// Models are the models with at least one battle, best score first.
	Models []ModelRating
	// Style holds the style coefficients when style control ran.
	Style *StyleSummary
}

// ModelRating is one model's line on the board.
type ModelRating struct {
	Model string
	// Index is the model's position in the names given to ComputeBoard.
	Index     int
	OnlineElo float64
	// Score is the Bradley–Terry arena score; CI its interval.
	Score  float64
	CI     Interval
	RankUB int
	// RankBest and RankWorst are the rank spread (see RankSpread): the
	// best and worst places the intervals allow. RankBest equals RankUB.
	RankBest, RankWorst int
	// Battles counts the model's battles; below Options.MinVotes the
	// rating is Preliminary.
	Battles     int
	Preliminary bool
	// Style is the style-controlled view, when computed.
	Style *StyleRating
}

// StyleRating is a model's style-controlled score, interval and rank.
type StyleRating struct {
	Score               float64
	CI                  Interval
	RankUB              int
	RankBest, RankWorst int
}

// StyleSummary reports the fitted style effects (logit units per standard
// deviation of each feature, in StyleFeatureNames order) and, with a
// bootstrap, their intervals.
type StyleSummary struct {
	Coefficients [NumStyleFeatures]float64
	CI           *[NumStyleFeatures]Interval
	Norm         StyleNormalisation
}
