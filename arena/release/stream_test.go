package release_test

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestRunHoldsVotesUpToItsStart: a vote cast after an export began is left
// for the next one, so a long export reads a fixed set of votes.
func TestRunHoldsVotesUpToItsStart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seed := &releaseSeed{t: t, s: s}
		first := seed.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
		second := seed.live("alpha", "beta", [][4]string{{"Hi", models.StatusApproved, "Hello!", "Hey."}}, counted)
		rel := arena.New(s, arena.Options{}).Release()
		run, err := rel.Begin(context.Background(), release.ExportOptions{JudgeKey: releaseKey, IncludeServedBank: true})
		if err != nil {
			t.Fatal(err)
		}
		late := seed.bank("What is 3+3?", "alpha", "6", "beta", "Six.", counted)
		var out bytes.Buffer
		st, err := run.Write(context.Background(), &out)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{first, second}, questionIDs(t, out.Bytes())); diff != "" || st.Exported != 2 {
			t.Errorf("export begun before %s was voted (-want +got):\n%s\nstats %+v", late, diff, st)
		}
		again, err := rel.Export(context.Background(), &out, release.ExportOptions{JudgeKey: releaseKey, IncludeServedBank: true})
		if err != nil || again.Exported != 3 {
			t.Errorf("the next export holds %d battles (%v), want 3", again.Exported, err)
		}
	})
}

// flushLog records what had been written at each flush.
type flushLog struct {
	bytes.Buffer
	at []string
}

func (f *flushLog) flush() error {
	f.at = append(f.at, f.String())
	return nil
}

// TestRunFlushes: with a Flush hook the opening bracket goes out before
// any vote is read, every batch is handed on, and a batch that released
// nothing still sends a byte (whitespace) so the download is seen alive;
// the result is the same JSON array. Without votes it is an empty one.
func TestRunFlushes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		rel := arena.New(s, arena.Options{}).Release()
		export := func(includeServed bool) (*flushLog, release.ExportStats) {
			t.Helper()
			f := &flushLog{}
			st, err := rel.Export(context.Background(), f, release.ExportOptions{JudgeKey: releaseKey, IncludeServedBank: includeServed, Flush: f.flush})
			if err != nil {
				t.Fatal(err)
			}
			return f, st
		}
		if f, _ := export(true); len(questionIDs(t, f.Bytes())) != 0 {
			t.Errorf("export without votes = %q, want an empty array", f.String())
		}
		seed := &releaseSeed{t: t, s: s}
		bank := seed.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
		f, st := export(true)
		if len(f.at) != 2 || f.at[0] != "[" || !bytes.Contains([]byte(f.at[1]), []byte(bank)) || st.Exported != 1 {
			t.Errorf("flushed %q, stats %+v; want the bracket alone, then the battle", f.at, st)
		}
		f, st = export(false)
		if len(questionIDs(t, f.Bytes())) != 0 || st.LeftOut[release.LeftOutServedBank] != 1 || len(f.at) != 2 || len(f.at[1]) <= len(f.at[0]) {
			t.Errorf("export leaving out every vote flushed %q, stats %+v; want a byte after the bracket and an empty array", f.at, st)
		}
	})
}

// questionIDs parses a release and returns its battles' ids in order.
func questionIDs(t *testing.T, release []byte) []string {
	t.Helper()
	var got []struct {
		QuestionID string `json:"question_id"`
	}
	if err := json.Unmarshal(release, &got); err != nil {
		t.Fatalf("release is not a JSON array: %v\n%s", err, release)
	}
	ids := []string{}
	for _, b := range got {
		ids = append(ids, b.QuestionID)
	}
	return ids
}
