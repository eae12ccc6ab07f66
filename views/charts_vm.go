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

	svg renderedCharts
}

// renderedCharts holds the charts' markup once Rendered has written it.
type renderedCharts struct {
	ci string
}

// Rendered returns vm with every chart's SVG written, so that rendering the
// page afterwards only copies bytes. A VM not passed through Rendered still
// renders, just with the cost paid on every request.
func (vm LeaderboardChartsVM) Rendered() LeaderboardChartsVM {
	vm.svg.ci = vm.CI.SVG("chart-ci")
	return vm
}

func (vm LeaderboardChartsVM) ciSVG() string {
	if vm.svg.ci != "" {
		return vm.svg.ci
	}
	return vm.CI.SVG("chart-ci")
}
