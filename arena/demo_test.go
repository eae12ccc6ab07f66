package arena_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"openarena.dev/arena/arena"
	"openarena.dev/arena/arena/leak"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// demoPromptCount is the size of the embedded demo bank.
const demoPromptCount = 25

// startDemo starts the demo on a and checks it came on.
func startDemo(t *testing.T, a *arena.Arena) arena.DemoStart {
	t.Helper()
	st, err := a.StartDemo(context.Background(), true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !st.On || st.Real {
		t.Fatalf("StartDemo on an empty arena = %+v, want the demo on", st)
	}
	return st
}

// voteDemo casts n votes on demo bank battles and returns their battle ids.
func voteDemo(t *testing.T, a *arena.Arena, n int) []string {
	t.Helper()
	ctx := context.Background()
	var ids []string
	for i := range n {
		voter := fmt.Sprintf("demo-voter-%d", i)
		b, err := a.StartBankBattle(ctx, voter)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := a.Vote(ctx, arena.VoteRequest{BattleID: b.ID, VoterID: voter, Winner: models.WinnerA}); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, b.ID)
	}
	return ids
}

// demoBotsEnabled counts the enabled demo contenders.
func demoBotsEnabled(t *testing.T, s *models.Store) (enabled, all int) {
	t.Helper()
	cs, err := s.Contenders(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Provider.Kind == "demo" {
			all++
			if c.Enabled {
				enabled++
			}
		}
	}
	return enabled, all
}

// An empty arena starts with the demo: three enabled demo bots, every demo
// prompt answered by each, no answer giving its bot away, and a second
// start adds nothing.
func TestDemoOnWhenEmpty(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *models.Store) {
		ctx := context.Background()
		a := arena.New(s, arena.Options{})
		st := startDemo(t, a)
		if st.BotsCreated != 3 || st.Prompts != demoPromptCount || st.Bank.PromptsCreated != demoPromptCount || st.Bank.ResponsesCreated != 3*demoPromptCount {
			t.Errorf("first start = %+v, want 3 bots, %d prompts, %d answers", st, demoPromptCount, 3*demoPromptCount)
		}
		if on, all := demoBotsEnabled(t, s); on != 3 || all != 3 {
			t.Errorf("demo bots enabled = %d of %d, want 3 of 3", on, all)
		}
		ids, err := s.BankPromptIDs(ctx)
		if err != nil || len(ids) != demoPromptCount {
			t.Fatalf("servable bank prompts = %d, %v; want %d", len(ids), err, demoPromptCount)
		}
		for _, id := range ids {
			p, answers, err := s.PromptAnswers(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if p.Source != models.SourceDemo || p.Status != models.StatusApproved || len(answers) != 3 {
				t.Errorf("prompt %q: source %s, status %s, %d answers; want demo, approved, 3", p.Text, p.Source, p.Status, len(answers))
			}
			for _, r := range answers {
				if term, leaked := leak.Detect(r.Text, leak.IdentityOf(r.Contender)); leaked {
					t.Errorf("%s's answer to %q names it (%q): votes on it would not count", r.Contender.Slug, p.Text, term)
				}
			}
		}
		if d, err := a.Demo(ctx); err != nil || !d.On || d.SetupToken == "" {
			t.Errorf("Demo = %+v, %v; want on, with the setup token (no admin yet)", d, err)
		}
		prompts, answers, _ := s.BankSize(ctx)
		again, err := arena.New(s, arena.Options{}).StartDemo(ctx, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !again.On || again.BotsCreated != 0 || again.Bank.PromptsCreated != 0 || again.Bank.ResponsesCreated != 0 || again.Bank.ResponsesUpdated != 0 {
			t.Errorf("second start = %+v, want the demo on and nothing new", again)
		}
		if p2, a2, _ := s.BankSize(ctx); p2 != prompts || a2 != answers {
			t.Errorf("bank after a restart = %d prompts, %d answers; before %d, %d", p2, a2, prompts, answers)
		}
	})
}

// Each way real content arrives switches the demo off: demo bots
// disabled, votes on their battles excluded as "demo bot" (also one that
// another rule had excluded, so that lifting that rule cannot let it back)
// and out of the counted set, the switch audited; a restart does not switch
// it back on, and the real model's votes count.
func TestDemoOffWhenRealContentArrives(t *testing.T) {
	realBank := []models.BankRow{
		{PromptID: "r1", Prompt: "Name a prime number.", Model: "real-a", Output: "Seven."},
		{PromptID: "r1", Prompt: "Name a prime number.", Model: "real-b", Output: "Eleven is prime."},
	}
	cases := []struct {
		name  string
		actor string
		add   func(ctx context.Context, a *arena.Arena, s *models.Store) error
	}{
		{"admin adds a contender", "alice", func(ctx context.Context, a *arena.Arena, s *models.Store) error {
			_, err := a.AddContender(ctx, "alice", models.Contender{Slug: "llama", Weight: 1, Enabled: true,
				Provider: models.Provider{Kind: "openai", BaseURL: "http://127.0.0.1:11434/v1", Model: "llama3.2"}})
			return err
		}},
		{"import contenders", "cli: import contenders", func(ctx context.Context, a *arena.Arena, s *models.Store) error {
			if _, err := s.UpsertContenders(ctx, []models.Contender{{Slug: "qwen", DisplayName: "Qwen"}}, nil); err != nil {
				return err
			}
			_, err := a.CheckDemo(ctx, "cli: import contenders")
			return err
		}},
		{"import outputs", "cli: import outputs", func(ctx context.Context, a *arena.Arena, s *models.Store) error {
			if _, err := s.ImportBank(ctx, realBank, nil); err != nil {
				return err
			}
			_, err := a.CheckDemo(ctx, "cli: import outputs")
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *models.Store) {
				ctx := context.Background()
				a := arena.New(s, arena.Options{})
				startDemo(t, a)
				battles := voteDemo(t, a, 3)
				kept, err := s.Vote(ctx, battles[0])
				if err != nil {
					t.Fatal(err)
				}
				if err := a.Integrity().ExcludeVote(ctx, "alice", kept.ID, "ring"); err != nil {
					t.Fatal(err)
				}
				if off, err := a.CheckDemo(ctx, "serve"); err != nil || off != nil {
					t.Fatalf("CheckDemo with only demo content = %+v, %v; want nothing switched", off, err)
				}
				if err := tc.add(ctx, a, s); err != nil {
					t.Fatal(err)
				}
				if on, all := demoBotsEnabled(t, s); on != 0 || all != 3 {
					t.Errorf("demo bots enabled after real content = %d of %d, want 0 of 3", on, all)
				}
				for i, id := range battles {
					v, err := s.Vote(ctx, id)
					if err != nil {
						t.Fatal(err)
					}
					if v.Excluded != models.ExcludedDemo || v.InRatings() {
						t.Errorf("vote %d: excluded %q (in ratings %t), want %q", i, v.Excluded, v.InRatings(), models.ExcludedDemo)
					}
				}
				// The admin cannot clear the vote they had excluded back
				// into the ratings.
				if err := a.Integrity().IncludeVote(ctx, "alice", kept.ID); err == nil {
					t.Error("an admin put a demo vote back into the ratings")
				}
				if v, err := s.Vote(ctx, battles[0]); err != nil || v.Excluded != models.ExcludedDemo {
					t.Errorf("vote after the admin cleared it = %+v, %v; want it still %q", v, err, models.ExcludedDemo)
				}
				if _, counted, err := s.CountVotes(ctx); err != nil || counted != 0 {
					t.Errorf("counted votes = %d, %v; want 0", counted, err)
				}
				if es := auditOf(t, a, "demo.off"); len(es) != 1 || es[0].Actor != tc.actor {
					t.Errorf("demo.off audit = %+v, want one entry by %q", es, tc.actor)
				}
				if d, err := a.Demo(ctx); err != nil || d.On {
					t.Errorf("Demo after real content = %+v, %v; want off", d, err)
				}

				restart := arena.New(s, arena.Options{})
				st, err := restart.StartDemo(ctx, true, nil)
				if err != nil {
					t.Fatal(err)
				}
				if st.On || !st.Real || st.Off != nil {
					t.Errorf("restart after real content = %+v, want the demo to stay off", st)
				}
				if on, _ := demoBotsEnabled(t, s); on != 0 {
					t.Errorf("a restart enabled %d demo bots", on)
				}

				// The real models' votes count.
				if _, err := s.ImportBank(ctx, realBank, nil); err != nil {
					t.Fatal(err)
				}
				b, err := restart.StartBankBattle(ctx, "real-voter")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := restart.Vote(ctx, arena.VoteRequest{BattleID: b.ID, VoterID: "real-voter", Winner: models.WinnerB}); err != nil {
					t.Fatal(err)
				}
				if v, err := s.Vote(ctx, b.ID); err != nil || !v.InRatings() || b.ContenderA.Provider.Kind == "demo" {
					t.Errorf("vote on the real models = %+v, %v (battle of %s and %s); want it in the ratings", v, err, b.ContenderA.Slug, b.ContenderB.Slug)
				}
			})
		})
	}
}

// An admin who enables a demo bot again after the demo went off is not
// overruled by the periodic check.
func TestDemoBotReenabledByAdminStays(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	a := arena.New(s, arena.Options{})
	startDemo(t, a)
	if _, err := a.AddContender(ctx, "alice", models.Contender{Slug: "bank-only", Weight: 1, Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetContenderEnabled(ctx, "alice", "demo-eliza", true); err != nil {
		t.Fatal(err)
	}
	if off, err := a.CheckDemo(ctx, "serve"); err != nil || off != nil {
		t.Errorf("CheckDemo after the switch = %+v, %v; want nothing", off, err)
	}
	if on, _ := demoBotsEnabled(t, s); on != 1 {
		t.Errorf("demo bots enabled = %d, want the one the admin enabled", on)
	}
}

// Starting with the demo not wanted disables the demo bots of an arena with
// no real content and keeps their votes apart; wanting it again restores
// both exactly.
func TestDemoSettingOffAndOnAgain(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	startDemo(t, arena.New(s, arena.Options{}))
	battles := voteDemo(t, arena.New(s, arena.Options{}), 2)

	off, err := arena.New(s, arena.Options{}).StartDemo(ctx, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if off.On || off.Real || off.Off == nil || off.Off.Bots != 3 || off.Off.Votes != 2 {
		t.Errorf("start without the demo = %+v (off %+v), want 3 bots disabled and 2 votes kept apart", off, off.Off)
	}
	if _, err := arena.New(s, arena.Options{}).StartBankBattle(ctx, "someone"); err != arena.ErrNoBattles {
		t.Errorf("battle with the demo off: err = %v, want ErrNoBattles", err)
	}
	startDemo(t, arena.New(s, arena.Options{}))
	for _, id := range battles {
		if v, err := s.Vote(ctx, id); err != nil || !v.InRatings() {
			t.Errorf("vote on %s after the demo came back = %+v, %v; want it in the ratings again", id, v, err)
		}
	}
}

// A server notices real content another process brought (an import run
// beside it) at its next periodic check, before its cached state expires.
func TestWatchDemoFollowsOtherProcesses(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served := arena.New(s, arena.Options{})
	startDemo(t, served)
	if d, err := served.Demo(ctx); err != nil || !d.On {
		t.Fatalf("Demo = %+v, %v; want on", d, err)
	}
	go served.WatchDemo(ctx, 20*time.Millisecond)
	if _, err := s.UpsertContenders(ctx, []models.Contender{{Slug: "imported", DisplayName: "Imported"}}, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Second)
	for {
		d, err := served.Demo(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !d.On {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the serving arena still shows the demo 2s after real content arrived")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if es := auditOf(t, served, "demo.off"); len(es) != 1 || es[0].Actor != "serve" {
		t.Errorf("demo.off audit = %+v, want one entry by serve", es)
	}
}
