package rating

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"testing"

	"openarena.dev/arena/internal/heappeak"
)

// hashBattles is Battles worked out from each battle's index, so that the
// battles take no memory of their own: what a memory benchmark measures
// is the style fit's. As in an arena served from a bank of 400 prompts
// with an answer per prompt and model (arenaload's seed), each battle
// draws a prompt and a pair, and an answer's counts are its prompt's and
// model's: lengths to 900 tokens, list and bold counts to 4. Battles of
// the same prompt and pair pool, so 10,000,000 battles of 300 models make
// about 7.7M rows (8.3M in the seeded 10M-vote database).
type hashBattles struct{ n, models int }

// bankPrompts is the number of prompts hashBattles draws from.
const bankPrompts = 400

func (h hashBattles) Len() int { return h.n }

func (h hashBattles) Battle(i int) (Outcome, StyleCounts) {
	x := splitMix(uint64(i))
	a := int(x % uint64(h.models))
	b := (a + 1 + int(x>>16%uint64(h.models-1))) % h.models
	y := splitMix(x)
	prompt := y % bankPrompts
	return Outcome{A: a, B: b, Result: float64(y>>32%3) / 2},
		StyleCounts{A: bankAnswer(prompt, a), B: bankAnswer(prompt, b)}
}

// bankAnswer is the style counts of model m's answer to a bank prompt.
func bankAnswer(prompt uint64, m int) [NumStyleFeatures]float64 {
	y := splitMix(prompt<<20 | uint64(m))
	return [NumStyleFeatures]float64{float64(y % 900), 0, float64(y >> 10 % 5), float64(y >> 20 % 5)}
}

func splitMix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// BenchmarkStyleMemory measures the style-controlled fit and its
// bootstrap on one worker, as the server's background job runs them, over
// ARENA_BENCH_VOTES battles (default 1,000,000) of 300 models with
// ARENA_BENCH_ROUNDS rounds (default 3; memory does not grow with them),
// in bytes per battle: what the pooled problem holds after the fit
// (held), what is live after a collection at the end of each round, the
// worker's state included (rounds-held, the most of any round), and the
// most the fit and the bootstrap hold at once (fit-peak, rounds-peak: the
// live heap sampled with the collector running often, so noisier):
// go test ./rating -run '^$' -bench StyleMemory -benchtime 1x
func BenchmarkStyleMemory(b *testing.B) {
	n := envInt("ARENA_BENCH_VOTES", 1_000_000)
	rounds := envInt("ARENA_BENCH_ROUNDS", 3)
	battles := hashBattles{n: n, models: 300}
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	per := func(v uint64, base uint64) float64 { return (float64(v) - float64(base)) / float64(n) }
	for b.Loop() {
		runtime.GC()
		base := heappeak.Live()
		stop := heappeak.Sample()
		_, full, start, err := fitStyle(battles.models, battles, DefaultStyle)
		if err != nil {
			b.Fatal(err)
		}
		fitPeak := stop()
		runtime.GC()
		held := heappeak.Live()
		var roundsHeld uint64
		opt := BootstrapOptions{Rounds: rounds, Seed: 1, Workers: 1, Progress: func(int, int) {
			runtime.GC()
			roundsHeld = max(roundsHeld, heappeak.Live())
		}}
		stop = heappeak.Sample()
		if _, err := bootstrapStyle(context.Background(), full, start, DefaultStyle, opt); err != nil {
			b.Fatal(err)
		}
		roundsPeak := stop()
		b.ReportMetric(per(held, base), "held-B/battle")
		b.ReportMetric(per(roundsHeld, base), "rounds-held-B/battle")
		b.ReportMetric(per(fitPeak, base), "fit-peak-B/battle")
		b.ReportMetric(per(roundsPeak, base), "rounds-peak-B/battle")
		b.ReportMetric(float64(len(full.a))/float64(n), "rows/battle")
		runtime.KeepAlive(full)
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
