package views

import (
	"math"
	"strconv"
	"strings"
)

// Heatmap is a square table of the top models against each other: the
// row model's win fraction over the column model (ties half), or how many
// battles the two fought.
type Heatmap struct {
	// Count draws battle counts; otherwise win fractions.
	Count bool
	Names []string
	// Cells[i][j] is row i against column j; the diagonal is ignored.
	Cells [][]HeatCell
}

// HeatCell is one pair seen from the row model's side.
type HeatCell struct {
	// Battles is how many times the two met; 0 leaves the cell empty.
	Battles int
	// WinFraction is the row model's wins plus half the ties over Battles.
	WinFraction float64
}

const (
	hmWidth = 640.0
	hmLabel = 150.0
	hmTop   = 110.0
	hmRight = 8.0
	// hmMaxCell is the largest cell, reached with up to 10 models.
	hmMaxCell = 48.0
)

// SVG draws one rect (class hm-cell, or hm-none when the two never met)
// for every pair of distinct models, with its number on top.
func (h Heatmap) SVG(id string) string {
	n := len(h.Names)
	// Cells share the width, but a few models do not get giant ones.
	cell := min((hmWidth-hmLabel-hmRight)/float64(max(n, 1)), hmMaxCell)
	height := hmTop + cell*float64(n) + hmRight
	title, desc := "Win fraction of each model against each other", "Row model's share of wins against the column model, ties counted half, for the "+strconv.Itoa(n)+" best-rated models; empty where they never met."
	maxCount := 0
	if h.Count {
		title, desc = "Battles between each pair of models", "How many counted battles each pair of the "+strconv.Itoa(n)+" best-rated models fought."
		for i := range h.Cells {
			for j, c := range h.Cells[i] {
				if i != j {
					maxCount = max(maxCount, c.Battles)
				}
			}
		}
	}
	var w svgBuf
	w.Grow(512 + n*n*180)
	w.open(id, "heatmap", hmWidth, height, title, desc)
	fontClass := "cell-text"
	if cell < 26 {
		fontClass = "cell-text small"
	}
	for i, name := range h.Names {
		y := hmTop + cell*float64(i)
		w.text(hmLabel-6, y+cell/2+4, "label", "end", clip(name, 22))
		x := hmLabel + cell*float64(i) + cell/2
		// Vertical column labels stay within their column, so the last
		// ones do not run off the chart's right edge.
		w.WriteString(`<text class="label" transform="translate(` + num(x+4) + ` ` + num(hmTop-6) + `) rotate(-90)">` + esc(clip(name, 16)) + `</text>`)
	}
	for i := range n {
		for j := range n {
			if i == j || i >= len(h.Cells) || j >= len(h.Cells[i]) {
				continue
			}
			c := h.Cells[i][j]
			x, y := hmLabel+cell*float64(j), hmTop+cell*float64(i)
			// No tooltip per cell: the axes name the pair and the data
			// table below holds every number, and 200 titles would double
			// the chart's weight on the leaderboard page.
			if c.Battles == 0 {
				w.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(cell-1) + `" height="` + num(cell-1) + `" class="hm-none"/>`)
				continue
			}
			var fill rgb
			var label string
			if h.Count {
				t := 0.0
				if maxCount > 0 {
					t = math.Sqrt(float64(c.Battles) / float64(maxCount))
				}
				fill, label = sequential(t), strconv.Itoa(c.Battles)
			} else {
				fill, label = diverging(c.WinFraction), fraction(c.WinFraction)
			}
			w.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(cell-1) + `" height="` + num(cell-1) + `" class="hm-cell" fill="` + fill.hex() + `"/>`)
			w.WriteString(`<text x="` + num(x+cell/2) + `" y="` + num(y+cell/2+3.5) + `" class="` + fontClass + ` ` + fill.ink() + `">` + label + `</text>`)
		}
	}
	w.close()
	return w.String()
}

// rgb is a colour of a heatmap scale. Cells are coloured with the fill
// presentation attribute (allowed by the CSP, unlike style=""), in colours
// that read on light and dark pages alike; the number on a cell takes black
// or white by the cell's lightness.
type rgb struct{ r, g, b float64 }

func (c rgb) hex() string {
	const digits = "0123456789abcdef"
	out := []byte{'#', 0, 0, 0, 0, 0, 0}
	for i, v := range []float64{c.r, c.g, c.b} {
		x := int(math.Round(math.Max(0, math.Min(255, v))))
		out[1+2*i], out[2+2*i] = digits[x>>4], digits[x&15]
	}
	return string(out)
}

// ink is the class of the number written on a cell of this colour: dark
// ink on light cells, light ink on dark ones.
func (c rgb) ink() string {
	if 0.299*c.r+0.587*c.g+0.114*c.b > 150 {
		return "ink-dark"
	}
	return "ink-light"
}

// fraction writes a win fraction in two digits, ".62", "1.00" (short, so it
// fits a cell on a phone).
func fraction(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	if strings.HasPrefix(s, "0.") {
		return s[1:]
	}
	return s
}

func mix(a, b rgb, t float64) rgb {
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t}
}

var (
	blue  = rgb{33, 102, 172}
	pale  = rgb{240, 240, 240}
	red   = rgb{178, 24, 43}
	light = rgb{222, 235, 247}
	navy  = rgb{8, 48, 107}
)

// diverging runs from blue (0: the row model always lost) through pale grey
// (even) to red (1: it always won).
func diverging(t float64) rgb {
	t = math.Max(0, math.Min(1, t))
	if t < 0.5 {
		return mix(blue, pale, t*2)
	}
	return mix(pale, red, (t-0.5)*2)
}

// sequential runs from light blue (few battles) to navy (the most).
func sequential(t float64) rgb { return mix(light, navy, math.Max(0, math.Min(1, t))) }

// heatCellText is a cell as the data table writes it: "–" on the diagonal
// and where the two never met.
func heatCellText(h Heatmap, i, j int) string {
	if i == j || i >= len(h.Cells) || j >= len(h.Cells[i]) || h.Cells[i][j].Battles == 0 {
		return "–"
	}
	if h.Count {
		return strconv.Itoa(h.Cells[i][j].Battles)
	}
	return strconv.FormatFloat(h.Cells[i][j].WinFraction, 'f', 2, 64)
}
