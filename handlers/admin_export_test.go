package handlers_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"openarena.dev/arena/arena/filter"
	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
	"openarena.dev/arena/models/storetest"
)

// TestAdminExport votes on bank battles, one of them with an answer holding
// an e-mail address, and checks the page's counts, the download, that it is
// audited, and that nobody else gets it.
func TestAdminExport(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, d, handlers.Config{})
			ctx := t.Context()
			voter := e.client()
			for range 12 {
				_, b := e.startBattle(voter)
				if r, _ := e.vote(voter, b.ID, "model_a"); r.status != http.StatusOK {
					t.Fatalf("vote: %d %s", r.status, r.body)
				}
			}
			// One more battle, voted and counted, whose answer holds an
			// e-mail address.
			p := &models.Prompt{Text: "Who wrote this?", Hash: models.PromptHash("Who wrote this?"), Source: models.SourceUser,
				Status: models.StatusApproved, Categories: []string{}}
			cs, err := e.store.Contenders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			b := &models.Battle{ID: strings.Repeat("e", 32), ContenderAID: cs[0].ID, ContenderBID: cs[1].ID, VoterID: "v", Mode: models.ModeLive, State: models.StateOpen}
			if err := e.store.StartLiveBattle(ctx, b, p); err != nil {
				t.Fatal(err)
			}
			if err := e.store.ClaimBattle(ctx, b.ID, models.StateOpen, models.StateStreaming); err != nil {
				t.Fatal(err)
			}
			if err := e.store.FinishTurn(ctx, b, &models.Response{ContenderID: cs[0].ID, Text: "Mail ada@example.net to ask."},
				&models.Response{ContenderID: cs[1].ID, Text: "Nobody knows."}, ""); err != nil {
				t.Fatal(err)
			}
			if _, err := e.store.RecordVote(ctx, &models.Vote{BattleID: b.ID, VoterID: "v", Winner: models.WinnerA, Counted: true}); err != nil {
				t.Fatal(err)
			}
			want, err := e.arena.Release().Export(ctx, &strings.Builder{}, release.ExportOptions{JudgeKey: []byte("k"), IncludeServedBank: true})
			if err != nil {
				t.Fatal(err)
			}
			if want.Exported == 0 || want.Exported+want.LeftOutTotal() != 13 || want.LeftOut["personal data: "+filter.FoundEmail] != 1 {
				t.Fatalf("seeded votes give %+v; want 13 votes, one left out for an e-mail address", want)
			}

			anon := e.client()
			for _, path := range []string{"/admin/export", "/admin/export/battles.json"} {
				if r := e.do(anon, "GET", path, "", ""); r.status == http.StatusOK || strings.Contains(r.body, "question_id") {
					t.Errorf("anonymous GET %s = %d", path, r.status)
				}
				if r := e.do(voter, "GET", path, "", ""); r.status == http.StatusOK || strings.Contains(r.body, "question_id") {
					t.Errorf("voter GET %s = %d", path, r.status)
				}
			}

			admin := signInAdmin(t, e)
			def := e.do(admin, "GET", "/admin/export", "", "")
			if !strings.Contains(def.body, "<td>bank prompt still served</td>") || !strings.Contains(def.body, `href="/admin/export/battles.json"`) {
				t.Errorf("default export page does not leave out the served bank battles:\n%s", def.body)
			}
			page := e.do(admin, "GET", "/admin/export?served_bank=include", "", "")
			if page.status != http.StatusOK || !strings.Contains(page.body, `href="/admin/export/battles.json?served_bank=include"`) {
				t.Fatalf("export page = %d:\n%s", page.status, page.body)
			}
			if want := `<dd class="export-in">` + itoa(want.Exported) + `</dd>`; !strings.Contains(page.body, want) {
				t.Errorf("page lacks %s", want)
			}
			if strings.Contains(page.body, "Last download") {
				t.Error("page shows a last download before any")
			}
			if !strings.Contains(page.body, "<td>personal data: e-mail address</td>") {
				t.Error("page does not say that a vote was left out for an e-mail address")
			}

			r := e.do(admin, "GET", "/admin/export/battles.json?served_bank=include", "", "")
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") ||
				!strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment;") {
				t.Fatalf("download = %d %v", r.status, r.header)
			}
			var bs []release.Battle
			if err := json.Unmarshal([]byte(r.body), &bs); err != nil || len(bs) != want.Exported {
				t.Fatalf("download holds %d battles (%v), want %d", len(bs), err, want.Exported)
			}
			if strings.Contains(r.body, "ada@example") {
				t.Error("the download contains the seeded e-mail address")
			}
			for _, b := range bs {
				if !strings.HasPrefix(b.Judge, "arena_user_") || b.Turn != 1 || !b.Anony || len(b.ConversationA) != 2 {
					t.Errorf("released battle %+v", b)
				}
			}
			page = e.do(admin, "GET", "/admin/export?served_bank=include", "", "")
			if !strings.Contains(page.body, "Last download") || !strings.Contains(page.body, `id="export-last"`) {
				t.Errorf("page does not show the download just made:\n%s", page.body)
			}
			entries, _, err := e.arena.AuditLog(ctx, models.AuditFilter{Action: "export.battles", Limit: 10})
			if err != nil || len(entries) != 1 || !strings.HasPrefix(entries[0].Actor, "admin-") ||
				!strings.Contains(entries[0].After, `"exported":`+itoa(want.Exported)) {
				t.Errorf("audit entries = %+v, %v; want one export by the admin", entries, err)
			}
		})
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
