package rating

import (
	"math"
	"math/rand/v2"
)

// poissonDraw is Poisson(mean) for one mean, with what depends on the mean
// alone worked out once: a resample draws one per cell and round from the
// cell's battle count. Below a mean of 10 it inverts the CDF; above, it is
// Hörmann's PTRS transformed rejection ("The transformed rejection method
// for generating Poisson random variables", 1993), the method numpy uses.
type poissonDraw struct {
	mean  float64
	small bool
	// emean is exp(−mean), P(0), for inversion.
	emean float64
	// PTRS's constants: loglam = log(mean), lia = log(1/alpha).
	loglam, a, b, lia, vr float64
}

// newPoisson prepares draws with the given mean (>= 0).
func newPoisson(mean float64) poissonDraw {
	p := poissonDraw{mean: mean, small: mean < 10}
	if p.small {
		p.emean = math.Exp(-mean)
		return p
	}
	slam := math.Sqrt(mean)
	p.loglam = math.Log(mean)
	p.b = 0.931 + 2.53*slam
	p.a = -0.059 + 0.02483*p.b
	p.lia = math.Log(1.1239 + 1.1328/(p.b-3.4))
	p.vr = 0.9277 - 3.6224/(p.b-2)
	return p
}

// draw takes one Poisson variate from src.
func (p *poissonDraw) draw(src *rand.PCG) int32 {
	if p.small {
		return p.invert(src)
	}
	return p.ptrs(src)
}

// invert walks the CDF from zero: mean + 1 steps expected.
func (p *poissonDraw) invert(src *rand.PCG) int32 {
	u := unit(src)
	f := p.emean
	var x int32
	for u > f {
		u -= f
		x++
		f *= p.mean / float64(x)
		if f == 0 {
			// Rounding left u above a tail that underflowed: the
			// variate is as far out as doubles reach.
			break
		}
	}
	return x
}

// ptrs is algorithm PTRS, for mean >= 10.
func (p *poissonDraw) ptrs(src *rand.PCG) int32 {
	for {
		u := unit(src) - 0.5
		v := unit(src)
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*p.a/us+p.b)*u + p.mean + 0.43)
		if us >= 0.07 && v <= p.vr {
			return int32(k)
		}
		if k < 0 || us < 0.013 && v > us {
			continue
		}
		// log(0) is −Inf here, which accepts: v = 0 has no mass.
		if math.Log(v)+p.lia-math.Log(p.a/(us*us)+p.b) <= -p.mean+k*p.loglam-logFactorial(k) {
			return int32(k)
		}
	}
}

// unit is a uniform float64 in [0, 1) from the top 53 bits of one draw,
// as math/rand/v2's Float64 takes it.
func unit(src *rand.PCG) float64 {
	return float64(src.Uint64()<<11>>11) * 0x1p-53
}
