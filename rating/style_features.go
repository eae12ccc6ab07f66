package rating

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
	norm := styleNorm(countsOnly(style))
	feats := make([][NumStyleFeatures]float64, len(style))
	for i := range style {
		feats[i] = norm.features(&style[i])
	}
	return feats, norm
}

// countsOnly is Battles over style counts alone, for the normalisation.
type countsOnly []StyleCounts

func (c countsOnly) Len() int { return len(c) }

func (c countsOnly) Battle(i int) (Outcome, StyleCounts) { return Outcome{}, c[i] }
