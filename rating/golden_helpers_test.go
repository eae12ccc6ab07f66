package rating

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// goldenDir finds <repo root>/../shared/golden/public, or skips the test:
// the reference data live outside the repository and must never be copied in.
func goldenDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("golden data: no go.mod above the package directory")
		}
		dir = parent
	}
	g := filepath.Join(dir, "..", "shared", "golden", "public")
	if _, err := os.Stat(filepath.Join(g, "expected.json")); err != nil {
		t.Skipf("golden data not found at %s; skipping the reference comparison", g)
	}
	return g
}

// golden is the part of expected.json the tests compare against.
type golden struct {
	OnlineElo map[string]float64 `json:"online_elo"`
	BT        map[string]float64 `json:"bt"`
	Bootstrap struct {
		Median, Lower, Upper map[string]float64
	} `json:"bootstrap"`
	RankUB       map[string]int `json:"rank_ub"`
	NumBattles   map[string]int `json:"num_battles"`
	StyleControl struct {
		Ratings      map[string]float64 `json:"ratings"`
		Coefficients map[string]float64 `json:"coefficients"`
		FeatureMean  map[string]float64 `json:"feature_mean"`
		FeatureStd   map[string]float64 `json:"feature_std"`
		RankUB       map[string]int     `json:"rank_ub"`
		Bootstrap    struct {
			Median map[string]float64 `json:"median"`
			Lower  map[string]float64 `json:"lower"`
			Upper  map[string]float64 `json:"upper"`
		} `json:"bootstrap"`
	} `json:"style_control"`
	Exact struct {
		BT                map[string]float64 `json:"bt_exact_mle"`
		BootMedian        map[string]float64 `json:"bootstrap_exact_median"`
		BootLower         map[string]float64 `json:"bootstrap_exact_lower"`
		BootUpper         map[string]float64 `json:"bootstrap_exact_upper"`
		RankUB            map[string]int     `json:"rank_ub_from_exact_bootstrap"`
		StyleRatings      map[string]float64 `json:"style_control_exact_ratings"`
		StyleCoefficients map[string]float64 `json:"style_control_exact_coefficients"`
	} `json:"exact_reference"`
}

// goldenStyleKeys maps StyleFeatureNames to the reference's feature names.
var goldenStyleKeys = [NumStyleFeatures]string{"sum_assistant_tokens", "header_count", "list_count", "bold_count"}

// loadGolden reads the battles and the expected values.
func loadGolden(t testing.TB) (string, *BattleSet, *golden) {
	t.Helper()
	dir := goldenDir(t)
	f, err := os.Open(filepath.Join(dir, "battles.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	set, err := ReadBattles(f)
	if err != nil {
		t.Fatalf("battles.csv:%v", err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	return dir, set, &g
}

// checkClose compares got (indexed like models) with want by model name.
func checkClose(t *testing.T, what string, models []string, got []float64, want map[string]float64, tol float64) {
	t.Helper()
	if len(want) != len(models) {
		t.Fatalf("%s: reference has %d models, data %d", what, len(want), len(models))
	}
	worst := 0.0
	for i, m := range models {
		w, ok := want[m]
		if !ok {
			t.Fatalf("%s: model %q missing from the reference", what, m)
		}
		d := got[i] - w
		if d < 0 {
			d = -d
		}
		worst = max(worst, d)
		if d > tol {
			t.Errorf("%s[%s] = %.9f, want %.9f (±%g)", what, m, got[i], w, tol)
		}
	}
	t.Logf("%s: max abs diff %.3g (tolerance %g)", what, worst, tol)
}
