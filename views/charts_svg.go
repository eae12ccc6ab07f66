package views

import (
	"html"
	"math"
	"strconv"
	"strings"
)

// svgBuf builds one chart's markup. Charts are written as text rather than
// through templ because a chart is thousands of tiny elements whose
// numbers are computed, and the bytes are cached per snapshot: one pass
// over a builder is both the simplest and the cheapest way to produce them.
type svgBuf struct{ strings.Builder }

// open writes the root element with the accessible name and description
// every chart carries: role="img" makes screen readers announce it as one
// picture, and the title and desc are what they read out.
func (w *svgBuf) open(id, class string, width, height float64, title, desc string) {
	w.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" class="chart `)
	w.WriteString(esc(class))
	w.WriteString(`" viewBox="0 0 `)
	w.WriteString(num(width))
	w.WriteByte(' ')
	w.WriteString(num(height))
	w.WriteString(`" role="img" aria-labelledby="`)
	w.WriteString(esc(id) + `-title ` + esc(id) + `-desc" aria-label="`)
	w.WriteString(esc(title))
	w.WriteString(`" preserveAspectRatio="xMinYMin meet"><title id="`)
	w.WriteString(esc(id) + `-title">` + esc(title) + `</title><desc id="`)
	w.WriteString(esc(id) + `-desc">` + esc(desc) + `</desc>`)
}

func (w *svgBuf) close() { w.WriteString(`</svg>`) }

// text writes a text element; s is escaped here, so callers pass raw names.
func (w *svgBuf) text(x, y float64, class, anchor, s string) {
	w.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `"`)
	if class != "" {
		w.WriteString(` class="` + esc(class) + `"`)
	}
	if anchor != "" {
		w.WriteString(` text-anchor="` + anchor + `"`)
	}
	w.WriteString(`>` + esc(s) + `</text>`)
}

func (w *svgBuf) line(x1, y1, x2, y2 float64, class string) {
	w.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `" class="` + class + `"/>`)
}

// esc escapes text and attribute values (<, >, &, ' and ").
func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate with one decimal, enough for a viewBox hundreds
// of units wide, and short: charts of a hundred models stay small.
func num(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "0"
	}
	r := math.Round(x*10) / 10
	if r == 0 {
		r = 0
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// clip shortens a label for the chart; the full name is in the data table
// and in the mark's tooltip.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// niceTicks returns round values covering [lo, hi] with about n steps, so
// axes read 950, 1000, 1050 rather than 947.3.
func niceTicks(lo, hi float64, n int) []float64 {
	if !(hi > lo) || n < 1 {
		return []float64{lo}
	}
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	var out []float64
	// Multiplying rather than adding keeps 0.1-steps free of drift.
	for k := math.Ceil(lo / step); k*step <= hi+step*1e-9; k++ {
		out = append(out, k*step)
	}
	return out
}

// scale maps [d0, d1] onto [r0, r1]; a degenerate domain maps to the middle.
type scale struct{ d0, d1, r0, r1 float64 }

func (s scale) at(v float64) float64 {
	if s.d1 == s.d0 {
		return (s.r0 + s.r1) / 2
	}
	return s.r0 + (v-s.d0)/(s.d1-s.d0)*(s.r1-s.r0)
}

// round0 writes a score rounded to whole points, as the board shows them.
func round0(x float64) string {
	r := math.Round(x)
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.FormatFloat(r, 'f', 0, 64)
}

// capitalize upper-cases the first letter of a word ("month" → "Month").
func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
