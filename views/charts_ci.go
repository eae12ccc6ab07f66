package views

import (
	"math"
	"strconv"
)

// CIPlot is every model's score with its 95% interval, best first.
type CIPlot struct {
	Rows []CIRow
}

// CIRow is one model on the CI plot.
type CIRow struct {
	Name        string
	Score       float64
	Lower       float64
	Upper       float64
	Preliminary bool
}

// Layout of the CI plot, in viewBox units. 640 wide reads on a desktop
// and scales down to a phone; rows stay 16 high so a hundred models make a
// tall but legible chart.
const (
	ciWidth  = 640.0
	ciLabel  = 178.0
	ciRight  = 16.0
	ciRowH   = 16.0
	ciTop    = 28.0
	ciBottom = 10.0
)

// SVG draws the plot: one interval bar (class ci-bar) and one point
// (class ci-point) per model, on a shared score axis.
func (p CIPlot) SVG(id string) string {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range p.Rows {
		lo, hi = math.Min(lo, math.Min(r.Lower, r.Score)), math.Max(hi, math.Max(r.Upper, r.Score))
	}
	if len(p.Rows) == 0 {
		lo, hi = 950, 1050
	}
	pad := math.Max((hi-lo)*0.05, 5)
	lo, hi = lo-pad, hi+pad
	height := ciTop + ciRowH*float64(max(len(p.Rows), 1)) + ciBottom
	x := scale{lo, hi, ciLabel, ciWidth - ciRight}
	var w svgBuf
	w.Grow(256 + 420*len(p.Rows))
	w.open(id, "ci-plot", ciWidth, height, "Arena score with 95% interval",
		strconv.Itoa(len(p.Rows))+" models ordered by arena score; each dot is a score and each bar its 95% confidence interval. The same numbers are in the table that follows.")
	for _, t := range niceTicks(lo, hi, 6) {
		xt := x.at(t)
		w.line(xt, ciTop-6, xt, height-ciBottom, "grid")
		w.text(xt, ciTop-10, "tick", "middle", strconv.FormatFloat(t, 'f', -1, 64))
	}
	for i, r := range p.Rows {
		y := ciTop + ciRowH*float64(i) + ciRowH/2
		w.text(ciLabel-6, y+4, "label", "end", clip(r.Name, 26))
		cls := "ci-bar"
		if r.Preliminary {
			cls += " prelim"
		}
		w.WriteString(`<g><title>` + esc(r.Name) + `: ` + strconv.FormatFloat(math.Round(r.Score), 'f', 0, 64) +
			` (` + strconv.FormatFloat(math.Round(r.Lower), 'f', 0, 64) + `–` + strconv.FormatFloat(math.Round(r.Upper), 'f', 0, 64) + `)</title>`)
		w.line(x.at(r.Lower), y, x.at(r.Upper), y, cls)
		w.WriteString(`<circle cx="` + num(x.at(r.Score)) + `" cy="` + num(y) + `" r="3.5" class="ci-point"/></g>`)
	}
	w.close()
	return w.String()
}
