package handlers

// This file is what lets a reader audit the board: the /transparency page
// (sampling ledger, position bias, what the release holds back), the
// public changelog and their JSON.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/fault"
	"openarena.dev/arena/arena/lifecycle"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
	"openarena.dev/arena/views"
)

// lifecycleBadge is the badge a board row shows for its status: retired
// and suspended only, since preliminary has its own.
func lifecycleBadge(status string) string {
	if status == lifecycle.Retired || status == lifecycle.Suspended {
		return status
	}
	return ""
}

type ledgerRowJSON struct {
	Model        string  `json:"model"`
	DisplayName  string  `json:"display_name"`
	Battles      int     `json:"battles"`
	Share        float64 `json:"share"`
	Weight       float64 `json:"weight"`
	UniformShare float64 `json:"uniform_share"`
}

type ledgerWeekJSON struct {
	Week    string          `json:"week"`
	Start   string          `json:"start"`
	Battles int             `json:"battles"`
	Models  []ledgerRowJSON `json:"models"`
}

type policyJSON struct {
	Live        string  `json:"live"`
	Explore     float64 `json:"explore"`
	Bank        string  `json:"bank"`
	ShareNote   string  `json:"share_note"`
	UniformNote string  `json:"uniform_note"`
}

// Notes the ledger's JSON and page carry, so a reader of either knows
// what the numbers are.
const (
	bankPolicyNote = "a random servable prompt, then two of its answers with chances proportional to weight"
	shareNote      = "battles over twice the week's battles (each battle has two sides): a week's shares sum to 1"
	uniformNote    = "1 over the models with a battle that week, and for the current week those that may be sampled now"
)

// ledgerWeeks reads ?weeks= (default arena.LedgerWeeks).
func ledgerWeeks(c echo.Context) (int, error) {
	w := c.QueryParam("weeks")
	if w == "" {
		return arena.LedgerWeeks, nil
	}
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || n > arena.MaxLedgerWeeks {
		return 0, fault.Invalidf("weeks=%.20q is not understood: use a whole number from 1 to %d.", w, arena.MaxLedgerWeeks)
	}
	return n, nil
}

// apiSampling is the sampling ledger as JSON.
func (s *Server) apiSampling(c echo.Context) error {
	weeks, err := ledgerWeeks(c)
	if err != nil {
		return err
	}
	l, err := s.arena.SamplingLedger(c.Request().Context(), weeks)
	if err != nil {
		return err
	}
	out := struct {
		Policy policyJSON       `json:"policy"`
		Weeks  []ledgerWeekJSON `json:"weeks"`
	}{Policy: policyJSON{Live: l.Policy.Name, Explore: l.Policy.Explore, Bank: bankPolicyNote, ShareNote: shareNote, UniformNote: uniformNote},
		Weeks: []ledgerWeekJSON{}}
	for _, w := range l.Weeks {
		wj := ledgerWeekJSON{Week: w.Week, Start: w.Start.Format(time.DateOnly), Battles: w.Battles, Models: []ledgerRowJSON{}}
		for _, r := range w.Rows {
			wj.Models = append(wj.Models, ledgerRowJSON{Model: r.Slug, DisplayName: r.DisplayName, Battles: r.Battles,
				Share: r.Share, Weight: r.Weight, UniformShare: r.UniformShare})
		}
		out.Weeks = append(out.Weeks, wj)
	}
	return c.JSON(http.StatusOK, out)
}

type biasJSON struct {
	WinsA  int     `json:"wins_a"`
	WinsB  int     `json:"wins_b"`
	Share  float64 `json:"share_a"`
	Lower  float64 `json:"ci_lower"`
	Upper  float64 `json:"ci_upper"`
	Biased bool    `json:"warning"`
}

func biasOf(b rating.PositionBias) biasJSON {
	return biasJSON{WinsA: b.WinsA, WinsB: b.WinsB, Share: b.Share, Lower: b.Lower, Upper: b.Upper, Biased: b.Biased}
}

// apiPositionBias is the share of decisive votes won by side A, overall
// and per mode, with the warning.
func (s *Server) apiPositionBias(c echo.Context) error {
	pb, err := s.arena.PositionBias(c.Request().Context())
	if err != nil {
		return err
	}
	out := struct {
		biasJSON
		Band   float64             `json:"band"`
		Note   string              `json:"note"`
		ByMode map[string]biasJSON `json:"by_mode"`
	}{biasJSON: biasOf(pb.Overall), Band: rating.PositionBiasBand, ByMode: map[string]biasJSON{},
		Note: "decisive votes in the ratings; Wilson 95% interval; warning when the whole interval lies outside 50% ± band"}
	for mode, b := range pb.ByMode {
		out.ByMode[mode] = biasOf(b)
	}
	return c.JSON(http.StatusOK, out)
}

type changeJSON struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Subject string    `json:"subject"`
	Value   string    `json:"value,omitempty"`
	Text    string    `json:"text"`
}

// apiChangelog is the public changelog as JSON, newest first.
func (s *Server) apiChangelog(c echo.Context) error {
	es, err := s.arena.Changelog(c.Request().Context())
	if err != nil {
		return err
	}
	out := make([]changeJSON, len(es))
	for i, e := range es {
		out[i] = changeJSON{At: e.At.UTC(), Kind: e.Kind, Subject: e.Subject, Value: e.Value, Text: e.Text}
	}
	return c.JSON(http.StatusOK, map[string]any{"changes": out})
}

// changelogPage is the public changelog.
func (s *Server) changelogPage(c echo.Context) error {
	es, err := s.arena.Changelog(c.Request().Context())
	if err != nil {
		return err
	}
	var v views.ChangelogView
	for _, e := range es {
		human, iso := when(e.At)
		v.Entries = append(v.Entries, views.ChangelogRow{Date: human, ISO: iso, Kind: e.Kind, Subject: e.Subject, Text: e.Text})
	}
	return render(c, http.StatusOK, views.ChangelogPage(s.meta(c, "Changelog", ""), v))
}

// transparencyPage shows the ledger, the position bias and what the
// release holds back.
func (s *Server) transparencyPage(c echo.Context) error {
	ctx := c.Request().Context()
	l, err := s.arena.SamplingLedger(ctx, arena.LedgerWeeks)
	if err != nil {
		return err
	}
	pb, err := s.arena.PositionBias(ctx)
	if err != nil {
		return err
	}
	v := views.TransparencyView{Policy: policySentence(l.Policy), Bias: biasView("All", pb.Overall),
		HeldBack: s.heldBackView(ctx)}
	for _, mode := range []string{models.ModeBank, models.ModeLive} {
		v.ByMode = append(v.ByMode, biasView(mode, pb.ByMode[mode]))
	}
	for _, w := range l.Weeks {
		v.Weeks = append(v.Weeks, ledgerWeekView(w))
		if v.Chart == nil && w.Battles > 0 {
			ch := &views.ShareChart{Week: w.Week}
			for _, r := range w.Rows {
				ch.Rows = append(ch.Rows, views.ShareRow{Name: r.DisplayName, Share: r.Share, Uniform: r.UniformShare, Battles: r.Battles})
			}
			v.Chart = ch
		}
	}
	return render(c, http.StatusOK, views.TransparencyPage(s.meta(c, "Transparency", ""), v))
}

func ledgerWeekView(w arena.LedgerWeek) views.LedgerWeekView {
	wv := views.LedgerWeekView{Week: w.Week, Start: w.Start.Format("2 Jan 2006"), Battles: w.Battles}
	for _, r := range w.Rows {
		wv.Rows = append(wv.Rows, views.LedgerRowView{Name: r.DisplayName, Slug: r.Slug, Battles: r.Battles,
			Share: pct(r.Share), UniformShare: pct(r.UniformShare), Weight: strconv.FormatFloat(r.Weight, 'g', -1, 64)})
	}
	return wv
}

// policySentence states the sampling policy in words.
func policySentence(p arena.Policy) string {
	live := "Live battles: every pair of models has a chance proportional to the product of their weights (uniform policy)."
	if p.Name == rating.PolicyInformative {
		live = "Live battles: the informative policy, which favours pairs whose order is still uncertain; " +
			pct(p.Explore) + " of them are drawn uniformly so every pair keeps a chance. Weights multiply every pair's chance."
	}
	return live + " Bank battles: " + bankPolicyNote + ". Retired and suspended models are never drawn."
}

func biasView(label string, b rating.PositionBias) views.PositionBiasView {
	return views.PositionBiasView{Label: label, WinsA: b.WinsA, WinsB: b.WinsB, Share: pct(b.Share),
		Lower: pct(b.Lower), Upper: pct(b.Upper), Biased: b.Biased}
}

// heldBackView counts what the release leaves out; a failure is shown on
// the page rather than hiding the rest of it.
func (s *Server) heldBackView(ctx context.Context) views.HeldBackView {
	hb, err := s.arena.HeldBack(ctx)
	if err != nil {
		return views.HeldBackView{Err: "The release could not be counted just now: " + err.Error()}
	}
	v := views.HeldBackView{Exported: hb.Exported, LeftOut: hb.LeftOutTotal(), Void: hb.Void, Unvoted: hb.Unvoted}
	for r, n := range hb.LeftOut {
		v.Reasons = append(v.Reasons, views.HeldBackReason{Reason: r, N: n})
	}
	slices.SortFunc(v.Reasons, func(x, y views.HeldBackReason) int { return y.N - x.N })
	v.Released = s.releasedRows(ctx, hb.Released)
	return v
}

// releasedRows sets each model of the live overall board beside its score
// on the board of the released battles ("—" when the release holds none of
// its battles).
func (s *Server) releasedRows(ctx context.Context, released *rating.Board) []views.ReleasedRow {
	live, err := s.arena.Boards().RatedLeaderboardFor(ctx, models.CategoryOverall)
	if err != nil || live == nil || released == nil {
		return nil
	}
	from := make(map[string]float64, len(released.Models))
	for _, m := range released.Models {
		from[m.Model] = m.Score
	}
	rows := make([]views.ReleasedRow, 0, len(live.Models))
	for _, m := range live.Models {
		row := views.ReleasedRow{Model: m.DisplayName, Live: score(m.Score), Released: "—", Delta: "—"}
		if r, ok := from[m.Slug]; ok {
			row.Released, row.Delta = score(r), fmt.Sprintf("%+.0f", r-m.Score)
		}
		rows = append(rows, row)
	}
	return rows
}
