package views

import "strconv"

// ShareChart is one week of the sampling ledger: each contender's share of
// the week's battles as a bar, with a mark at what a uniform sampler would
// have given it.
type ShareChart struct {
	Week string
	Rows []ShareRow
}

// ShareRow is one contender's bar.
type ShareRow struct {
	Name           string
	Share, Uniform float64
	Battles        int
}

// SVG draws one bar (class share-bar) per contender on an axis from 0 to
// the largest share or uniform share, and a mark (class uniform-mark) at
// the uniform share.
func (c ShareChart) SVG(id string) string {
	height := wrTop + wrRowH*float64(max(len(c.Rows), 1)) + 8
	top := 0.0
	for _, r := range c.Rows {
		top = max(top, r.Share, r.Uniform)
	}
	ticks := niceTicks(0, max(top, 0.05), 4)
	x := scale{0, max(ticks[len(ticks)-1], top), wrLabel, wrWidth - wrRight}
	var w svgBuf
	w.Grow(256 + 400*len(c.Rows))
	w.open(id, "share", wrWidth, height, "Share of battles, week "+c.Week,
		"Each of "+strconv.Itoa(len(c.Rows))+" models' share of the week's sampled battles (bars) against the share a uniform sampler would have given (marks).")
	for _, t := range ticks {
		w.line(x.at(t), wrTop-4, x.at(t), height-8, "grid")
		w.text(x.at(t), wrTop-8, "tick", "middle", strconv.FormatFloat(100*t, 'f', 0, 64)+"%")
	}
	for i, r := range c.Rows {
		y := wrTop + wrRowH*float64(i)
		pct := strconv.FormatFloat(100*r.Share, 'f', 1, 64) + "%"
		w.text(wrLabel-6, y+wrRowH/2+4, "label", "end", clip(r.Name, 26))
		w.WriteString(`<g><title>` + esc(r.Name) + `: ` + pct + ` (` + strconv.Itoa(r.Battles) + ` battles), uniform ` +
			strconv.FormatFloat(100*r.Uniform, 'f', 1, 64) + `%</title>`)
		w.WriteString(`<rect x="` + num(wrLabel) + `" y="` + num(y+3) + `" width="` + num(x.at(r.Share)-wrLabel) + `" height="` + num(wrRowH-6) + `" class="share-bar"/></g>`)
		w.line(x.at(r.Uniform), y+1, x.at(r.Uniform), y+wrRowH-1, "uniform-mark")
		w.text(x.at(max(r.Share, r.Uniform))+4, y+wrRowH/2+4, "value", "", pct)
	}
	w.close()
	return w.String()
}
