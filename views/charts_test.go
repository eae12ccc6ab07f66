package views

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// svgMarks parses a chart as XML, failing the test if it is not
// well-formed, and counts its elements by "name.class" (first class only)
// and by name.
func svgMarks(t *testing.T, svg string) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	n := map[string]int{}
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("chart is not valid XML: %v\n%s", err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 && el.Name.Local != "svg" {
				t.Fatalf("root element %q, want svg", el.Name.Local)
			}
			depth++
			n[el.Name.Local]++
			for _, a := range el.Attr {
				if a.Name.Local == "class" {
					n[el.Name.Local+"."+strings.Fields(a.Value)[0]]++
				}
			}
		case xml.EndElement:
			depth--
		}
	}
	return n
}

// svgTexts returns the character data of every element of a chart, so
// tests can check what names it shows after XML decoding.
func svgTexts(t *testing.T, svg string) []string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if cd, ok := tok.(xml.CharData); ok && strings.TrimSpace(string(cd)) != "" {
			out = append(out, string(cd))
		}
	}
}

func TestCIPlotMarks(t *testing.T) {
	tests := []struct {
		name string
		rows []CIRow
	}{
		{"none", nil},
		{"one", []CIRow{{Name: "a", Score: 1000, Lower: 990, Upper: 1010}}},
		{"three", []CIRow{{Name: "a", Score: 1100, Lower: 1080, Upper: 1120}, {Name: "b", Score: 1000, Lower: 950, Upper: 1040, Preliminary: true}, {Name: "c", Score: 900, Lower: 900, Upper: 900}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svg := CIPlot{Rows: tt.rows}.SVG("ci")
			n := svgMarks(t, svg)
			got := map[string]int{"bars": n["line.ci-bar"], "points": n["circle.ci-point"], "title": n["title"] - len(tt.rows), "desc": n["desc"]}
			want := map[string]int{"bars": len(tt.rows), "points": len(tt.rows), "title": 1, "desc": 1}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("marks (-want +got):\n%s", d)
			}
			for _, attr := range []string{`role="img"`, `aria-labelledby="ci-title ci-desc"`, `viewBox="0 0 640 `} {
				if !strings.Contains(svg, attr) {
					t.Errorf("chart lacks %s", attr)
				}
			}
		})
	}
}

// TestCIPlotOrderAndPosition checks the geometry, not just the count: a
// better score sits further right and higher up, and the bar spans the
// interval around its point.
func TestCIPlotOrderAndPosition(t *testing.T) {
	svg := CIPlot{Rows: []CIRow{{Name: "a", Score: 1100, Lower: 1080, Upper: 1120}, {Name: "b", Score: 1000, Lower: 950, Upper: 1040}}}.SVG("ci")
	type circle struct {
		CX float64 `xml:"cx,attr"`
		CY float64 `xml:"cy,attr"`
	}
	type line struct {
		X1    float64 `xml:"x1,attr"`
		X2    float64 `xml:"x2,attr"`
		Class string  `xml:"class,attr"`
	}
	var doc struct {
		G []struct {
			Circle circle `xml:"circle"`
			Line   line   `xml:"line"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.G) != 2 {
		t.Fatalf("%d marks, want 2", len(doc.G))
	}
	a, b := doc.G[0], doc.G[1]
	if !(a.Circle.CX > b.Circle.CX && a.Circle.CY < b.Circle.CY) {
		t.Errorf("a (1100) at %+v, b (1000) at %+v: want a right of and above b", a.Circle, b.Circle)
	}
	for _, g := range doc.G {
		if !(g.Line.X1 < g.Circle.CX && g.Circle.CX < g.Line.X2) {
			t.Errorf("point %v outside its bar %v–%v", g.Circle.CX, g.Line.X1, g.Line.X2)
		}
	}
}

func TestChartsEscapeNames(t *testing.T) {
	const evil = `<script>"x"&'y'</script>`
	svg := CIPlot{Rows: []CIRow{{Name: evil, Score: 1000, Lower: 990, Upper: 1010}}}.SVG(`i"d`)
	if strings.Contains(svg, "<script>") {
		t.Fatalf("name written unescaped:\n%s", svg)
	}
	svgMarks(t, svg)
	found := false
	for _, s := range svgTexts(t, svg) {
		if strings.Contains(s, evil) {
			found = true
		}
	}
	if !found {
		t.Errorf("escaped name %q not found in the chart's text after decoding", evil)
	}
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi float64
		n      int
		want   []float64
	}{
		{947.3, 1103, 6, []float64{950, 1000, 1050, 1100}},
		{0, 1, 4, []float64{0, 0.25, 0.5, 0.75, 1}},
		{5, 5, 4, []float64{5}},
	}
	for _, tt := range tests {
		if d := cmp.Diff(tt.want, niceTicks(tt.lo, tt.hi, tt.n)); d != "" {
			t.Errorf("niceTicks(%v, %v, %d) (-want +got):\n%s", tt.lo, tt.hi, tt.n, d)
		}
	}
}

func heatmapFixture(n int) Heatmap {
	h := Heatmap{Names: make([]string, n), Cells: make([][]HeatCell, n)}
	for i := range n {
		h.Names[i] = "m" + string(rune('a'+i))
		h.Cells[i] = make([]HeatCell, n)
		for j := range n {
			if i != j && (i+j)%3 != 0 { // some pairs never met
				h.Cells[i][j] = HeatCell{Battles: 10 + i + j, WinFraction: float64(i+1) / float64(i+j+2)}
			}
		}
	}
	return h
}

func TestHeatmapMarks(t *testing.T) {
	for _, n := range []int{0, 1, 2, 5, 15} {
		for _, count := range []bool{false, true} {
			h := heatmapFixture(n)
			h.Count = count
			met := 0
			for i := range n {
				for j := range n {
					if i != j && h.Cells[i][j].Battles > 0 {
						met++
					}
				}
			}
			marks := svgMarks(t, h.SVG("hm"))
			got := map[string]int{"cells": marks["rect.hm-cell"] + marks["rect.hm-none"], "met": marks["rect.hm-cell"], "numbers": marks["text.cell-text"]}
			want := map[string]int{"cells": n*n - n, "met": met, "numbers": met}
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("n=%d count=%v marks (-want +got):\n%s", n, count, d)
			}
		}
	}
}

func TestHeatColours(t *testing.T) {
	tests := []struct {
		got, want string
	}{
		{diverging(0).hex(), "#2166ac"},
		{diverging(0.5).hex(), "#f0f0f0"},
		{diverging(1).hex(), "#b2182b"},
		{diverging(2).hex(), "#b2182b"},
		{sequential(1).hex(), "#08306b"},
		{diverging(0.5).ink(), "ink-dark"},
		{sequential(1).ink(), "ink-light"},
		{fraction(0.626), ".63"},
		{fraction(1), "1.00"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: %s, want %s", i, tt.got, tt.want)
		}
	}
}

func TestWinRateMarks(t *testing.T) {
	rows := []WinRateRow{{Name: "a", WinRate: 0.75, Votes: 40}, {Name: "b", WinRate: 0.5, Votes: 20}, {Name: "c", WinRate: 0, Votes: 3}}
	for n := range len(rows) + 1 {
		marks := svgMarks(t, WinRateChart{Rows: rows[:n]}.SVG("wr"))
		if marks["rect.wr-bar"] != n {
			t.Errorf("%d bars for %d models", marks["rect.wr-bar"], n)
		}
	}
	// A 75% bar is one and a half times as long as a 50% one.
	var doc struct {
		G []struct {
			Rect struct {
				Width float64 `xml:"width,attr"`
			} `xml:"rect"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal([]byte(WinRateChart{Rows: rows}.SVG("wr")), &doc); err != nil {
		t.Fatal(err)
	}
	if w0, w1 := doc.G[0].Rect.Width, doc.G[1].Rect.Width; w1 == 0 || w0/w1 < 1.49 || w0/w1 > 1.51 {
		t.Errorf("bar widths %v and %v, want ratio 1.5", w0, w1)
	}
}

func TestLineChartPaths(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	series := func(n, points int) []Series {
		out := make([]Series, n)
		for i := range out {
			out[i].Name = "model <" + string(rune('a'+i)) + ">"
			for k := range points {
				out[i].Points = append(out[i].Points, SeriesPoint{At: t0.Add(time.Duration(k) * 24 * time.Hour), Value: 1000 + float64(10*i*k)})
			}
		}
		return out
	}
	for _, tt := range []struct{ series, points int }{{0, 0}, {1, 1}, {3, 5}, {12, 40}} {
		for _, step := range []bool{false, true} {
			c := LineChart{Title: "t", Desc: "d", Step: step, Series: series(tt.series, tt.points)}
			svg := c.SVG("lc")
			marks := svgMarks(t, svg)
			if marks["path.line"] != tt.series || marks["circle.dot"] != tt.series || marks["rect.swatch"] != tt.series {
				t.Errorf("%d series × %d points (step %v): %d paths, %d dots, %d legend swatches", tt.series, tt.points, step,
					marks["path.line"], marks["circle.dot"], marks["rect.swatch"])
			}
			if tt.points > 1 {
				type path struct {
					D string `xml:"d,attr"`
				}
				var doc struct {
					G []struct {
						Path path `xml:"path"`
					} `xml:"g"`
				}
				if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
					t.Fatal(err)
				}
				seg := "L"
				if step {
					seg = "H"
				}
				if got := strings.Count(doc.G[0].Path.D, seg); got != tt.points-1 {
					t.Errorf("path %q has %d %s segments, want %d", doc.G[0].Path.D, got, seg, tt.points-1)
				}
			}
		}
	}
}

func TestLineChartBand(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	pts := []SeriesPoint{{At: t0, Value: 1000, Lower: 900, Upper: 1100}, {At: t0.Add(time.Hour), Value: 1010, Lower: 990, Upper: 1030}}
	for _, tt := range []struct {
		band  bool
		pts   []SeriesPoint
		bands int
	}{{false, pts, 0}, {true, pts, 1}, {true, pts[:1], 0}} {
		svg := LineChart{Title: "t", Desc: "d", Series: []Series{{Name: "m", Band: tt.band, Points: tt.pts}}}.SVG("b")
		marks := svgMarks(t, svg)
		if marks["path.band"] != tt.bands || marks["path.line"] != 1 {
			t.Errorf("band %v, %d points: %d bands, %d lines", tt.band, len(tt.pts), marks["path.band"], marks["path.line"])
		}
		// The axis must reach the interval, not just the scores.
		if tt.bands == 1 && !strings.Contains(svg, ">900<") {
			t.Errorf("axis does not cover the interval's lower bound 900:\n%s", svg)
		}
	}
}

// TestHeatmapCellSize checks that cells share the width among many models
// and stay modest among few, so three models do not make a page-high chart.
func TestHeatmapCellSize(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want float64
	}{{2, 48}, {3, 48}, {10, 48}, {15, (640.0 - 150 - 8) / 15}} {
		var doc struct {
			Rects []struct {
				Width float64 `xml:"width,attr"`
			} `xml:"rect"`
		}
		if err := xml.Unmarshal([]byte(heatmapFixture(tt.n).SVG("hm")), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Rects) == 0 || math.Abs(doc.Rects[0].Width-(tt.want-1)) > 0.06 {
			t.Errorf("%d models: cell %v wide, want %v", tt.n, doc.Rects, tt.want-1)
		}
	}
}

// TestEveryChartEscapesNames draws every kind of chart with a name full of
// markup: each must stay well-formed, show no live markup, and still show
// the name as text.
func TestEveryChartEscapesNames(t *testing.T) {
	const evil = `<img src=x onerror=alert(1)>"&'`
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hm := heatmapFixture(3)
	hm.Names[1] = evil
	charts := map[string]string{
		"ci":       CIPlot{Rows: []CIRow{{Name: evil, Score: 1000, Lower: 990, Upper: 1010}}}.SVG("c"),
		"heatmap":  hm.SVG("h"),
		"win rate": WinRateChart{Rows: []WinRateRow{{Name: evil, WinRate: 0.5, Votes: 3}}}.SVG("w"),
		"lines": LineChart{Title: evil, Desc: evil, Series: []Series{{Name: evil,
			Points: []SeriesPoint{{At: t0, Value: 1000, Note: evil}, {At: t0.Add(time.Hour), Value: 1001, Note: evil}}}}}.SVG("l"),
	}
	for name, svg := range charts {
		if strings.Contains(svg, "<img") {
			t.Errorf("%s: name written as markup", name)
		}
		svgMarks(t, svg)
		shown := false
		for _, s := range svgTexts(t, svg) {
			// Labels may be clipped; the start of the name must survive.
			if strings.Contains(s, evil[:12]) {
				shown = true
			}
		}
		if !shown {
			t.Errorf("%s: the name is not shown as text", name)
		}
	}
}
