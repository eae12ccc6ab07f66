package boards

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"time"

	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/lifecycle"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// BoardQuery picks a view of a published board: which category, whether
// scores are style-controlled, which models are shown and in which order.
// The zero value is the overall board, plain scores, every model, by rank.
type BoardQuery struct {
	// Category is "overall" when empty.
	Category string
	// Style shows the style-controlled score, interval and rank, with the
	// plain rank beside; otherwise the plain ones with the style rank beside.
	Style bool
	// OpenWeights keeps only models with open weights.
	OpenWeights bool
	// Organization, Country and License, when not empty, keep the models
	// whose metadata equals them (ignoring case).
	Organization, Country, License string
	// HidePreliminary leaves out models under the minimum-votes rule.
	HidePreliminary bool
	// ShowRetired keeps retired models, hidden by default (lifecycle).
	ShowRetired bool
	// Sort is one of BoardSorts ("" is "rank"); Desc reverses it.
	Sort string
	Desc bool
	// At, when set, asks for the board as it was published then: the
	// newest snapshot stored before At (see Service.Board).
	At time.Time
}

// BoardSorts are the orders a board view can be sorted in.
var BoardSorts = []string{"rank", "model", "score", "ci", "votes", "organization", "country", "license"}

// ErrBadSort means a BoardQuery named an order not in BoardSorts.
var ErrBadSort = fault.New(fault.Invalid, "unknown sort order")

// BoardView is one view of a published board.
type BoardView struct {
	// Board is the snapshot the view was made from; its rows are not
	// filtered (use Rows).
	Board *RatedBoard
	// Rows are the models shown, in the order asked for.
	Rows []ViewRow
	// Organizations, Countries and Licenses are the distinct values of the
	// whole board, for the filters.
	Organizations, Countries, Licenses []string
	// TieGroups are the slugs of the rows in groups of statistical ties
	// (see rating.TieGroups), by the view's scores, best group first.
	TieGroups [][]string
	// ChangeSince is when the board the rows' changes are measured
	// against was computed; zero when there is none (see markChanges).
	ChangeSince time.Time
}

// ViewRow is one model as a board view shows it. Score, interval and RankUB are
// the view's (style-controlled or plain); PlainRankUB and StyleRankUB are
// both ranks (StyleRankUB is 0 without style control). All ranks are
// among the models shown: filters that hide a model also lift the ranks of
// those it was above.
type ViewRow struct {
	RatedRow
	Score, CILower, CIUpper float64
	RankUB                  int
	PlainRankUB             int
	StyleRankUB             int
	// RankBest and RankWorst are the view's rank spread among the rows
	// shown; RankBest equals RankUB.
	RankBest, RankWorst int
	// Status is the row's lifecycle status (lifecycle.Of).
	Status string
	// Change is the score's change since the board of ChangeWindow
	// before, and whether it is significant; nil when not compared.
	Change *rating.ScoreChange
}

// View returns the view of the newest board q asks for, or nil when
// the category has no board. Metadata (names, organisation, country,
// licence, open weights) comes from the contenders as they are now, so an
// admin's edit shows without a recomputation.
func (s *Service) View(ctx context.Context, q BoardQuery) (*BoardView, error) {
	if q.Sort == "" {
		q.Sort = "rank"
	}
	if !slices.Contains(BoardSorts, q.Sort) {
		return nil, ErrBadSort
	}
	if q.Category == "" {
		q.Category = models.CategoryOverall
	}
	b, err := s.Board(ctx, q.Category, q.At)
	if err != nil || b == nil {
		return nil, err
	}
	meta, err := s.boardContenders(ctx)
	if err != nil {
		return nil, err
	}
	v := &BoardView{Board: b, Rows: []ViewRow{}}
	orgs, countries, licenses := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, r := range b.Models {
		if c, ok := meta[r.Slug]; ok {
			r.DisplayName, r.Organization, r.Country, r.License, r.OpenWeights =
				c.DisplayName, c.Organization, c.Country, c.License, c.OpenWeights
		}
		orgs[r.Organization], countries[r.Country], licenses[r.License] = true, true, true
		status := lifecycle.Of(meta[r.Slug].Status, r.Preliminary)
		if !q.keeps(r) || (!q.ShowRetired && lifecycle.Hidden(status)) {
			continue
		}
		row := ViewRow{RatedRow: r, Score: r.Score, CILower: r.CILower, CIUpper: r.CIUpper, Status: status}
		if q.Style && r.Style != nil {
			row.Score, row.CILower, row.CIUpper = r.Style.Score, r.Style.CILower, r.Style.CIUpper
		}
		v.Rows = append(v.Rows, row)
	}
	rankShown(v.Rows, q.Style)
	v.TieGroups = spreadShown(v.Rows)
	if err := s.markChanges(ctx, v, q.Category, q.Style); err != nil {
		return nil, err
	}
	sortRows(v.Rows, q.Sort, q.Desc)
	v.Organizations, v.Countries, v.Licenses = keys(orgs), keys(countries), keys(licenses)
	return v, nil
}

func (q BoardQuery) keeps(r RatedRow) bool {
	match := func(want, have string) bool { return want == "" || strings.EqualFold(want, have) }
	return (!q.OpenWeights || r.OpenWeights) && (!q.HidePreliminary || !r.Preliminary) &&
		match(q.Organization, r.Organization) && match(q.Country, r.Country) && match(q.License, r.License)
}

// rankShown sets every rank among the rows: Rank (UB) is 1 plus the number
// of shown models whose lower bound is above this one's upper bound.
func rankShown(rows []ViewRow, style bool) {
	rank := func(lower, upper func(ViewRow) float64) []int {
		out := make([]int, len(rows))
		for i, r := range rows {
			out[i] = 1
			for _, o := range rows {
				if lower(o) > upper(r) {
					out[i]++
				}
			}
		}
		return out
	}
	plain := rank(func(r ViewRow) float64 { return r.RatedRow.CILower }, func(r ViewRow) float64 { return r.RatedRow.CIUpper })
	hasStyle := len(rows) > 0
	for _, r := range rows {
		hasStyle = hasStyle && r.Style != nil
	}
	var styled []int
	if hasStyle {
		styled = rank(func(r ViewRow) float64 { return r.Style.CILower }, func(r ViewRow) float64 { return r.Style.CIUpper })
	}
	for i := range rows {
		rows[i].PlainRankUB, rows[i].RankUB = plain[i], plain[i]
		if styled != nil {
			rows[i].StyleRankUB = styled[i]
			if style {
				rows[i].RankUB = styled[i]
			}
		}
	}
}

// sortRows orders rows by key, ties broken by rank and then score (best
// first) and slug, so every order is total and a permalink shows the same
// table each time.
func sortRows(rows []ViewRow, key string, desc bool) {
	slices.SortStableFunc(rows, func(x, y ViewRow) int {
		var c int
		switch key {
		case "model":
			c = cmp.Compare(strings.ToLower(x.DisplayName), strings.ToLower(y.DisplayName))
		case "score":
			c = -cmp.Compare(x.Score, y.Score) // best first
		case "ci":
			c = cmp.Compare(x.CIUpper-x.CILower, y.CIUpper-y.CILower) // narrowest first
		case "votes":
			c = -cmp.Compare(x.Votes, y.Votes) // most first
		case "organization":
			c = cmp.Compare(strings.ToLower(x.Organization), strings.ToLower(y.Organization))
		case "country":
			c = cmp.Compare(strings.ToLower(x.Country), strings.ToLower(y.Country))
		case "license":
			c = cmp.Compare(strings.ToLower(x.License), strings.ToLower(y.License))
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(x.RankUB, y.RankUB), -cmp.Compare(x.Score, y.Score), cmp.Compare(x.Slug, y.Slug))
	})
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		if k != "" {
			out = append(out, k)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

// CategorySummary is one category's board in brief, for the tabs.
type CategorySummary struct {
	Name   string
	Votes  int
	Models int
}

// A category gets a tab of its own once its board rated MinTabVotes votes
// between at least MinTabModels models: a language misdetected once must not
// open a tab whose board is one vote. Its board is still served by URL.
const (
	MinTabVotes  = 5
	MinTabModels = 2
)

// MinIntervalVotes is how many votes a model needs in a board before the
// page shows its interval: with fewer the bootstrap draws the same few
// votes every round and the interval collapses to a point ("1000–1000"),
// which reads as certainty where there is almost none.
const MinIntervalVotes = 10

// Categories lists the categories with a tab (see MinTabVotes; overall
// whenever it rated a vote): overall first, then the topics in CategoryNames order, then
// the languages by votes (most first), then any other (from bank files).
func (s *Service) Categories(ctx context.Context) ([]CategorySummary, error) {
	boards, err := s.ratedBoards(ctx)
	if err != nil {
		return nil, err
	}
	var out []CategorySummary
	for name, b := range boards {
		if name == models.CategoryOverall && b.Votes > 0 || b.Votes >= MinTabVotes && len(b.Models) >= MinTabModels {
			out = append(out, CategorySummary{Name: name, Votes: b.Votes, Models: len(b.Models)})
		}
	}
	group := func(name string) int {
		switch {
		case name == models.CategoryOverall:
			return 0
		case slices.Contains(categories.Names, name):
			return 1
		case strings.HasPrefix(name, categories.LanguagePrefix):
			return 2
		}
		return 3
	}
	slices.SortFunc(out, func(x, y CategorySummary) int {
		gx, gy := group(x.Name), group(y.Name)
		switch {
		case gx != gy:
			return cmp.Compare(gx, gy)
		case gx == 1:
			return cmp.Compare(slices.Index(categories.Names, x.Name), slices.Index(categories.Names, y.Name))
		case gx == 2:
			return cmp.Or(-cmp.Compare(x.Votes, y.Votes), cmp.Compare(x.Name, y.Name))
		}
		return cmp.Compare(x.Name, y.Name)
	})
	return out, nil
}

// Version identifies the boards a page shows: it changes when a newer
// snapshot of the overall board or of category lands. It is served from
// the cache, so polling it costs at most one small query per BoardCheck.
func (s *Service) Version(ctx context.Context, category string) (overall, cat uint, err error) {
	boards, err := s.ratedBoards(ctx)
	if err != nil {
		return 0, 0, err
	}
	if b := boards[models.CategoryOverall]; b != nil {
		overall = b.SnapshotID
	}
	if b := boards[category]; b != nil {
		cat = b.SnapshotID
	}
	return overall, cat, nil
}

// boardContenders returns the contenders by slug, read at most once per
// BoardCheck: metadata edits show within that, and serving the board does
// not query the contenders per request.
func (s *Service) boardContenders(ctx context.Context) (map[string]models.Contender, error) {
	s.metaMu.Lock()
	defer s.metaMu.Unlock()
	if s.meta != nil && time.Since(s.metaAt) < s.opt.BoardCheck {
		return s.meta, nil
	}
	cs, err := s.store.Contenders(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]models.Contender, len(cs))
	for _, c := range cs {
		m[c.Slug] = c
	}
	s.meta, s.metaAt = m, time.Now()
	return m, nil
}
