package arena

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"openarena.dev/arena/arena/boards"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
	"openarena.dev/arena/rating"
)

// liveContenders stores live contenders with these slugs and weights and
// returns them as the live sampler gets them.
func liveContenders(t *testing.T, s *models.Store, weights map[string]float64) []models.Contender {
	t.Helper()
	var in []models.Contender
	for slug := range weights {
		in = append(in, models.Contender{Slug: slug, DisplayName: slug, Provider: models.Provider{Kind: "demo", Model: "eliza"}})
	}
	ctx := context.Background()
	if _, err := s.UpsertContenders(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	for slug, w := range weights {
		if err := s.SetContenderWeight(ctx, slug, w); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := s.Contenders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// publish stores a board snapshot rating the given slugs: score and the
// half-width of its 95% interval.
func publish(t *testing.T, s *models.Store, cs []models.Contender, rows map[string][2]float64) {
	t.Helper()
	b := boards.RatedBoard{Category: models.CategoryOverall, Method: boards.MethodBradleyTerry, Level: 0.95}
	for _, c := range cs {
		if r, ok := rows[c.Slug]; ok {
			b.Models = append(b.Models, boards.RatedRow{ContenderID: c.ID, Slug: c.Slug, Score: r[0], CILower: r[0] - r[1], CIUpper: r[0] + r[1], Votes: 100})
		}
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	snap := &models.RatingSnapshot{CreatedAt: time.Now(), Category: models.CategoryOverall, Method: boards.MethodBradleyTerry,
		VotesUsed: 100, Result: string(raw), ContentHash: "test"}
	if _, err := s.CreateSnapshot(context.Background(), snap); err != nil {
		t.Fatal(err)
	}
}

// drawPairs samples n live pairs and counts them by slugs, smaller first.
func drawPairs(t *testing.T, a *Arena, cs []models.Contender, n int) map[[2]string]int {
	t.Helper()
	counts := map[[2]string]int{}
	for range n {
		i, j := a.sampleLivePair(context.Background(), cs)
		if i == j {
			t.Fatalf("%s drawn against itself", cs[i].Slug)
		}
		x, y := cs[i].Slug, cs[j].Slug
		if x > y {
			x, y = y, x
		}
		counts[[2]string{x, y}]++
	}
	return counts
}

// TestLiveSamplingInformative checks that the live sampler follows the
// published board: of two pairs, the one whose order is open (close scores,
// wide intervals) meets far more often than the settled one, and a model
// not yet on the board is sought out.
func TestLiveSamplingInformative(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	cs := liveContenders(t, s, map[string]float64{"close-a": 1, "close-b": 1, "far-a": 1, "far-b": 1})
	publish(t, s, cs, map[string][2]float64{
		"close-a": {1000, 60}, "close-b": {1005, 60},
		"far-a": {1400, 5}, "far-b": {700, 5},
	})
	a := New(s, Options{})
	const n = 3000
	counts := drawPairs(t, a, cs, n)
	open, settled := counts[[2]string{"close-a", "close-b"}], counts[[2]string{"far-a", "far-b"}]
	// Uniform sampling would give each of the six pairs n/6 = 500.
	if open < n/2 {
		t.Errorf("the open pair met %d times in %d battles, want most of them", open, n)
	}
	if settled > n/30 {
		t.Errorf("the settled pair met %d times in %d battles, want only the exploration share", settled, n)
	}
	if settled == 0 {
		t.Error("the settled pair never met: exploration keeps every pair possible")
	}

	// A newcomer, not on the board yet, meets in most battles.
	cs = liveContenders(t, s, map[string]float64{"newcomer": 1})
	withNew := 0
	for p, k := range drawPairs(t, a, cs, n) {
		if p[0] == "newcomer" || p[1] == "newcomer" {
			withNew += k
		}
	}
	if withNew < n/2 {
		t.Errorf("the unrated newcomer met in %d of %d battles, want most", withNew, n)
	}
}

// TestLiveSamplingRules checks what holds under either policy: nobody
// meets themself, weight 0 is never drawn, and a boosted contender meets
// more often. With the uniform policy the board is not consulted.
func TestLiveSamplingRules(t *testing.T) {
	for _, policy := range []rating.PairPolicy{nil, rating.UniformPolicy{}, rating.InformativePolicy{}} {
		s := storetest.Open(t, "sqlite")
		cs := liveContenders(t, s, map[string]float64{"boosted": 4, "plain": 1, "other": 1, "off": 0})
		publish(t, s, cs, map[string][2]float64{"boosted": {1000, 30}, "plain": {1000, 30}, "other": {1000, 30}, "off": {1000, 30}})
		a := New(s, Options{Live: LiveOptions{Sampling: policy}})
		seen := map[string]int{}
		for p, k := range drawPairs(t, a, cs, 2000) {
			seen[p[0]] += k
			seen[p[1]] += k
		}
		name := "default"
		if policy != nil {
			name = policy.Name()
		}
		if seen["off"] != 0 {
			t.Errorf("%s: weight 0 drawn %d times", name, seen["off"])
		}
		// Pairs weigh 4·1, 4·1 and 1·1 (equal ratings), so the boosted
		// contender is in 8/9 of the battles and each other in 5/9.
		if 10*seen["boosted"] < 14*seen["plain"] {
			t.Errorf("%s: weight 4 met %d times, weight 1 %d: the boost has no effect", name, seen["boosted"], seen["plain"])
		}
	}
}

func TestLiveStandingUniformSkipsBoard(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	cs := liveContenders(t, s, map[string]float64{"a": 1, "b": 2})
	publish(t, s, cs, map[string][2]float64{"a": {1000, 10}, "b": {1100, 10}})
	a := New(s, Options{})
	for _, m := range a.liveStanding(context.Background(), cs, rating.UniformPolicy{}).Models {
		if m.Rated {
			t.Error("the uniform policy was given ratings it does not use")
		}
	}
	st := a.liveStanding(context.Background(), cs, rating.InformativePolicy{})
	for k, m := range st.Models {
		if !m.Rated || m.Weight != cs[k].Weight || m.CI.Upper-m.CI.Lower != 20 {
			t.Errorf("%s: standing %+v", cs[k].Slug, m)
		}
	}
	if st.Level != 0.95 {
		t.Errorf("level %v, want the board's 0.95", st.Level)
	}
}
