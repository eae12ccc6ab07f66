package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"openarena.dev/arena/handlers"
	"openarena.dev/arena/models"
)

// suggest stores suggestions through the voter's form and returns their ids.
func suggest(t *testing.T, e *env, texts ...string) []uint {
	t.Helper()
	voter := e.client()
	for _, text := range texts {
		if r := e.do(voter, "POST", "/suggest", formType, url.Values{"prompt": {text}}.Encode()); r.status != http.StatusSeeOther {
			t.Fatalf("suggest %q = %d %s", text, r.status, r.body)
		}
	}
	q, err := e.arena.Moderation().Queue(context.Background(), models.QueueQuery{Tab: models.TabPending})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint
	for _, it := range q.Items {
		ids = append(ids, it.Prompt.ID)
	}
	return ids
}

func statusOf(t *testing.T, e *env, id uint) string {
	t.Helper()
	p, err := e.store.Prompt(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Status
}

func TestAdminPromptsQueue(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		ids := suggest(t, e, "Is a tomato a fruit?", "Why do cats purr?", "What is a tomato plant's lifespan?")
		admin := signInAdmin(t, e)

		if r := e.do(e.client(), "GET", "/admin/prompts", "", ""); r.status == http.StatusOK {
			t.Fatalf("a voter sees the queue")
		}
		page := e.do(admin, "GET", "/admin/prompts", "", "")
		if page.status != http.StatusOK || !strings.Contains(page.body, "Why do cats purr?") || !strings.Contains(page.body, `id="tab-pending"`) {
			t.Fatalf("queue = %d", page.status)
		}
		if r := e.do(admin, "GET", "/admin/prompts?tab=pending&q=TOMATO", "", ""); strings.Contains(r.body, "cats purr") || !strings.Contains(r.body, "Is a tomato a fruit?") {
			t.Error("search did not narrow the queue")
		}
		for _, bad := range []string{"?tab=archived", "?page=0", "?page=x"} {
			if r := e.do(admin, "GET", "/admin/prompts"+bad, "", ""); r.status != http.StatusBadRequest {
				t.Errorf("GET %s = %d, want 400", bad, r.status)
			}
		}

		review := func(action, reason string, chosen ...uint) reply {
			v := url.Values{"action": {action}, "reason": {reason}, "tab": {"pending"}}
			for _, id := range chosen {
				v.Add("id", fmt.Sprint(id))
			}
			return e.do(admin, "POST", "/admin/prompts/review", formType, v.Encode())
		}
		refusals := []struct {
			name   string
			r      reply
			status int
			want   string
		}{
			{"reject without reason", review("reject", " ", ids[0], ids[1]), http.StatusBadRequest, "Give a reason"},
			{"nothing chosen", review("approve", ""), http.StatusBadRequest, "Choose at least one"},
			{"unknown action", review("delete", "", ids[0]), http.StatusBadRequest, "approve"},
			{"unknown prompt", review("approve", "", ids[0], 987654), http.StatusBadRequest, "no such prompt"},
		}
		for _, c := range refusals {
			if c.r.status != c.status || !strings.Contains(c.r.body, c.want) {
				t.Errorf("%s = %d, want %d with %q", c.name, c.r.status, c.status, c.want)
			}
		}
		for _, id := range ids {
			if st := statusOf(t, e, id); st != models.StatusPending {
				t.Fatalf("a refused action changed prompt %d to %s", id, st)
			}
		}
		if r := review("reject", "duplicate topic", ids[0], ids[1]); r.status != http.StatusSeeOther ||
			r.header.Get("Location") != "/admin/prompts?done=rejected&n=2&tab=pending" {
			t.Fatalf("bulk reject = %d %s", r.status, r.header.Get("Location"))
		}
		if r := review("approve", "", ids[2]); r.status != http.StatusSeeOther {
			t.Fatalf("approve = %d %s", r.status, r.body)
		}
		got := map[uint]string{}
		for _, id := range ids {
			got[id] = statusOf(t, e, id)
		}
		want := map[uint]string{ids[0]: models.StatusRejected, ids[1]: models.StatusRejected, ids[2]: models.StatusApproved}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("statuses (-want +got):\n%s", d)
		}
		if r := e.do(admin, "GET", "/admin/prompts?tab=rejected&done=rejected&n=2", "", ""); !strings.Contains(r.body, "Rejected 2 prompt(s).") ||
			!strings.Contains(r.body, "Reason: duplicate topic") {
			t.Error("the rejected tab does not show the notice and reason")
		}

		labels := func(id uint, v url.Values) reply {
			return e.do(admin, "POST", fmt.Sprintf("/admin/prompts/%d/labels", id), formType, v.Encode())
		}
		if r := labels(ids[2], url.Values{"category": {"cooking"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "no category") {
			t.Errorf("unknown category = %d", r.status)
		}
		if r := labels(ids[2], url.Values{"category": {"math"}, "language": {"English"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "language code") {
			t.Errorf("bad language = %d", r.status)
		}
		if r := labels(ids[2], url.Values{"category": {"math", "coding"}, "language": {"en"}}); r.status != http.StatusSeeOther {
			t.Fatalf("labels = %d %s", r.status, r.body)
		}
		p, _ := e.store.Prompt(context.Background(), ids[2])
		if d := cmp.Diff([]string{"coding", "math", "lang:en"}, p.Categories); d != "" {
			t.Errorf("categories (-want +got):\n%s", d)
		}
		if r := labels(987654, url.Values{"category": {"math"}}); r.status != http.StatusBadRequest {
			t.Errorf("labels of an unknown prompt = %d", r.status)
		}

		r := e.do(admin, "GET", "/api/v1/admin/prompts?tab=rejected", "", "")
		var api struct {
			Total   int64
			Counts  map[string]int64
			Prompts []struct{ ID uint }
		}
		if err := json.Unmarshal([]byte(r.body), &api); err != nil || api.Total != 2 || api.Counts["approved"] != 3 {
			t.Errorf("admin API = %d %s (%v)", r.status, r.body, err)
		}
		if r := e.do(e.client(), "GET", "/api/v1/admin/prompts", "", ""); r.status < 400 {
			t.Errorf("a voter reads the admin API: %d", r.status)
		}
		entries, _, err := e.store.AuditEntries(context.Background(), models.AuditFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]int{}
		for _, en := range entries {
			actions[en.Action]++
		}
		if actions["prompt.reject"] != 2 || actions["prompt.approve"] != 1 || actions["prompt.label"] != 1 {
			t.Errorf("audited actions = %v", actions)
		}
	})
}

func TestAdminFilterRules(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newEnv(t, d, handlers.Config{})
		admin := signInAdmin(t, e)
		save := func(v url.Values) reply {
			return e.do(admin, "POST", "/admin/prompts/filter", formType, v.Encode())
		}
		r := save(url.Values{"block_words": {"zork\n\nquux "}, "flag_patterns": {`(?i)\bcasino\b`}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("save = %d %s", r.status, r.body)
		}
		r = save(url.Values{"block_words": {"other"}, "block_patterns": {"ok\n(unclosed"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "missing closing )") || !strings.Contains(r.body, "(unclosed</textarea>") {
			t.Fatalf("bad regexp = %d, want 400 naming the error and keeping the text", r.status)
		}
		page := e.do(admin, "GET", "/admin/prompts", "", "")
		if !strings.Contains(page.body, "zork\nquux</textarea>") || strings.Contains(page.body, "other</textarea>") {
			t.Error("the stored rules are not the last good ones")
		}
		// The rules apply at once to voters' suggestions.
		voter := e.client()
		if r := e.do(voter, "POST", "/suggest", formType, url.Values{"prompt": {"What is ZORK?"}}.Encode()); r.status != http.StatusBadRequest {
			t.Errorf("a blocked word passed: %d", r.status)
		}
	})
}

func TestAdminGenerateAnswers(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, d string) {
		e := newModerationEnv(t, d)
		admin := signInAdmin(t, e)
		q, err := e.arena.Moderation().Queue(context.Background(), models.QueueQuery{Tab: models.TabPending, Search: approvedText})
		if err != nil || q.Total != 1 {
			t.Fatalf("pending = %+v, %v", q, err)
		}
		id := q.Items[0].Prompt.ID
		answers := func(path string) reply { return e.do(admin, "POST", path, formType, "") }
		if r := answers(fmt.Sprintf("/admin/prompts/%d/answers", id)); r.status != http.StatusConflict || !strings.Contains(r.body, "approve it first") {
			t.Errorf("answers for a pending prompt = %d", r.status)
		}
		for _, bad := range []string{"/admin/prompts/987654/answers", "/admin/prompts/x/answers"} {
			if r := answers(bad); r.status != http.StatusNotFound {
				t.Errorf("POST %s = %d, want 404", bad, r.status)
			}
		}
		if r := e.do(admin, "POST", "/admin/prompts/review", formType, url.Values{"action": {"approve"}, "id": {fmt.Sprint(id)}}.Encode()); r.status != http.StatusSeeOther {
			t.Fatalf("approve = %d %s", r.status, r.body)
		}
		waitAnswers(t, e.arena)
		page := e.do(admin, "GET", "/admin/prompts?tab=approved", "", "")
		if !strings.Contains(page.body, "Generated 3 of 3") {
			t.Error("the approved tab does not show the finished job")
		}
		if r := answers(fmt.Sprintf("/admin/prompts/%d/answers", id)); r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Location"), "n=0") {
			t.Errorf("answers when none is missing = %d %s", r.status, r.header.Get("Location"))
		}
		entries, _, err := e.store.AuditEntries(context.Background(), models.AuditFilter{Action: "prompt.answers"})
		if err != nil || len(entries) != 1 {
			t.Errorf("answer runs audited = %d, %v", len(entries), err)
		}
	})
}
