package views

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

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
