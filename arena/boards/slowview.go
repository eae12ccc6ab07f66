package boards

import "openarena.dev/arena/models"

// The overall board has a fast part and a slow part. The fast part — the
// plain arena scores with their bootstrap intervals, ranks, tie groups,
// head-to-head pairs and the inputs digest — is recomputed after every
// burst of votes and costs about a second at a million votes, whatever the
// number of votes. The slow part — the style-controlled view, which
// refits a regression over every vote per bootstrap round, and the
// robustness of #1, which refits the board many times — grows with the
// votes and is recomputed with the category boards, in the background (see
// slowJob), at most every CategoryInterval while votes keep coming. Between
// two slow computations each new overall board carries the last slow view,
// and says from which votes it was computed (RatedBoard.ViewsAsOf).

// slowView is the slow part of an overall board and the votes it rated.
type slowView struct {
	// gen is Service.ratedGen when its votes were taken; a view of older
	// votes is behind.
	gen            uint64
	mark           models.VoteMark
	votes          int
	style          map[string]*RatedStyle
	effects        *StyleEffects
	styleError     string
	styleTieGroups [][]string
	robustness     *Robustness
}

// VotesAsOf names the votes a part of a board was computed from: the
// number rated and the newest vote id among them.
type VotesAsOf struct {
	Votes      int  `json:"votes"`
	LastVoteID uint `json:"last_vote_id"`
}

// viewOf takes the slow part of a board computed in full, or carrying a
// view itself (then the view keeps the older votes it names).
func viewOf(b *RatedBoard) *slowView {
	v := &slowView{
		mark: models.VoteMark{Count: b.votesRead, LastID: b.LastVoteID}, votes: b.Votes,
		style: make(map[string]*RatedStyle, len(b.Models)), effects: b.Style, styleError: b.StyleError,
		styleTieGroups: b.StyleTieGroups, robustness: b.Robustness,
	}
	if b.ViewsAsOf != nil {
		v.mark = models.VoteMark{Count: -1, LastID: b.ViewsAsOf.LastVoteID}
		v.votes = b.ViewsAsOf.Votes
	}
	for _, m := range b.Models {
		if m.Style != nil {
			v.style[m.Slug] = m.Style
		}
	}
	return v
}

// carry puts the view into a board whose fast part was just computed. A
// model the view did not rate yet has no style-controlled row until the
// next slow computation.
func (v *slowView) carry(b *RatedBoard) {
	if v == nil {
		return
	}
	for i := range b.Models {
		b.Models[i].Style = v.style[b.Models[i].Slug]
	}
	b.Style, b.StyleError, b.StyleTieGroups, b.Robustness = v.effects, v.styleError, v.styleTieGroups, v.robustness
	if v.votes != b.Votes || v.mark.LastID != b.LastVoteID || v.mark.Count != b.votesRead {
		b.ViewsAsOf = &VotesAsOf{Votes: v.votes, LastVoteID: v.mark.LastID}
	}
}
