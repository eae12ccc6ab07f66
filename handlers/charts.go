package handlers

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/views"
)

// leaderboardCharts returns the charts of a rated board (nil: the empty
// charts block), with their SVG already written. The leaderboard page
// places the result with views.LeaderboardCharts. Drawing them costs
// milliseconds (about 20 for 100 models and 200 computations), so they are
// drawn once per snapshot of the board and of its history and kept.
func (s *Server) leaderboardCharts(ctx context.Context, b *boards.RatedBoard) (views.LeaderboardChartsVM, error) {
	if b == nil {
		return views.LeaderboardChartsVM{}, nil
	}
	cat := categoryOf(b)
	h, err := s.arena.Boards().RatingHistory(ctx, cat)
	if err != nil {
		return views.LeaderboardChartsVM{}, err
	}
	return s.charts.get(cat, b.SnapshotID, h.NewestID, func() views.LeaderboardChartsVM {
		return leaderboardChartsVM(b, h).Rendered()
	}), nil
}

// chartsCache keeps each category's drawn charts with the snapshots they
// were drawn from.
type chartsCache struct {
	mu  sync.Mutex
	cat map[string]chartsEntry
}

type chartsEntry struct {
	board, history uint
	vm             views.LeaderboardChartsVM
}

// get returns the cached charts of a category when they were drawn from
// these snapshots, and otherwise draws them. The lock is held while
// drawing, so that many requests arriving with a new snapshot draw it
// once rather than each.
func (c *chartsCache) get(cat string, board, history uint, draw func() views.LeaderboardChartsVM) views.LeaderboardChartsVM {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cat[cat]; ok && e.board == board && e.history == history {
		return e.vm
	}
	if c.cat == nil {
		c.cat = make(map[string]chartsEntry)
	}
	vm := draw()
	c.cat[cat] = chartsEntry{board: board, history: history, vm: vm}
	return vm
}

// categoryOf is the board's category; boards stored before categories
// existed have none and are the overall board.
func categoryOf(b *boards.RatedBoard) string {
	if b.Category == "" {
		return "overall"
	}
	return b.Category
}

// How many models the heatmaps and the history chart show, and how many
// organisations and countries get a line: beyond these a chart stops being
// readable, and the tables and model pages hold the rest.
const (
	heatmapModels = 15
	historyModels = 10
	historyGroups = 8
)

// leaderboardChartsVM turns a rated board and its history into the charts'
// view model; h may be nil.
func leaderboardChartsVM(b *boards.RatedBoard, h *boards.History) views.LeaderboardChartsVM {
	vm := views.LeaderboardChartsVM{Category: categoryOf(b), Votes: b.Votes}
	vm.ComputedAt, _ = when(b.ComputedAt)
	vm.CI.Rows = make([]views.CIRow, len(b.Models))
	for i, r := range b.Models {
		vm.CI.Rows[i] = views.CIRow{Name: r.DisplayName, Score: r.Score, Lower: r.CILower, Upper: r.CIUpper, Preliminary: r.Preliminary}
	}
	vm.WinFraction, vm.Battles = heatmaps(b, heatmapModels)
	vm.WinRate.Rows = make([]views.WinRateRow, 0, len(b.Models))
	for _, r := range b.Models {
		if r.Votes > 0 {
			vm.WinRate.Rows = append(vm.WinRate.Rows, views.WinRateRow{Name: r.DisplayName, WinRate: r.WinRate(), Votes: r.Votes})
		}
	}
	slices.SortStableFunc(vm.WinRate.Rows, func(x, y views.WinRateRow) int { return cmp.Compare(y.WinRate, x.WinRate) })
	if h != nil && len(h.Points) > 0 {
		vm.History = modelHistory(b, h, historyModels)
		vm.OrgBest = bestOpenBy(h, "organisation", func(m boards.HistoryModel) string { return m.Organization })
		vm.CountryBest = bestOpenBy(h, "country", func(m boards.HistoryModel) string { return m.Country })
		vm.Leaders, vm.LeaderUnit = openLeaders(h)
	}
	return vm
}

// heatmaps builds the win-fraction and battle-count squares of the n
// best-rated models.
func heatmaps(b *boards.RatedBoard, n int) (frac, count views.Heatmap) {
	top := b.Models[:min(n, len(b.Models))]
	rec := b.Records()
	frac.Names = make([]string, len(top))
	frac.Cells = make([][]views.HeatCell, len(top))
	for i, x := range top {
		frac.Names[i] = x.DisplayName
		frac.Cells[i] = make([]views.HeatCell, len(top))
		for j, y := range top {
			if r, ok := rec[[2]string{x.Slug, y.Slug}]; ok && i != j {
				frac.Cells[i][j] = views.HeatCell{Battles: r.Battles(), WinFraction: r.WinFraction()}
			}
		}
	}
	count = frac
	count.Count = true
	return frac, count
}

// modelHistory draws the rating over time of the board's n best models.
func modelHistory(b *boards.RatedBoard, h *boards.History, n int) views.LineChart {
	top := b.Models[:min(n, len(b.Models))]
	at := make(map[string]int, len(top))
	c := views.LineChart{Title: "Arena score over time of the " + strconv.Itoa(len(top)) + " best-rated models",
		Desc:   "One line per model, from " + strconv.Itoa(len(h.Points)) + " stored computations of the board.",
		Series: make([]views.Series, len(top))}
	for i, m := range top {
		at[m.Slug] = i
		c.Series[i].Name = m.DisplayName
	}
	for _, p := range h.Points {
		for _, m := range p.Models {
			if i, ok := at[m.Slug]; ok {
				c.Series[i].Points = append(c.Series[i].Points, views.SeriesPoint{At: p.At, Value: m.Score})
			}
		}
	}
	return c
}

// bestOpen returns, per group, the best-scored open-weights model of a
// point; models without a group are left out.
func bestOpen(p boards.HistoryPoint, group func(boards.HistoryModel) string) map[string]boards.HistoryModel {
	best := make(map[string]boards.HistoryModel)
	for _, m := range p.Models {
		g := group(m)
		if !m.OpenWeights || g == "" {
			continue
		}
		if cur, ok := best[g]; !ok || m.Score > cur.Score {
			best[g] = m
		}
	}
	return best
}

// bestOpenBy draws, for the groups whose best open model scores highest
// now, that best score over time as steps.
func bestOpenBy(h *boards.History, noun string, group func(boards.HistoryModel) string) views.LineChart {
	series := make(map[string]*views.Series)
	for _, p := range h.Points {
		for g, m := range bestOpen(p, group) {
			s := series[g]
			if s == nil {
				s = &views.Series{Name: g}
				series[g] = s
			}
			s.Points = append(s.Points, views.SeriesPoint{At: p.At, Value: m.Score, Note: m.DisplayName})
		}
	}
	all := make([]views.Series, 0, len(series))
	latest := h.Points[len(h.Points)-1].At
	for _, s := range series {
		all = append(all, *s)
	}
	// Groups still present in the newest computation first, then by their
	// last best score.
	slices.SortFunc(all, func(x, y views.Series) int {
		xl, yl := x.Points[len(x.Points)-1], y.Points[len(y.Points)-1]
		if c := cmp.Compare(boolInt(yl.At.Equal(latest)), boolInt(xl.At.Equal(latest))); c != 0 {
			return c
		}
		if c := cmp.Compare(yl.Value, xl.Value); c != 0 {
			return c
		}
		return cmp.Compare(x.Name, y.Name)
	})
	all = all[:min(len(all), historyGroups)]
	return views.LineChart{Title: "Best open-weights model per " + noun + " over time", Step: true, Series: all,
		Desc: "For the " + strconv.Itoa(len(all)) + " leading " + noun + "s, the arena score of their best open-weights model at each stored computation."}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// openLeaders lists, for each month (or day, or hour, when the history is
// shorter), the best open-weights model at the last computation of it.
func openLeaders(h *boards.History) ([]views.LeaderPeriod, string) {
	span := h.Points[len(h.Points)-1].At.Sub(h.Points[0].At)
	unit, layout := "hour", "2 Jan 2006 15:00"
	switch {
	case span >= 60*24*time.Hour:
		unit, layout = "month", "January 2006"
	case span >= 2*24*time.Hour:
		unit, layout = "day", "2 Jan 2006"
	}
	var out []views.LeaderPeriod
	for i, p := range h.Points {
		period := p.At.UTC().Format(layout)
		if i+1 < len(h.Points) && h.Points[i+1].At.UTC().Format(layout) == period {
			continue // not the last computation of its period
		}
		var best *boards.HistoryModel
		for j, m := range p.Models {
			if m.OpenWeights && (best == nil || m.Score > best.Score) {
				best = &p.Models[j]
			}
		}
		if best != nil {
			out = append(out, views.LeaderPeriod{Period: period, Model: best.DisplayName,
				Organization: best.Organization, Country: best.Country, Score: best.Score})
		}
	}
	return out, unit
}
