package integrity_test

import (
	"context"
	"testing"
	"time"

	"openarena.dev/arena/arena/audit"
	"openarena.dev/arena/arena/heavy"
	"openarena.dev/arena/arena/integrity"
	"openarena.dev/arena/models/storetest"
)

// TestReportWaitsForTheJobToGiveWay checks that a report's build stops
// the ratings' background job holding the gate and begins only once the
// job has let go.
func TestReportWaitsForTheJobToGiveWay(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	now := func() time.Time { return time.Now().UTC() }
	gate := heavy.New()
	svc := integrity.New(s, audit.New(s, now), now, integrity.Options{}, integrity.Hooks{Gate: gate})
	jctx, letGo, err := gate.Background(ctx)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := svc.Report(ctx, true)
		done <- err
	}()
	select {
	case <-jctx.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the report's build did not stop the background job")
	}
	if !heavy.GaveWay(jctx) {
		t.Fatalf("the job's context ended with %v, want heavy.ErrGaveWay", context.Cause(jctx))
	}
	select {
	case err := <-done:
		t.Fatalf("the report was built (err %v) while the job still held the gate", err)
	case <-time.After(50 * time.Millisecond):
	}
	letGo()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the report was not built once the job let go")
	}
}
