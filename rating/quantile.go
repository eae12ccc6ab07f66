package rating

import (
	"math"
	"slices"
)

// Interval is a confidence interval around a central value.
type Interval struct {
	Lower, Median, Upper float64
}

// Quantile is the q-quantile of xs with linear interpolation between order
// statistics (numpy's and pandas' default), so intervals match the
// reference's. xs is not modified.
func Quantile(xs []float64, q float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	return quantileSorted(s, q)
}

// quantileSorted is Quantile on already sorted data.
func quantileSorted(s []float64, q float64) float64 {
	if len(s) == 0 {
		return math.NaN()
	}
	h := q * float64(len(s)-1)
	lo := math.Floor(h)
	i := int(lo)
	if i+1 >= len(s) {
		return s[len(s)-1]
	}
	return s[i] + (h-lo)*(s[i+1]-s[i])
}

// Intervals summarises bootstrap samples[round][model] per model: the
// (1−level)/2 and (1+level)/2 quantiles and the median.
func Intervals(samples [][]float64, level float64) []Interval {
	if len(samples) == 0 {
		return nil
	}
	n := len(samples[0])
	out := make([]Interval, n)
	col := make([]float64, len(samples))
	for m := 0; m < n; m++ {
		for r, s := range samples {
			col[r] = s[m]
		}
		slices.Sort(col)
		out[m] = Interval{
			Lower:  quantileSorted(col, (1-level)/2),
			Median: quantileSorted(col, 0.5),
			Upper:  quantileSorted(col, (1+level)/2),
		}
	}
	return out
}
