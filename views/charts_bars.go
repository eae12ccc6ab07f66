package views

import (
	"strconv"
)

// WinRateChart is each model's average win rate against all opponents
// (ties half), highest first.
type WinRateChart struct {
	Rows []WinRateRow
}

// WinRateRow is one model's bar.
type WinRateRow struct {
	Name    string
	WinRate float64
	Votes   int
}

const (
	wrWidth = 640.0
	wrLabel = 178.0
	wrRight = 48.0
	wrRowH  = 16.0
	wrTop   = 24.0
)

// SVG draws one bar (class wr-bar) per model, on a 0–100% axis with the
// even line marked.
func (c WinRateChart) SVG(id string) string {
	height := wrTop + wrRowH*float64(max(len(c.Rows), 1)) + 8
	x := scale{0, 1, wrLabel, wrWidth - wrRight}
	var w svgBuf
	w.Grow(256 + 300*len(c.Rows))
	w.open(id, "win-rate", wrWidth, height, "Average win rate",
		"Share of battles each of "+strconv.Itoa(len(c.Rows))+" models won against all opponents, ties counted half, highest first.")
	for _, t := range []float64{0, 0.25, 0.5, 0.75, 1} {
		cls := "grid"
		if t == 0.5 {
			cls = "grid even"
		}
		w.line(x.at(t), wrTop-4, x.at(t), height-8, cls)
		w.text(x.at(t), wrTop-8, "tick", "middle", strconv.Itoa(int(t*100))+"%")
	}
	for i, r := range c.Rows {
		y := wrTop + wrRowH*float64(i)
		pct := strconv.FormatFloat(100*r.WinRate, 'f', 1, 64) + "%"
		w.text(wrLabel-6, y+wrRowH/2+4, "label", "end", clip(r.Name, 26))
		w.WriteString(`<g><title>` + esc(r.Name) + `: ` + pct + ` of ` + strconv.Itoa(r.Votes) + ` battles</title>`)
		w.WriteString(`<rect x="` + num(wrLabel) + `" y="` + num(y+3) + `" width="` + num(x.at(r.WinRate)-wrLabel) + `" height="` + num(wrRowH-6) + `" class="wr-bar"/></g>`)
		w.text(x.at(r.WinRate)+4, y+wrRowH/2+4, "value", "", pct)
	}
	w.close()
	return w.String()
}
