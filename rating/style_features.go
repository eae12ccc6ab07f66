package rating

import "math"

// StyleNormalisation is the mean and population standard deviation of each
// style ratio over the battles, used to z-score them.
type StyleNormalisation struct {
	Mean, Std [NumStyleFeatures]float64
}

// styleRatio is the arena's per-feature contrast (a−b)/(a+b+1): bounded,
// antisymmetric, and defined for zero counts.
func styleRatio(a, b float64) float64 { return (a - b) / (a + b + 1) }

// StyleFeatures turns per-answer style counts into the fit's features: each
// ratio (a−b)/(a+b+1), z-scored with the population standard deviation over
// all battles, exactly as the arena's published code does.
func StyleFeatures(style []StyleCounts) ([][NumStyleFeatures]float64, StyleNormalisation) {
	feats := make([][NumStyleFeatures]float64, len(style))
	var norm StyleNormalisation
	if len(style) == 0 {
		return feats, norm
	}
	for i, s := range style {
		for k := range NumStyleFeatures {
			feats[i][k] = styleRatio(s.A[k], s.B[k])
		}
	}
	n := float64(len(style))
	for k := range NumStyleFeatures {
		sum := 0.0
		for _, f := range feats {
			sum += f[k]
		}
		mean := sum / n
		ss := 0.0
		for _, f := range feats {
			d := f[k] - mean
			ss += d * d
		}
		norm.Mean[k], norm.Std[k] = mean, math.Sqrt(ss/n)
	}
	for i := range feats {
		for k := range NumStyleFeatures {
			// A constant feature carries no information; zero keeps it out.
			if norm.Std[k] == 0 {
				feats[i][k] = 0
				continue
			}
			feats[i][k] = (feats[i][k] - norm.Mean[k]) / norm.Std[k]
		}
	}
	return feats, norm
}
