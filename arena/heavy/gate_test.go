package heavy

import (
	"context"
	"errors"
	"testing"
	"time"
)

// within fails the test when ch is not closed within 5 s.
func within(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("%s did not happen", what)
	}
}

// never fails the test when ch is closed within 50 ms.
func never(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("%s happened", what)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestBuildStopsTheJobAndWaitsForIt(t *testing.T) {
	g := New()
	ctx := context.Background()
	jctx, release, err := g.Background(ctx)
	if err != nil {
		t.Fatal(err)
	}
	built := make(chan struct{})
	var end func()
	go func() {
		var err error
		end, err = g.Build(ctx)
		if err != nil {
			t.Error(err)
		}
		close(built)
	}()
	within(t, jctx.Done(), "the job's context ending")
	if !GaveWay(jctx) {
		t.Fatalf("job ended with %v, want ErrGaveWay", context.Cause(jctx))
	}
	never(t, built, "the build beginning before the job let go")
	release()
	within(t, built, "the build beginning once the job let go")

	// No job starts while the build runs; one starts once it ends.
	started := make(chan struct{})
	go func() {
		jctx, release, err := g.Background(ctx)
		if err != nil || GaveWay(jctx) {
			t.Error("second job", err)
		}
		release()
		close(started)
	}()
	never(t, started, "a job starting during a build")
	end()
	within(t, started, "a job starting after the build")
}

func TestBuildWithNoJobBeginsAtOnce(t *testing.T) {
	g := New()
	end, err := g.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	end2, err := g.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	idle := make(chan struct{})
	go func() { g.Idle(context.Background()); close(idle) }()
	end()
	end() // a second call changes nothing
	never(t, idle, "idle while a second build runs")
	end2()
	within(t, idle, "idle after both builds")
}

func TestOneJobAtATime(t *testing.T) {
	g := New()
	_, release, err := g.Background(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second := make(chan struct{})
	go func() {
		_, r, err := g.Background(context.Background())
		if err == nil {
			r()
		}
		close(second)
	}()
	never(t, second, "a second job starting beside the first")
	release()
	within(t, second, "the second job starting after the first")
}

func TestWaitsEndWithTheirContext(t *testing.T) {
	g := New()
	_, release, _ := g.Background(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	// The job never lets go: the build gives up with its context, and
	// does not keep jobs out afterwards.
	if _, err := g.Build(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Build = %v, want the context's deadline", err)
	}
	if err := g.Idle(context.Background()); err != nil {
		t.Fatal(err)
	}
	release()
	end, err := g.Build(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	jctx, cancel2 := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel2()
	if _, _, err := g.Background(jctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Background during a build = %v, want the context's deadline", err)
	}
	end()
}

func TestNilGateOrdersNothing(t *testing.T) {
	var g *Gate
	ctx := context.Background()
	jctx, release, err := g.Background(ctx)
	if err != nil || jctx != ctx {
		t.Fatal("nil gate's Background", err)
	}
	end, err := g.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	end()
	release()
	if GaveWay(jctx) {
		t.Fatal("nil gate stopped a job")
	}
}
