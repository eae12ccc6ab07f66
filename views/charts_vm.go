package views

// LeaderboardChartsVM is everything the leaderboard's charts show, in plain
// values: the handlers build it from a rated board and its history, and the
// charts never see the arena. Build it once per snapshot and call Rendered,
// so the SVG is written once and served many times.
type LeaderboardChartsVM struct {
	// Category is the board's category, for headings ("overall", "coding").
	Category string
	// Votes and ComputedAt say what the charts were drawn from.
	Votes      int
	ComputedAt string
	CI         CIPlot
	// WinFraction and Battles cover the best-rated models only: a square
	// of a hundred models would be unreadable on any screen.
	WinFraction Heatmap
	Battles     Heatmap
	WinRate     WinRateChart
	// History is the rating of the best-rated models over time; OrgBest and
	// CountryBest the best open-weights score of each organisation and
	// country; Leaders who held the best open-weights model each period.
	History     LineChart
	OrgBest     LineChart
	CountryBest LineChart
	Leaders     []LeaderPeriod
	// LeaderUnit is the length of a Leaders period: "month", "day", "hour".
	LeaderUnit string

	svg renderedCharts
}

// LeaderPeriod is the best open-weights model at the end of one period.
type LeaderPeriod struct {
	Period       string
	Model        string
	Organization string
	Country      string
	Score        float64
}

// renderedCharts holds the charts' markup once Rendered has written it.
type renderedCharts struct {
	done                              bool
	ci, winFraction, battles, winRate string
	history, orgBest, countryBest     string
}

// Rendered returns vm with every chart's SVG written, so that rendering the
// page afterwards only copies bytes. A VM not passed through Rendered still
// renders, just with the cost paid on every request.
func (vm LeaderboardChartsVM) Rendered() LeaderboardChartsVM {
	vm.svg = renderedCharts{done: true,
		ci:          vm.CI.SVG("chart-ci"),
		winFraction: vm.WinFraction.SVG("chart-winfrac"),
		battles:     vm.Battles.SVG("chart-battles"),
		winRate:     vm.WinRate.SVG("chart-winrate"),
		history:     vm.History.SVG("chart-history"),
		orgBest:     vm.OrgBest.SVG("chart-org"),
		countryBest: vm.CountryBest.SVG("chart-country"),
	}
	return vm
}

// charts returns the written charts, writing them now if Rendered was not
// called.
func (vm LeaderboardChartsVM) charts() renderedCharts {
	if vm.svg.done {
		return vm.svg
	}
	return vm.Rendered().svg
}
