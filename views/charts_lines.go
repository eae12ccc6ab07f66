package views

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// LineChart is scores over time, one line per series: each model's rating,
// or the best open-weights model of each organisation or country (drawn
// as steps, since the leader changes at a snapshot and holds until the
// next).
type LineChart struct {
	Title string
	Desc  string
	// Step draws steps instead of straight segments.
	Step   bool
	Series []Series
}

// Series is one line; its points are in time order.
type Series struct {
	Name   string
	Points []SeriesPoint
	// Band shades the points' Lower–Upper interval around the line.
	Band bool
}

// SeriesPoint is a value at a time; Note says more in the tooltip (e.g. the
// model that held an organisation's best score). Lower and Upper are the
// interval drawn when the series has a band.
type SeriesPoint struct {
	At           time.Time
	Value        float64
	Lower, Upper float64
	Note         string
}

// seriesColours is how many series get a colour of their own (classes
// s0…s9 in app.css); more cycle.
const seriesColours = 10

const (
	lcWidth  = 640.0
	lcLeft   = 48.0
	lcRight  = 12.0
	lcTop    = 12.0
	lcPlotH  = 240.0
	lcAxis   = 22.0
	lcLegend = 18.0
)

// SVG draws one path (class line) per series, a dot at each series' last
// point, time along the bottom and the score up the side, and a legend.
func (c LineChart) SVG(id string) string {
	var t0, t1 time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, p := range s.Points {
			if t0.IsZero() || p.At.Before(t0) {
				t0 = p.At
			}
			if p.At.After(t1) {
				t1 = p.At
			}
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
			if s.Band {
				lo, hi = math.Min(lo, p.Lower), math.Max(hi, p.Upper)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 950, 1050
	}
	pad := math.Max((hi-lo)*0.08, 5)
	lo, hi = lo-pad, hi+pad
	legendRows := (len(c.Series) + 1) / 2
	height := lcTop + lcPlotH + lcAxis + lcLegend*float64(legendRows) + 6
	x := scale{float64(t0.Unix()), float64(t1.Unix()), lcLeft, lcWidth - lcRight}
	y := scale{lo, hi, lcTop + lcPlotH, lcTop}
	var w svgBuf
	w.Grow(512 + 200*len(c.Series))
	w.open(id, "lines", lcWidth, height, c.Title, c.Desc)
	for _, v := range niceTicks(lo, hi, 5) {
		w.line(lcLeft, y.at(v), lcWidth-lcRight, y.at(v), "grid")
		w.text(lcLeft-4, y.at(v)+4, "tick", "end", strconv.FormatFloat(v, 'f', -1, 64))
	}
	for _, tt := range timeTicks(t0, t1) {
		xt := x.at(float64(tt.Unix()))
		w.line(xt, lcTop, xt, lcTop+lcPlotH, "grid")
		w.text(xt, lcTop+lcPlotH+16, "tick", "middle", timeLabel(tt, t1.Sub(t0)))
	}
	for k, s := range c.Series {
		if len(s.Points) == 0 {
			continue
		}
		cls := "s" + strconv.Itoa(k%seriesColours)
		var d strings.Builder
		for i, p := range s.Points {
			px, py := x.at(float64(p.At.Unix())), y.at(p.Value)
			switch {
			case i == 0:
				d.WriteString("M" + num(px) + " " + num(py))
			case c.Step:
				d.WriteString("H" + num(px) + "V" + num(py))
			default:
				d.WriteString("L" + num(px) + " " + num(py))
			}
		}
		if s.Band && len(s.Points) > 1 {
			w.WriteString(`<path d="` + bandPath(s.Points, x, y) + `" class="band ` + cls + `"/>`)
		}
		last := s.Points[len(s.Points)-1]
		w.WriteString(`<g><title>` + esc(s.Name) + `: ` + round0(last.Value))
		if last.Note != "" {
			w.WriteString(` (` + esc(last.Note) + `)`)
		}
		w.WriteString(`</title><path d="` + d.String() + `" class="line ` + cls + `"/>`)
		w.WriteString(`<circle cx="` + num(x.at(float64(last.At.Unix()))) + `" cy="` + num(y.at(last.Value)) + `" r="3" class="dot ` + cls + `"/></g>`)
	}
	for k, s := range c.Series {
		lx := lcLeft + float64(k%2)*(lcWidth-lcLeft)/2
		ly := lcTop + lcPlotH + lcAxis + lcLegend*float64(k/2) + 10
		cls := "s" + strconv.Itoa(k%seriesColours)
		w.WriteString(`<rect x="` + num(lx) + `" y="` + num(ly-8) + `" width="14" height="4" class="swatch ` + cls + `"/>`)
		w.text(lx+20, ly-2, "legend", "", clip(s.Name, 40))
	}
	w.close()
	return w.String()
}

// bandPath outlines the interval of points: along the upper bounds, back
// along the lower ones.
func bandPath(ps []SeriesPoint, x, y scale) string {
	var d strings.Builder
	for i, p := range ps {
		if i == 0 {
			d.WriteString("M")
		} else {
			d.WriteString("L")
		}
		d.WriteString(num(x.at(float64(p.At.Unix()))) + " " + num(y.at(p.Upper)))
	}
	for i := len(ps) - 1; i >= 0; i-- {
		d.WriteString("L" + num(x.at(float64(ps[i].At.Unix()))) + " " + num(y.at(ps[i].Lower)))
	}
	d.WriteString("Z")
	return d.String()
}

// timeTicks picks up to five evenly spaced times across [t0, t1].
func timeTicks(t0, t1 time.Time) []time.Time {
	if !t1.After(t0) {
		if t0.IsZero() {
			return nil
		}
		return []time.Time{t0}
	}
	out := make([]time.Time, 5)
	for i := range out {
		out[i] = t0.Add(time.Duration(float64(t1.Sub(t0)) * float64(i) / 4))
	}
	return out
}

// timeLabel writes a tick for people: the hour over a short span, the day
// over a longer one, the month over a long one.
func timeLabel(t time.Time, span time.Duration) string {
	t = t.UTC()
	switch {
	case span < 36*time.Hour:
		return t.Format("15:04")
	case span < 120*24*time.Hour:
		return t.Format("2 Jan")
	}
	return t.Format("Jan 2006")
}
