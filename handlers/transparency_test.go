package handlers_test

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

type statusRows struct {
	Models []struct {
		Model  string  `json:"model"`
		Score  float64 `json:"score"`
		Status string  `json:"status"`
	} `json:"models"`
}

func (b statusRows) row(slug string) (score float64, status string, ok bool) {
	for _, m := range b.Models {
		if m.Model == slug {
			return m.Score, m.Status, true
		}
	}
	return 0, "", false
}

// lifecycleAction posts an admin's lifecycle form for slug.
func lifecycleAction(t *testing.T, e *env, admin *http.Client, slug, action, reason string) reply {
	t.Helper()
	c, err := e.arena.ContenderBySlug(t.Context(), slug)
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"action": {action}, "reason": {reason}}
	return e.do(admin, "POST", fmt.Sprintf("/admin/contenders/%d/lifecycle", c.ID), "application/x-www-form-urlencoded", form.Encode())
}

// TestLifecycleOnBoard retires and suspends models through the admin page
// and checks what each status shows and stops: retired is hidden from the
// board unless asked for, with its last score; suspended is shown as such;
// neither is drawn for a new battle; every change is on the changelog.
func TestLifecycleOnBoard(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		voter := e.client()
		// Pairs are drawn at random: vote until zephyrion met the others
		// (six votes usually do; one in 700 runs it sat all six out).
		winners := []string{models.WinnerA, models.WinnerB, models.WinnerA, models.WinnerTie, models.WinnerB, models.WinnerA}
		met := 0
		for i := 0; i < len(winners) || (met == 0 && i < 60); i++ {
			_, b := e.startBattle(voter)
			r, v := e.vote(voter, b.ID, winners[i%len(winners)])
			if r.status != http.StatusOK {
				t.Fatalf("vote = %d %s", r.status, r.body)
			}
			if v.ModelA.Slug == "zephyrion-7b" || v.ModelB.Slug == "zephyrion-7b" {
				met++
			}
		}
		if _, err := e.arena.Boards().RecomputeRatings(t.Context()); err != nil {
			t.Fatal(err)
		}
		var before statusRows
		e.getJSON("/api/v1/leaderboard", http.StatusOK, &before)
		score, status, ok := before.row("zephyrion-7b")
		if !ok || status != "preliminary" {
			t.Fatalf("before: zephyrion row %v, status %q; want it preliminary (6 votes)", ok, status)
		}
		admin := signInAdmin(t, e)
		if r := lifecycleAction(t, e, admin, "zephyrion-7b", "retire", ""); r.status != http.StatusBadRequest {
			t.Errorf("retire without a reason = %d, want 400", r.status)
		}
		if r := lifecycleAction(t, e, admin, "zephyrion-7b", "promote", "x"); r.status != http.StatusBadRequest {
			t.Errorf("unknown action = %d, want 400", r.status)
		}
		if r := lifecycleAction(t, e, admin, "zephyrion-7b", "retire", "superseded by v2"); r.status != http.StatusSeeOther {
			t.Fatalf("retire = %d %s", r.status, r.body)
		}
		if r := lifecycleAction(t, e, admin, "zephyrion-7b", "retire", "again"); r.status != http.StatusConflict {
			t.Errorf("retire twice = %d, want 409", r.status)
		}
		if r := lifecycleAction(t, e, admin, "borealis-70b", "suspend", "coordinated voting found"); r.status != http.StatusSeeOther {
			t.Fatalf("suspend = %d %s", r.status, r.body)
		}
		time.Sleep(1100 * time.Millisecond) // the board's metadata and render caches hold a second
		var hidden, shown statusRows
		e.getJSON("/api/v1/leaderboard", http.StatusOK, &hidden)
		if _, _, ok := hidden.row("zephyrion-7b"); ok {
			t.Error("a retired model is on the default board")
		}
		if _, st, _ := hidden.row("borealis-70b"); st != "suspended" {
			t.Errorf("suspended model shows status %q", st)
		}
		e.getJSON("/api/v1/leaderboard?retired=1", http.StatusOK, &shown)
		if s, st, ok := shown.row("zephyrion-7b"); !ok || st != "retired" || s != score {
			t.Errorf("with retired=1: row %v, status %q, score %v; want retired with its last score %v", ok, st, s, score)
		}
		page := e.do(e.client(), "GET", "/leaderboard?retired=1", "", "")
		if !strings.Contains(page.body, `class="badge retired"`) || !strings.Contains(page.body, `name="retired"`) {
			t.Error("the page lacks the retired badge or the show-retired checkbox")
		}
		mp := e.do(e.client(), "GET", "/models/zephyrion-7b", "", "")
		if !strings.Contains(mp.body, `id="model-status"`) || !strings.Contains(mp.body, "superseded by v2") {
			t.Error("the retired model's page does not say so with its reason")
		}
		// Neither is drawn for a new bank battle: cascadia is alone, so
		// there is no pair to serve.
		if r, _ := e.startBattle(e.client()); r.status == http.StatusCreated {
			t.Errorf("a bank battle started with only one model in play: %s", r.body)
		}
		var log struct {
			Changes []struct{ Kind, Subject, Text string }
		}
		e.getJSON("/api/v1/changelog", http.StatusOK, &log)
		kinds := map[string]string{}
		for _, c := range log.Changes {
			kinds[c.Kind+" "+c.Subject] = c.Text
		}
		if !strings.Contains(kinds["model.retired zephyrion-7b"], "superseded by v2") || kinds["model.suspended borealis-70b"] == "" {
			t.Errorf("changelog = %+v", log.Changes)
		}
		if r := lifecycleAction(t, e, admin, "zephyrion-7b", "reinstate", ""); r.status != http.StatusSeeOther {
			t.Fatalf("reinstate = %d %s", r.status, r.body)
		}
		if r, _ := e.startBattle(e.client()); r.status != http.StatusCreated {
			t.Errorf("after reinstating, a bank battle = %d %s", r.status, r.body)
		}
		audit, _, err := e.arena.AuditLog(t.Context(), models.AuditFilter{Target: "contender:"})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, a := range audit {
			actions[a.Action] = true
		}
		for _, want := range []string{"contender.retire", "contender.suspend", "contender.reinstate"} {
			if !actions[want] {
				t.Errorf("audit lacks %s", want)
			}
		}
		cl := e.do(e.client(), "GET", "/changelog", "", "")
		if cl.status != http.StatusOK || !strings.Contains(cl.body, "superseded by v2") {
			t.Errorf("/changelog = %d", cl.status)
		}
	})
}

// ledgerFixture stores battles with a known sampling: this week Z–B three
// times and Z–C once; last week B–C twice; and a side-by-side battle,
// which no sampler chose.
func ledgerFixture(t *testing.T, e *env) map[string]uint {
	t.Helper()
	ctx := t.Context()
	ids := map[string]uint{}
	for _, c := range testContenders {
		got, err := e.arena.ContenderBySlug(ctx, c.Slug)
		if err != nil {
			t.Fatal(err)
		}
		ids[c.Slug[:1]] = got.ID
	}
	pids, err := e.store.BankPromptIDs(ctx)
	if err != nil || len(pids) == 0 {
		t.Fatalf("bank prompts %v, %v", pids, err)
	}
	now := time.Now().UTC()
	monday := now.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7)).Truncate(24 * time.Hour)
	add := func(n int, a, b, mode string, at time.Time) {
		for range n {
			bt := &models.Battle{ID: fmt.Sprintf("%s%s%s%d", a, b, mode, len(ids)), PromptID: pids[0], ContenderAID: ids[a], ContenderBID: ids[b],
				VoterID: "fixture", Mode: mode, State: models.StateReady, CreatedAt: at}
			ids[bt.ID] = 0
			if err := e.store.CreateBattle(ctx, bt); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(3, "z", "b", models.ModeBank, monday.Add(time.Minute))
	add(1, "z", "c", models.ModeLive, monday.Add(2*time.Minute))
	add(2, "b", "c", models.ModeBank, monday.AddDate(0, 0, -3))
	add(5, "z", "b", models.ModeNamed, monday.Add(time.Minute))
	return ids
}

// TestSamplingLedger checks /api/v1/sampling against hand-counted shares.
func TestSamplingLedger(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		ledgerFixture(t, e)
		var l struct {
			Policy struct {
				Live    string  `json:"live"`
				Explore float64 `json:"explore"`
			} `json:"policy"`
			Weeks []struct {
				Week    string
				Battles int
				Models  []struct {
					Model        string
					Battles      int
					Share        float64
					Weight       float64
					UniformShare float64 `json:"uniform_share"`
				}
			}
		}
		e.getJSON("/api/v1/sampling?weeks=2", http.StatusOK, &l)
		if l.Policy.Live != rating.PolicyInformative || l.Policy.Explore != rating.DefaultExplore || len(l.Weeks) != 2 {
			t.Fatalf("ledger = %+v", l)
		}
		// This week: 4 battles, 8 sides: Z 4, B 3, C 1; three models in the
		// running. Last week: 2 battles, B 2 and C 2; two in the running.
		want := []map[string][3]float64{
			{"zephyrion-7b": {4, 0.5, 1.0 / 3}, "borealis-70b": {3, 0.375, 1.0 / 3}, "cascadia-3": {1, 0.125, 1.0 / 3}},
			{"borealis-70b": {2, 0.5, 0.5}, "cascadia-3": {2, 0.5, 0.5}},
		}
		for i, w := range l.Weeks {
			if len(w.Models) != len(want[i]) || w.Battles != []int{4, 2}[i] {
				t.Errorf("week %s: %d battles, rows %+v", w.Week, w.Battles, w.Models)
				continue
			}
			for _, m := range w.Models {
				x := want[i][m.Model]
				if float64(m.Battles) != x[0] || math.Abs(m.Share-x[1]) > 1e-12 || math.Abs(m.UniformShare-x[2]) > 1e-12 || m.Weight != 1 {
					t.Errorf("week %s, %s = %+v, want battles, share, uniform %v", w.Week, m.Model, m, x)
				}
			}
		}
		if r := e.do(e.client(), "GET", "/api/v1/sampling?weeks=0", "", ""); r.status != http.StatusBadRequest {
			t.Errorf("weeks=0 = %d, want 400", r.status)
		}
	})
}

// TestPositionBias votes a fixture with a known side split and checks the
// figure and its warning.
func TestPositionBias(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		ctx := t.Context()
		n := 0
		ids := ledgerFixture(t, e)
		pids, err := e.store.BankPromptIDs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		vote := func(k int, mode, winner string) {
			for range k {
				n++
				id := "pb" + strconv.Itoa(n)
				b := &models.Battle{ID: id, PromptID: pids[0], ContenderAID: ids["z"], ContenderBID: ids["b"], VoterID: "v" + id, Mode: mode, State: models.StateReady}
				if err := e.store.CreateBattle(ctx, b); err != nil {
					t.Fatal(err)
				}
				if _, err := e.store.RecordVote(ctx, &models.Vote{BattleID: id, Winner: winner, VoterID: "v" + id, Counted: true}); err != nil {
					t.Fatal(err)
				}
			}
		}
		vote(30, models.ModeBank, models.WinnerA)
		vote(10, models.ModeBank, models.WinnerB)
		vote(5, models.ModeLive, models.WinnerA)
		vote(5, models.ModeLive, models.WinnerB)
		vote(7, models.ModeBank, models.WinnerTie)
		var pb struct {
			WinsA, WinsB int
			ShareA       float64 `json:"share_a"`
			Lower        float64 `json:"ci_lower"`
			Upper        float64 `json:"ci_upper"`
			Warning      bool
			ByMode       map[string]struct {
				WinsA int `json:"wins_a"`
				WinsB int `json:"wins_b"`
			} `json:"by_mode"`
		}
		e.getJSON("/api/v1/position-bias", http.StatusOK, &pb)
		want := rating.SidePreference(35, 15)
		if pb.ShareA != want.Share || pb.Lower != want.Lower || pb.Upper != want.Upper || pb.Warning != want.Biased || !pb.Warning {
			t.Errorf("position bias = %+v, want %+v with a warning", pb, want)
		}
		if m := pb.ByMode["bank"]; m.WinsA != 30 || m.WinsB != 10 {
			t.Errorf("bank = %+v, want 30 and 10", m)
		}
		if m := pb.ByMode["live"]; m.WinsA != 5 || m.WinsB != 5 {
			t.Errorf("live = %+v, want 5 and 5", m)
		}
		page := e.do(e.client(), "GET", "/transparency", "", "")
		for _, want := range []string{`id="bias-warning"`, `id="share-chart-title"`, `id="held-back-summary"`, "/api/v1/sampling"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("/transparency lacks %s", want)
			}
		}
	})
}
