package handlers_test

import (
	"fmt"
	"testing"
)

// boardLayout is what the board page shows of its table.
type boardLayout struct {
	TableWidth  float64   `json:"tableWidth"`
	WrapWidth   float64   `json:"wrapWidth"`
	PageWidth   float64   `json:"pageWidth"`
	Headers     []string  `json:"headers"`
	FirstRow    []string  `json:"firstRow"`
	Rights      []float64 `json:"rights"` // right edges of the rank, model, score and CI cells
	ModelCut    bool      `json:"modelCut"`
	Tabs        []string  `json:"tabs"`
	CodingCI    []string  `json:"ci"`
	InnerWidth  float64   `json:"innerWidth"`
	VisibleCols int       `json:"visibleCols"`
}

const boardLayoutJS = `(() => {
	const shown = (el) => el.offsetParent !== null && getComputedStyle(el).display !== "none";
	const table = document.getElementById("board");
	const row = table.querySelector("tbody tr");
	const cells = [...row.children].filter(shown);
	const pick = (sel) => row.querySelector(sel).getBoundingClientRect().right;
	const model = row.querySelector("td.model a");
	return {
		tableWidth: table.scrollWidth, wrapWidth: table.parentElement.clientWidth,
		pageWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth,
		headers: [...table.querySelectorAll("thead th")].filter(shown).map(th => th.textContent.trim()),
		firstRow: cells.map(td => td.textContent.trim()),
		rights: [pick("td.rank"), pick("td.model"), pick("td.score"), pick("td.ci")],
		modelCut: model.scrollWidth > model.parentElement.clientWidth + 1,
		tabs: [...document.querySelectorAll(".board-tabs .tab-name")].map(t => t.textContent.trim()),
		ci: [...document.querySelectorAll("#board tbody td.ci")].map(td => td.textContent.trim()),
		visibleCols: cells.length,
	};
})()`

// TestBrowserBoardLayout checks the board where issue reports came from: at
// 390 and 1366 px, light and dark, the table fits (no clipped licence on a
// desktop; rank, model, score and interval on screen on a phone), its
// headers line up with its cells, the contrast is AA, and a category
// board whose models have too few votes shows no interval.
func TestBrowserBoardLayout(t *testing.T) {
	t.Parallel()
	browser := startBrowser(t)
	e := newBoardEnv(t, "sqlite")
	for _, scheme := range []string{"light", "dark"} {
		for _, width := range []int64{390, 1366} {
			name := fmt.Sprintf("%s-%d", scheme, width)
			t.Run(name, func(t *testing.T) {
				b := newTab(t, browser)
				b.colorScheme(scheme)
				b.viewport(width)
				b.navigate(e.srv.URL + "/leaderboard")
				l := browserEval[boardLayout](b, boardLayoutJS)
				if len(l.Headers) != l.VisibleCols {
					t.Errorf("%d headers %q over %d cells %q", len(l.Headers), l.Headers, l.VisibleCols, l.FirstRow)
				}
				if l.PageWidth > l.InnerWidth {
					t.Errorf("the page scrolls sideways: %v > %v", l.PageWidth, l.InnerWidth)
				}
				if width > 720 && l.TableWidth > l.WrapWidth {
					t.Errorf("the board is %vpx wide in a %vpx box: its last columns are cut", l.TableWidth, l.WrapWidth)
				}
				for i, r := range l.Rights {
					if r > float64(width) {
						t.Errorf("column %d (rank, model, score, interval) ends at %vpx, off a %dpx screen", i+1, r, width)
					}
				}
				if l.ModelCut {
					t.Errorf("the first model's name is cut: %q", l.FirstRow)
				}
				b.assertContrast(name + " board")
				b.saveScreenshot(name+"-board.png", width <= 720)
				if width == 390 {
					return
				}
				b.navigate(e.srv.URL + "/leaderboard?category=coding")
				c := browserEval[boardLayout](b, boardLayoutJS)
				for _, ci := range c.CodingCI {
					if ci != "—" {
						t.Errorf("a model with 8 votes shows the interval %q", ci)
					}
				}
			})
		}
	}
}
