package release_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/filter"
	"openarena.dev/arena/arena/moderation"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

var releaseKey = []byte("release-test-secret-0123456789")

// releaseSeed builds battles in a store through its public methods.
type releaseSeed struct {
	t *testing.T
	s *models.Store
	n int
}

// bank stores a voted bank battle of prompt between two contenders and
// returns its id. vote may set Counted, Excluded and Winner; VoterID and
// BattleID are filled in.
func (r *releaseSeed) bank(prompt, slugA, answerA, slugB, answerB string, vote models.Vote) string {
	r.t.Helper()
	ctx := context.Background()
	r.n++
	pid := fmt.Sprintf("seed-%d", r.n)
	rows := []models.BankRow{{PromptID: pid, Prompt: prompt, Model: slugA, Output: answerA},
		{PromptID: pid, Prompt: prompt, Model: slugB, Output: answerB}}
	if _, err := r.s.ImportBank(ctx, rows, nil); err != nil {
		r.t.Fatal(err)
	}
	ids, err := r.s.BankPromptIDs(ctx)
	if err != nil {
		r.t.Fatal(err)
	}
	p, answers, err := r.s.PromptAnswers(ctx, ids[len(ids)-1])
	if err != nil || p.Text != prompt || len(answers) != 2 {
		r.t.Fatalf("seeded prompt not found: %v", err)
	}
	ra, rb := answers[0], answers[1]
	if ra.Contender.Slug != slugA {
		ra, rb = rb, ra
	}
	b := &models.Battle{ID: fmt.Sprintf("%032x", r.n), PromptID: p.ID, ContenderAID: ra.ContenderID,
		ContenderBID: rb.ContenderID, ResponseAID: &ra.ID, ResponseBID: &rb.ID,
		VoterID: fmt.Sprintf("voter-%d", r.n%3), Mode: models.ModeBank, State: models.StateReady}
	if err := r.s.CreateBattle(ctx, b); err != nil {
		r.t.Fatal(err)
	}
	r.vote(b, vote)
	return b.ID
}

// live stores a voted live battle; each turn is {prompt, status, answerA, answerB}.
func (r *releaseSeed) live(slugA, slugB string, turns [][4]string, vote models.Vote) string {
	r.t.Helper()
	return r.conversation(models.ModeLive, slugA, slugB, turns, vote)
}

// conversation stores a voted battle of turns in mode (live or named).
func (r *releaseSeed) conversation(mode, slugA, slugB string, turns [][4]string, vote models.Vote) string {
	r.t.Helper()
	ctx := context.Background()
	ca, cb := r.contender(slugA), r.contender(slugB)
	r.n++
	b := &models.Battle{ID: fmt.Sprintf("%032x", r.n), ContenderAID: ca, ContenderBID: cb,
		VoterID: fmt.Sprintf("voter-%d", r.n%3), Mode: mode, State: models.StateOpen}
	for i, turn := range turns {
		p := &models.Prompt{Text: turn[0], Hash: models.PromptHash(turn[0]), Source: models.SourceUser,
			Status: turn[1], Categories: []string{}}
		var err error
		if i == 0 {
			err = r.s.StartLiveBattle(ctx, b, p)
		} else {
			_, err = r.s.AddTurn(ctx, b.ID, p)
		}
		if err != nil {
			r.t.Fatal(err)
		}
		if err := r.s.ClaimBattle(ctx, b.ID, models.StateOpen, models.StateStreaming); err != nil {
			r.t.Fatal(err)
		}
		ra := &models.Response{ContenderID: ca, Text: turn[2]}
		rb := &models.Response{ContenderID: cb, Text: turn[3]}
		if err := r.s.FinishTurn(ctx, b, ra, rb, ""); err != nil {
			r.t.Fatal(err)
		}
	}
	r.vote(b, vote)
	return b.ID
}

// named stores a voted side-by-side battle, as live does a blind one.
func (r *releaseSeed) named(slugA, slugB string, turns [][4]string, vote models.Vote) string {
	r.t.Helper()
	return r.conversation(models.ModeNamed, slugA, slugB, turns, vote)
}

func (r *releaseSeed) vote(b *models.Battle, v models.Vote) {
	r.t.Helper()
	v.BattleID, v.VoterID = b.ID, b.VoterID
	if v.Winner == "" {
		v.Winner = models.WinnerA
	}
	if _, err := r.s.RecordVote(context.Background(), &v); err != nil {
		r.t.Fatal(err)
	}
}

func (r *releaseSeed) contender(slug string) uint {
	r.t.Helper()
	c, err := r.s.ContenderBySlug(context.Background(), slug)
	if errors.Is(err, models.ErrNotFound) {
		if _, err := r.s.UpsertContenders(context.Background(), []models.Contender{{Slug: slug, DisplayName: slug}}, nil); err != nil {
			r.t.Fatal(err)
		}
		c, err = r.s.ContenderBySlug(context.Background(), slug)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	return c.ID
}

var counted = models.Vote{Counted: true}

func TestExportLeavesOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seed := &releaseSeed{t: t, s: s}
		keep1 := seed.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
		seed.bank("Mail me at jane.doe@example.org", "alpha", "ok", "beta", "sure", counted)
		seed.bank("Who are you?", "alpha", "Call +44 20 7946 0958", "beta", "A model.", counted)
		seed.bank("Pay?", "alpha", "Use 4111 1111 1111 1111", "beta", "No.", counted)
		seed.bank("Key?", "beta", "fine", "alpha", "try sk-abcdefghijklmnopqrstuvwxyz", counted)
		seed.bank("Excluded vote", "alpha", "a", "beta", "b", models.Vote{Counted: true, Excluded: "admin: test"})
		seed.bank("Leaky vote", "alpha", "a", "beta", "b", models.Vote{Counted: false, Reason: "leak"})
		keep2 := seed.live("beta", "gamma", [][4]string{
			{"Hi", models.StatusApproved, "Hello!", "Hey."},
			{"Tell a joke", models.StatusApproved, "A joke.", "Another joke."},
		}, models.Vote{Counted: true, Winner: models.WinnerBothBad})
		seed.live("beta", "gamma", [][4]string{{"bad words", models.StatusRejected, "x", "y"}}, counted)
		seed.live("beta", "gamma", [][4]string{
			{"fine", models.StatusApproved, "x", "y"},
			{"flagged later", models.StatusFlagged, "x", "y"},
		}, counted)
		seed.live("alpha", "gamma", [][4]string{{"my ip is 203.0.113.9", models.StatusApproved, "x", "y"}}, counted)

		a := arena.New(s, arena.Options{})
		var out bytes.Buffer
		st, err := a.Release().Export(context.Background(), &out, release.ExportOptions{JudgeKey: releaseKey, IncludeServedBank: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []release.Battle
		if err := json.Unmarshal(out.Bytes(), &got); err != nil {
			t.Fatalf("export is not a JSON array: %v\n%s", err, out.String())
		}
		var ids []string
		for _, b := range got {
			ids = append(ids, b.QuestionID)
		}
		if diff := cmp.Diff([]string{keep1, keep2}, ids); diff != "" {
			t.Errorf("exported battles (-want +got):\n%s", diff)
		}
		wantLeft := map[string]int{
			"personal data: " + filter.FoundEmail: 1, "personal data: " + filter.FoundPhone: 1,
			"personal data: " + filter.FoundCard: 1, "personal data: " + filter.FoundSecret: 1,
			"personal data: " + filter.FoundIP: 1, release.LeftOutExcluded: 1, release.LeftOutNotCounted: 1,
			"prompt rejected": 1, "prompt flagged": 1,
		}
		if diff := cmp.Diff(wantLeft, st.LeftOut); diff != "" {
			t.Errorf("left out (-want +got):\n%s", diff)
		}
		if st.Exported != 2 {
			t.Errorf("Exported = %d, want 2", st.Exported)
		}
		for _, leak := range []string{"jane.doe", "7946", "4111", "sk-abc", "203.0.113", "voter-"} {
			if bytes.Contains(out.Bytes(), []byte(leak)) {
				t.Errorf("export contains %q", leak)
			}
		}
		if len(got) == 2 {
			live := got[1]
			wantA := []release.Message{{"user", "Hi"}, {"assistant", "Hello!"}, {"user", "Tell a joke"}, {"assistant", "A joke."}}
			if diff := cmp.Diff(wantA, live.ConversationA); diff != "" {
				t.Errorf("live conversation_a (-want +got):\n%s", diff)
			}
			if live.Turn != 2 || live.Winner != models.WinnerBothBad || !live.Anony || live.ModelA != "beta" || live.ModelB != "gamma" {
				t.Errorf("live battle = %+v", live)
			}
			if live.Judge != release.Pseudonym(releaseKey, "voter-2") || live.Judge == "" {
				t.Errorf("judge = %q, want the pseudonym of voter-2", live.Judge)
			}
			if age := time.Since(time.UnixMicro(int64(live.Tstamp * 1e6))); age < 0 || age > time.Hour {
				t.Errorf("tstamp %v is not the vote's time", live.Tstamp)
			}
		}

		rel, err := a.Release().Battles(context.Background(), release.Filter{Contender: "gamma", Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(rel) != 1 || rel[0].QuestionID != keep2 || rel[0].Judge != "" {
			t.Errorf("Battles(gamma) = %+v, want only %s without a judge", rel, keep2)
		}
		rel, err = a.Release().Battles(context.Background(), release.Filter{Limit: 1})
		if err != nil || len(rel) != 1 || rel[0].QuestionID != keep2 {
			t.Errorf("Battles(limit 1) = %+v, %v; want the newest, %s", rel, err, keep2)
		}
	})
}

// TestExportUsesFilterLists checks that the admin's block and flag lists
// leave battles out of the release, answers included.
func TestExportUsesFilterLists(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seed := &releaseSeed{t: t, s: s}
	keep := seed.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
	seed.bank("Name an animal", "alpha", "A Zebra.", "beta", "A cat.", counted)
	seed.bank("Name a colour", "alpha", "Red.", "beta", "Mauve, I think.", counted)
	a := arena.New(s, arena.Options{})
	err := a.Moderation().SetFilterRules(context.Background(), "tester", moderation.FilterRules{BlockWords: []string{"zebra"}, FlagPatterns: []string{`[Mm]au+ve`}})
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	st, err := a.Release().Export(context.Background(), &out, release.ExportOptions{JudgeKey: releaseKey, IncludeServedBank: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"blocked word": 1, "flagged word or pattern": 1}, st.LeftOut); diff != "" {
		t.Errorf("left out (-want +got):\n%s", diff)
	}
	if st.Exported != 1 || !bytes.Contains(out.Bytes(), []byte(keep)) {
		t.Errorf("exported %d battles, want only %s:\n%s", st.Exported, keep, out.String())
	}
}

// TestBattlesPages checks that battles screened out after the
// query do not hide older ones: the newest 25 hold an e-mail address.
func TestBattlesPages(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seed := &releaseSeed{t: t, s: s}
	old1 := seed.bank("Old one", "alpha", "a", "beta", "b", counted)
	old2 := seed.bank("Old two", "alpha", "a", "beta", "b", counted)
	for i := range 25 {
		seed.bank(fmt.Sprintf("New %d", i), "alpha", "write to x@example.org", "beta", "b", counted)
	}
	got, err := arena.New(s, arena.Options{}).Release().Battles(context.Background(), release.Filter{Contender: "beta", Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, b := range got {
		ids = append(ids, b.QuestionID)
	}
	if diff := cmp.Diff([]string{old2, old1}, ids); diff != "" {
		t.Errorf("released battles (-want +got):\n%s", diff)
	}
}

func TestExportScreenErrorFails(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seed := &releaseSeed{t: t, s: s}
	seed.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
	a := arena.New(s, arena.Options{})
	boom := errors.New("rules unavailable")
	_, err := a.Release().Export(context.Background(), &bytes.Buffer{}, release.ExportOptions{JudgeKey: releaseKey,
		Screen: func(string) (string, error) { return "", boom }})
	if !errors.Is(err, boom) {
		t.Errorf("export with a failing screen: err = %v, want %v", err, boom)
	}
	if _, err := a.Release().Export(context.Background(), &bytes.Buffer{}, release.ExportOptions{}); !errors.Is(err, release.ErrNoJudgeKey) {
		t.Errorf("export without a key: err = %v, want ErrNoJudgeKey", err)
	}
}

func TestPseudonym(t *testing.T) {
	a, b := release.Pseudonym(releaseKey, "v1"), release.Pseudonym(releaseKey, "v2")
	if a == b || a != release.Pseudonym(releaseKey, "v1") || a == release.Pseudonym([]byte("other key"), "v1") {
		t.Errorf("pseudonyms not stable per key and voter: %s %s", a, b)
	}
}

// failingWriter fails every write, as a full disk does.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	w.n++
	return 0, errors.New("no space left on device")
}

func TestExportStopsOnWriteError(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	seed := &releaseSeed{t: t, s: s}
	for i := range 3 {
		// Each battle is larger than the 64 KiB buffer, so writes reach w.
		seed.bank(fmt.Sprintf("Q%d", i), "alpha", strings.Repeat("long answer ", 7000), "beta", "b", counted)
	}
	w, read := &failingWriter{}, 0
	_, err := arena.New(s, arena.Options{}).Release().Export(context.Background(), w,
		release.ExportOptions{JudgeKey: releaseKey, Progress: func() { read++ }, IncludeServedBank: true})
	if err == nil || read != 1 {
		t.Errorf("export to a failing writer: err %v after reading %d votes; want an error after the first", err, read)
	}
}

// TestExportLeavesOutServedBank: the bank serves its stored answers again,
// so by default a release leaves out bank battles whose prompt is still
// served, and keeps them once the prompt is retired.
func TestExportLeavesOutServedBank(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seed := &releaseSeed{t: t, s: s}
		counted := models.Vote{Counted: true, Winner: models.WinnerA}
		bank := seed.bank("What is 2+2?", "alpha", "4", "beta", "Four.", counted)
		live := seed.live("alpha", "beta", [][4]string{{"Hi", models.StatusApproved, "Hello!", "Hey."}}, counted)
		a := arena.New(s, arena.Options{})
		export := func(include bool) ([]string, release.ExportStats) {
			t.Helper()
			var out bytes.Buffer
			st, err := a.Release().Export(context.Background(), &out, release.ExportOptions{JudgeKey: releaseKey, IncludeServedBank: include})
			if err != nil {
				t.Fatal(err)
			}
			var got []release.Battle
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, b := range got {
				ids = append(ids, b.QuestionID)
			}
			return ids, st
		}
		ids, st := export(false)
		if diff := cmp.Diff([]string{live}, ids); diff != "" || st.LeftOut[release.LeftOutServedBank] != 1 {
			t.Errorf("default export (-want +got):\n%s\nleft out %v", diff, st.LeftOut)
		}
		if ids, _ := export(true); !cmp.Equal([]string{bank, live}, ids) {
			t.Errorf("export with served bank = %v, want %v", ids, []string{bank, live})
		}
	})
}

// TestExportNamedOnlyOnRequest: a side-by-side battle is left out of the
// release by default and released with anony false when asked for, while
// blind battles keep anony true; personal data still keeps one out.
func TestExportNamedOnlyOnRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		seed := &releaseSeed{t: t, s: s}
		blind := seed.live("alpha", "beta", [][4]string{{"Hi", models.StatusApproved, "Hello!", "Hey."}}, counted)
		namedVote := models.Vote{Counted: false, Reason: arena.NamedVoteReason, Winner: models.WinnerB}
		named := seed.named("alpha", "beta", [][4]string{
			{"Compare these", models.StatusApproved, "One.", "Two."},
			{"And again", models.StatusApproved, "Three.", "Four."},
		}, namedVote)
		seed.named("alpha", "beta", [][4]string{{"Mail me", models.StatusApproved, "at bob@example.org", "no"}}, namedVote)
		seed.named("alpha", "beta", [][4]string{{"Blocked", models.StatusApproved, "a", "b"}},
			models.Vote{Reason: arena.NamedVoteReason, Excluded: models.ExcludedBlocked})
		a := arena.New(s, arena.Options{})
		export := func(include bool) (map[string]release.Battle, release.ExportStats) {
			t.Helper()
			var out bytes.Buffer
			st, err := a.Release().Export(context.Background(), &out, release.ExportOptions{JudgeKey: releaseKey, IncludeNamed: include})
			if err != nil {
				t.Fatal(err)
			}
			var got []release.Battle
			if err := json.Unmarshal(out.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			// anony must be written out, false included.
			if n := strings.Count(out.String(), `"anony":`); n != len(got) {
				t.Errorf("%d of %d battles carry an anony field", n, len(got))
			}
			m := map[string]release.Battle{}
			for _, b := range got {
				m[b.QuestionID] = b
			}
			return m, st
		}
		got, st := export(false)
		if len(got) != 1 || !got[blind].Anony || st.LeftOut[release.LeftOutNamed] != 3 {
			t.Errorf("default export = %+v, left out %v; want only the blind battle, 3 side-by-side left out", got, st.LeftOut)
		}
		got, st = export(true)
		if len(got) != 2 || !got[blind].Anony {
			t.Fatalf("export with named battles = %+v, left out %v; want the blind and one named battle", got, st.LeftOut)
		}
		n := got[named]
		wantA := []release.Message{{"user", "Compare these"}, {"assistant", "One."}, {"user", "And again"}, {"assistant", "Three."}}
		if n.Anony || n.Turn != 2 || n.Winner != models.WinnerB || !cmp.Equal(wantA, n.ConversationA) {
			t.Errorf("named battle released as %+v; want anony false, 2 turns, model_b, its conversation", n)
		}
		if st.LeftOut["personal data: "+filter.FoundEmail] != 1 || st.LeftOut[release.LeftOutExcluded] != 1 {
			t.Errorf("left out %v; want the e-mail battle and the blocked voter's", st.LeftOut)
		}
	})
}
