package rating

import (
	"math"
	"testing"
)

func TestGoldenStyleControl(t *testing.T) {
	_, set, g := loadGolden(t)
	if set.Style == nil {
		t.Fatal("golden battles have no style columns")
	}
	fit, err := FitStyle(len(set.Models), set.Outcomes, set.Style, DefaultStyle)
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "style vs exact", set.Models, fit.Ratings, g.Exact.StyleRatings, 1e-6)
	checkClose(t, "style vs reference", set.Models, fit.Ratings, g.StyleControl.Ratings, 0.2)
	for k, name := range goldenStyleKeys {
		for _, c := range []struct {
			what string
			want float64
		}{{"exact", g.Exact.StyleCoefficients[name]}, {"reference", g.StyleControl.Coefficients[name]}} {
			if d := math.Abs(fit.Coefficients[k] - c.want); d > 1e-4 {
				t.Errorf("coefficient %s = %.8f, want %s %.8f", name, fit.Coefficients[k], c.what, c.want)
			}
		}
		if d := math.Abs(fit.Coefficients[k] - g.Exact.StyleCoefficients[name]); d > 1e-9 {
			t.Errorf("coefficient %s = %.12f, exact %.12f", name, fit.Coefficients[k], g.Exact.StyleCoefficients[name])
		}
		if math.Abs(fit.Norm.Mean[k]-g.StyleControl.FeatureMean[name]) > 1e-12 ||
			math.Abs(fit.Norm.Std[k]-g.StyleControl.FeatureStd[name]) > 1e-12 {
			t.Errorf("feature %s: mean/std %v/%v, want %v/%v", name, fit.Norm.Mean[k], fit.Norm.Std[k],
				g.StyleControl.FeatureMean[name], g.StyleControl.FeatureStd[name])
		}
	}
}
