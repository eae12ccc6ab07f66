package main

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// liveLevel keeps clients live battles under way, each client starting the
// next as soon as its last ended (closed loop), for dur; the clients' first
// battles are spread evenly over ramp so they do not all start together.
// Then it waits for the battles under way to end.
func (l *loader) liveLevel(ctx context.Context, opt options, clients int, fake *fakeLLM) LiveResult {
	want := ""
	if fake != nil {
		want = fake.answer
		fake.resetPeak()
	}
	mon := startProcMonitor(opt.watch.serverPID)
	var gone0, served0, conns0 int64
	if fake != nil {
		gone0, served0, conns0 = fake.gone.Load(), fake.served.Load(), fake.conns.Load()
	}
	before, cpu0 := load1(), opt.watch.snapshot()
	outs, peakOpen, wall := l.liveClients(ctx, opt, clients, want)
	after, cpu1 := load1(), opt.watch.snapshot()
	r := LiveResult{Clients: clients, Seconds: wall.Seconds(), PeakOpen: peakOpen, Load1Before: before, Load1After: after, At: time.Now().UTC()}
	r.addOutcomes(outs, wall)
	if fake != nil {
		r.Tokens, r.DelayMS = fake.tokens, ms(fake.delay)
		r.IdealMS = ms(time.Duration(fake.tokens) * fake.delay)
		r.UpstreamPeak = int(fake.peak.Load())
		r.UpstreamLeft = fake.waitIdle(ctx, 5*time.Second)
		r.UpstreamAbandoned = int(fake.gone.Load() - gone0)
		r.UpstreamStreams, r.UpstreamConns = int(fake.served.Load()-served0), int(fake.conns.Load()-conns0)
	}
	time.Sleep(300 * time.Millisecond) // let the monitor see the server after the level
	r.addProcess(mon.stop())
	r.addCPU(opt.watch, cpu0, cpu1, wall)
	return r
}

// liveClients runs the level's clients and returns every battle's outcome,
// the most battles open at once, and the wall time.
func (l *loader) liveClients(ctx context.Context, opt options, clients int, want string) ([]liveOutcome, int, time.Duration) {
	var (
		mu       sync.Mutex
		outs     []liveOutcome
		open     atomic.Int64
		peakOpen atomic.Int64
		done     atomic.Int64
	)
	l.prog.start(fmt.Sprintf("live battles, %d clients", clients), 0, &done)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range clients {
		wg.Go(func() {
			delay := time.Duration(0)
			if clients > 1 {
				delay = opt.ramp * time.Duration(w) / time.Duration(clients)
			}
			select {
			case <-time.After(delay):
			case <-ctx.Done():
				return
			}
			var mine []liveOutcome
			for time.Since(start) < opt.liveDur && ctx.Err() == nil {
				n := open.Add(1)
				for p := peakOpen.Load(); n > p && !peakOpen.CompareAndSwap(p, n); p = peakOpen.Load() {
				}
				o := l.liveBattle(ctx, opt.reqTime, want)
				open.Add(-1)
				done.Add(1)
				mine = append(mine, o)
			}
			mu.Lock()
			outs = append(outs, mine...)
			mu.Unlock()
		})
	}
	wg.Wait()
	wall := time.Since(start)
	l.prog.stop()
	return outs, int(peakOpen.Load()), wall
}

// addOutcomes counts the battles and errors (the first detail of each
// kind kept) and fills in the latency quantiles of the battles that
// finished.
func (r *LiveResult) addOutcomes(outs []liveOutcome, wall time.Duration) {
	var starts, ttfds, totals []time.Duration
	for _, o := range outs {
		if o.kind != "" {
			r.Errors++
			if r.ErrorKinds == nil {
				r.ErrorKinds, r.FirstErrors = map[string]int{}, map[string]string{}
			}
			if r.ErrorKinds[o.kind]++; r.FirstErrors[o.kind] == "" {
				r.FirstErrors[o.kind] = o.detail
			}
			continue
		}
		r.Battles++
		starts, ttfds, totals = append(starts, o.start), append(ttfds, o.ttfd), append(totals, o.total)
	}
	r.BattlesPerSec = float64(r.Battles) / wall.Seconds()
	for _, xs := range [][]time.Duration{starts, ttfds, totals} {
		slices.Sort(xs)
	}
	if r.Battles > 0 {
		r.StartP50MS, r.StartP99MS = ms(quantile(starts, 0.5)), ms(quantile(starts, 0.99))
		r.TTFDP50MS, r.TTFDP99MS, r.TTFDMaxMS = ms(quantile(ttfds, 0.5)), ms(quantile(ttfds, 0.99)), ms(ttfds[len(ttfds)-1])
		r.TotalP50MS, r.TotalP99MS, r.TotalMaxMS = ms(quantile(totals, 0.5)), ms(quantile(totals, 0.99)), ms(totals[len(totals)-1])
	}
}

// addProcess fills in the server process's memory, threads and open files
// as the monitor saw them.
func (r *LiveResult) addProcess(st procStats) {
	r.RSSStartMB, r.RSSPeakMB, r.RSSEndMB = st.first.rssMB, st.peak.rssMB, st.last.rssMB
	r.ThreadsPeak = st.peak.threads
	r.FDsStart, r.FDsPeak, r.FDsEnd = st.first.fds, st.peak.fds, st.last.fds
}

// addCPU fills in the CPU cost per battle (and per token) of what watch
// watched between the snapshots a and b.
func (r *LiveResult) addCPU(watch cpuWatch, a, b cpuSnapshot, wall time.Duration) {
	n := r.Battles + r.Errors
	if n == 0 {
		return
	}
	server, backends, self := cpuUsed(a, b)
	per := func(d time.Duration) float64 { return ms(d) / float64(n) }
	r.SelfCPUMSPerBattle = per(self)
	if watch.serverPID > 0 {
		r.ServerCPUMSPerBattle = per(server)
		r.ServerCPUPct = 100 * server.Seconds() / wall.Seconds()
		if r.Tokens > 0 {
			r.ServerCPUUSPerToken = float64(server.Microseconds()) / float64(n*2*r.Tokens)
		}
	}
	if watch.pgDB != "" {
		r.PGCPUMSPerBattle = per(backends)
	}
}
