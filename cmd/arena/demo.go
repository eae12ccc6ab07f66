package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/models"
)

// progressDelay is how long the demo bank may take before a bar appears:
// it is usually done well before, and a bar that flashes is noise.
const progressDelay = time.Second

// startDemo applies the demo rule at start-up (see arena.StartDemo) and
// returns what to tell the operator once the server is listening (the
// address comes first: it is what they came for).
func startDemo(ctx context.Context, a *arena.Arena, want bool, stderr io.Writer) (string, error) {
	start := time.Now()
	var bar *progress
	st, err := a.StartDemo(ctx, want, func(done, total int) {
		if bar == nil && time.Since(start) > progressDelay {
			p := newProgress(stderr, total, "demo bots answering")
			bar = &p
			for range done - 1 {
				bar.step()
			}
		}
		if bar != nil {
			bar.step()
		}
	})
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return "", fmt.Errorf("demo: %w", err)
	}
	switch {
	case st.On:
		return fmt.Sprintf("Demo mode: offline demo bots (rule-based and statistical toys, not language models) answer %d built-in prompts (%d new answers). "+
			"It switches off for good when you add a real model (arena contenders discover -add, arena import contenders) or import a bank; --demo=false starts without it.\n",
			st.Prompts, st.Bank.ResponsesCreated), nil
	case st.Off != nil:
		return demoOffText(st.Off), nil
	}
	return "", nil
}

// demoOffText says that the demo was switched off.
func demoOffText(off *arena.DemoOff) string {
	return fmt.Sprintf("Demo mode is off: %d demo bots disabled, %d votes on their battles kept apart from the ratings.\n", off.Bots, off.Votes)
}

// checkDemo switches the demo off after a command brought real content
// (see arena.CheckDemo); a server running beside the command follows
// within its check interval.
func checkDemo(ctx context.Context, store *models.Store, actor string, stdout io.Writer) error {
	off, err := arena.New(store, arena.Options{}).CheckDemo(ctx, actor)
	if err != nil {
		return fmt.Errorf("switch the demo off: %w", err)
	}
	if off != nil {
		fmt.Fprint(stdout, demoOffText(off))
	}
	return nil
}
