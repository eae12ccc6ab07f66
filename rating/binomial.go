package rating

import (
	"math"
	"math/rand/v2"
)

// binomial draws from Binomial(n, p) in O(1) expected time: inversion when
// n·p is small, otherwise Hörmann's BTRS transformed rejection (the method
// numpy uses), which keeps a bootstrap round at O(cells) whatever the
// number of battles.
func binomial(r *rand.Rand, n int, p float64) int {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - binomial(r, n, 1-p)
	case float64(n)*p < 10:
		return binomialInversion(r, n, p)
	}
	return binomialBTRS(r, n, p)
}

// binomialInversion walks the CDF from zero; the expected number of steps
// is n·p + 1 < 11.
func binomialInversion(r *rand.Rand, n int, p float64) int {
	q := 1 - p
	return binomialInversionQ(r, n, p/q, math.Log1p(-p))
}

// binomialInversionQ is binomialInversion given s = p/(1−p) and
// lq = log(1−p). P(0) = (1−p)ⁿ is taken as exp(n·lq): a bootstrap round
// draws one per cell, and Pow costs several times Exp; n·lq > −10 here,
// so the two agree to a few units in the last place.
func binomialInversionQ(r *rand.Rand, n int, s, lq float64) int {
	a := float64(n+1) * s
	f := math.Exp(float64(n) * lq)
	u := r.Float64()
	x := 0
	for u > f && x < n {
		u -= f
		x++
		f *= a/float64(x) - s
	}
	return x
}

// binomialBTRS is algorithm BTRS from W. Hörmann, "The generation of
// binomial random variates" (1993), for p <= 0.5 and n·p >= 10.
func binomialBTRS(r *rand.Rand, n int, p float64) int {
	q := 1 - p
	return binomialBTRSQ(r, n, p, q, math.Log(p/q))
}

// binomialBTRSQ is binomialBTRS given q = 1−p and lpq = log(p/q).
func binomialBTRSQ(r *rand.Rand, n int, p, q, lpq float64) int {
	nf := float64(n)
	spq := math.Sqrt(nf * p * q)
	b := 1.15 + 2.53*spq
	a := -0.0873 + 0.0248*b + 0.01*p
	c := nf*p + 0.5
	vr := 0.92 - 4.2/b
	alpha := (2.83 + 5.1/b) * spq
	m := math.Floor((nf + 1) * p)
	// h is needed only when the quick acceptance fails, about one draw
	// in three; its log-factorial is the costliest part of a draw.
	h, haveH := 0.0, false
	for {
		u := r.Float64() - 0.5
		v := r.Float64()
		us := 0.5 - math.Abs(u)
		k := math.Floor((2*a/us+b)*u + c)
		if k < 0 || k > nf {
			continue
		}
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if !haveH {
			h, haveH = logFactorial(m)+logFactorial(nf-m), true
		}
		v = math.Log(v * alpha / (a/(us*us) + b))
		if v <= h-logFactorial(k)-logFactorial(nf-k)+(k-m)*lpq {
			return int(k)
		}
	}
}

// fixedBinomial is Binomial(n, p) for one p and any n, with what depends
// on p alone worked out once: a multinomial draw takes one per cell with
// the same p in every bootstrap round. It draws exactly what binomial does.
type fixedBinomial struct {
	p    float64 // the success chance, as given
	flip bool    // p > 0.5: draw the failures, with chance pp
	// pp = min(p, 1−p) as binomial computes it, q = 1−pp, s = pp/q,
	// lpq = log(pp/q) and lq = log(1−pp)
	pp, q, s, lpq, lq float64
}

func newFixedBinomial(p float64) fixedBinomial {
	b := fixedBinomial{p: p, pp: p}
	if p > 0.5 && p < 1 {
		b.flip, b.pp = true, 1-p
	}
	b.q = 1 - b.pp
	b.s = b.pp / b.q
	b.lpq = math.Log(b.pp / b.q)
	b.lq = math.Log1p(-b.pp)
	return b
}

// draw is binomial(r, n, b.p).
func (b *fixedBinomial) draw(r *rand.Rand, n int) int {
	switch {
	case n <= 0 || b.p <= 0:
		return 0
	case b.p >= 1:
		return n
	case b.pp <= 0:
		// 1−p rounded to 0: binomial's complement draw gives n.
		return n
	}
	var k int
	if float64(n)*b.pp < 10 {
		k = binomialInversionQ(r, n, b.s, b.lq)
	} else {
		k = binomialBTRSQ(r, n, b.pp, b.q, b.lpq)
	}
	if b.flip {
		return n - k
	}
	return k
}

// logFactorials holds log(k!) for small k, where Stirling's series is
// least accurate.
var logFactorials = func() [64]float64 {
	var t [64]float64
	for k := 1; k < len(t); k++ {
		t[k] = t[k-1] + math.Log(float64(k))
	}
	return t
}()

// logFactorial is log(k!) for integral k >= 0: a table below 64, above it
// Stirling's series, accurate to double precision there and much cheaper
// than math.Lgamma; BTRS needs two per draw.
func logFactorial(k float64) float64 {
	if k < float64(len(logFactorials)) {
		return logFactorials[int(k)]
	}
	x := k + 1
	x2 := x * x
	return (x-0.5)*math.Log(x) - x + 0.5*math.Log(2*math.Pi) + (1/12.0-(1/360.0-1/(1260*x2))/x2)/x
}
