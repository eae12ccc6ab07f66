package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// progress rewrites one status line on a terminal twice a second and does
// nothing when w is not a terminal, so piped output stays clean.
type progress struct {
	w    io.Writer
	on   bool
	quit chan struct{}
	done chan struct{}
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

// start shows what and count/total until stop is called.
func (p *progress) start(what string, total int, count *atomic.Int64) {
	if !p.on {
		return
	}
	p.quit, p.done = make(chan struct{}), make(chan struct{})
	go func() {
		defer close(p.done)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			fmt.Fprintf(p.w, "\r\033[K%s %d/%d", what, count.Load(), total)
			select {
			case <-p.quit:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
			}
		}
	}()
}

func (p *progress) stop() {
	if !p.on || p.quit == nil {
		return
	}
	close(p.quit)
	<-p.done
	p.quit = nil
}
