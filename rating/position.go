package rating

import "math"

// PositionBiasBand is how far from 50% the left-hand answer's share of
// decisive wins may plausibly sit without anyone worrying: ±2 points.
const PositionBiasBand = 0.02

// PositionBias is how often the answer shown on the left (side A) wins a
// decisive vote. Sides are randomised, so an honest board sits near 50%;
// a clear lean means voters favour a side and every vote is slightly
// noisier than it looks (it does not bias the scores themselves, since
// each model sits on each side equally often on average).
type PositionBias struct {
	// WinsA and WinsB are the decisive votes for each side; ties and
	// both-bad votes say nothing about side preference and are left out.
	WinsA, WinsB int
	// Share is WinsA / (WinsA + WinsB); Lower and Upper its Wilson 95%
	// score interval, which stays inside [0, 1] and behaves with few votes.
	Share, Lower, Upper float64
	// Biased is set when the whole interval lies outside the band
	// 50% ± PositionBiasBand: the lean is larger than 2 points beyond what
	// chance explains, not merely different from exactly 50%. Large
	// boards detect tiny, harmless leans; this flag only fires for a
	// lean worth a reader's attention.
	Biased bool
}

// SidePreference computes the position-bias figure from decisive vote
// counts. With no decisive votes the share is 0.5 and the interval [0, 1].
func SidePreference(winsA, winsB int) PositionBias {
	b := PositionBias{WinsA: winsA, WinsB: winsB, Share: 0.5, Lower: 0, Upper: 1}
	n := float64(winsA + winsB)
	if n <= 0 {
		return b
	}
	z := normalQuantile(0.975)
	p := float64(winsA) / n
	z2 := z * z
	centre := (p + z2/(2*n)) / (1 + z2/n)
	half := z / (1 + z2/n) * math.Sqrt(p*(1-p)/n+z2/(4*n*n))
	b.Share = p
	b.Lower = max(0, centre-half)
	b.Upper = min(1, centre+half)
	b.Biased = b.Lower > 0.5+PositionBiasBand || b.Upper < 0.5-PositionBiasBand
	return b
}
