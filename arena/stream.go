package arena

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"openarena.dev/arena/arena/leak"
	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/llm"
	"openarena.dev/arena/models"
)

// sideNames are the only names a stream uses.
var sideNames = [2]string{"a", "b"}

// generated is one message from a side's generator goroutine.
type generated struct {
	side   int
	chunk  string
	done   bool
	result llm.Result
	err    error
}

// StreamLiveBattle generates the open turn of the voter's live battle on both
// sides at once and sends the answers through send at one common pace. A
// finished battle is replayed; a failed one is reported. If either side fails
// or ctx ends (the voter left), both generations stop and the battle is void.
// No database transaction is open while the models generate.
func (a *Arena) StreamLiveBattle(ctx context.Context, battleID, voterID string, send func(Event) error) error {
	b, err := a.Battle(ctx, battleID, voterID)
	if err != nil {
		return err
	}
	if !models.HasTurns(b.Mode) {
		return ErrNotLive
	}
	switch b.State {
	case models.StateReady, models.StateVoted:
		return a.replay(ctx, b, send)
	case models.StateVoid:
		return send(Event{Kind: "error", Text: voidMessage(b.VoidReason)})
	case models.StateStreaming:
		return ErrStreamBusy
	}
	// An open battle not yet streamed stays open during a drain, for
	// another server to stream when the voter reloads.
	if err := a.refuseWhileDraining(); err != nil {
		return err
	}
	if err := a.store.ClaimBattle(ctx, b.ID, models.StateOpen, models.StateStreaming); err != nil {
		if errors.Is(err, models.ErrBattleBusy) {
			return ErrStreamBusy
		}
		return err
	}
	b.State = models.StateStreaming
	ctx, done := a.streams.track(ctx)
	defer done()
	turns, err := a.store.Turns(ctx, b.ID)
	if err != nil {
		return a.fail(b, VoidReadFailed, "the conversation could not be read", send)
	}
	attempt, err := a.attempt(ctx, b.ID, turns)
	if err != nil {
		return a.fail(b, VoidReadFailed, "the conversation could not be read", send)
	}
	backends, err := a.backends(b)
	if err != nil {
		return a.fail(b, VoidUnreachable, "a model is not reachable", send)
	}
	return a.generate(ctx, b, turns, attempt, backends, send)
}

func (a *Arena) backends(b *models.Battle) ([2]llm.Backend, error) {
	var out [2]llm.Backend
	if a.live.Backend == nil {
		return out, ErrNoLiveModels
	}
	for s, c := range []*models.Contender{b.ContenderA, b.ContenderB} {
		be, err := a.live.Backend(c)
		if err != nil {
			return out, err
		}
		out[s] = be
	}
	return out, nil
}

// conversation is what side s has seen: every prompt, and its own earlier
// answers as the assistant's turns.
func conversation(turns []models.Turn, side int) []llm.Message {
	var msgs []llm.Message
	for _, t := range turns {
		msgs = append(msgs, llm.Message{Role: llm.RoleUser, Content: t.Prompt.Text})
		r := t.ResponseA
		if side == 1 {
			r = t.ResponseB
		}
		if r != nil {
			msgs = append(msgs, llm.Message{Role: llm.RoleAssistant, Content: r.Text})
		}
	}
	return msgs
}

// attempt is how often the latest turn's answers were set aside by a
// regeneration: 0 for the first answers.
func (a *Arena) attempt(ctx context.Context, battleID string, turns []models.Turn) (int, error) {
	regs, err := a.store.Regenerations(ctx, battleID)
	if err != nil || len(turns) == 0 {
		return 0, err
	}
	n, last := 0, turns[len(turns)-1].N
	for _, r := range regs {
		if r.TurnN == last {
			n++
		}
	}
	return n, nil
}

func (a *Arena) generate(ctx context.Context, b *models.Battle, turns []models.Turn, attempt int, be [2]llm.Backend, send func(Event) error) error {
	gctx, cancel := context.WithTimeout(ctx, a.live.Timeout)
	defer cancel()
	ch := make(chan generated, 64)
	var wg sync.WaitGroup
	for s := range 2 {
		req := llm.Request{Messages: conversation(turns, s), Attempt: attempt}
		wg.Go(func() {
			res, err := be[s].Generate(gctx, req, func(chunk string) error {
				select {
				case ch <- generated{side: s, chunk: chunk}:
					return nil
				case <-gctx.Done():
					return gctx.Err()
				}
			})
			select {
			case ch <- generated{side: s, done: true, result: res, err: err}:
			case <-gctx.Done():
			}
		})
	}
	defer wg.Wait()
	defer cancel()
	return a.pump(ctx, b, turns, ch, send)
}

// pump moves generated text through the pacer to the voter until both sides
// are done, one fails, or the voter leaves.
func (a *Arena) pump(ctx context.Context, b *models.Battle, turns []models.Turn, ch <-chan generated, send func(Event) error) error {
	p := &pacer{pace: a.live.Pace}
	var results [2]llm.Result
	tick := time.NewTicker(a.live.Tick)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return a.cut(ctx, b, send)
		case g := <-ch:
			switch {
			case g.done && g.err != nil && ctx.Err() != nil:
				return a.cut(ctx, b, send)
			case g.done && g.err != nil:
				return a.fail(b, "backend_"+llm.Reason(g.err), llm.Reason(g.err), send)
			case g.done && g.result.Text == "":
				return a.fail(b, "backend_"+llm.Reason(llm.ErrEmpty), llm.Reason(llm.ErrEmpty), send)
			case g.done:
				results[g.side] = g.result
				p.finish(g.side)
			default:
				p.add(g.side, g.chunk)
			}
		case <-tick.C:
			out := p.tick()
			for s := range 2 {
				if out[s] == "" {
					continue
				}
				if err := send(Event{Kind: "delta", Side: sideNames[s], Text: out[s]}); err != nil {
					a.void(b, VoidPageClosed, pageClosedReason)
					return err
				}
			}
			if p.drained() {
				return a.finishTurn(ctx, b, turns, results, send)
			}
		}
	}
}

func (a *Arena) finishTurn(ctx context.Context, b *models.Battle, turns []models.Turn, res [2]llm.Result, send func(Event) error) error {
	ra := &models.Response{ContenderID: b.ContenderAID, Text: res[0].Text, Tokens: res[0].Usage.CompletionTokens, LatencyMS: int(res[0].Latency.Milliseconds())}
	rb := &models.Response{ContenderID: b.ContenderBID, Text: res[1].Text, Tokens: res[1].Usage.CompletionTokens, LatencyMS: int(res[1].Latency.Milliseconds())}
	ra.Style, rb.Style = style.Measure(ra.Text), style.Measure(rb.Text)
	ra.Contender, rb.Contender = b.ContenderA, b.ContenderB
	leaked := leak.Reason(*ra, *rb)
	if last := turns[len(turns)-1]; leaked == "" && leak.IdentityQuestion(last.Prompt.Text) {
		leaked = "The prompt asked the models who they are, so the vote is stored but not counted."
	}
	ra.Contender, rb.Contender = nil, nil
	if err := a.store.FinishTurn(ctx, b, ra, rb, leaked); err != nil {
		a.void(b, VoidStoreFailed, "The answers could not be stored.")
		return send(Event{Kind: "error", Text: voidMessage("the answers could not be stored")})
	}
	for s := range 2 {
		if err := send(Event{Kind: "done", Side: sideNames[s]}); err != nil {
			return err
		}
	}
	return nil
}

// pageClosedReason is stored for a battle whose voter left mid-stream.
const pageClosedReason = "The page was closed before both answers finished."

// fail voids the battle and tells the voter plainly, without naming a model;
// kind is the metrics' label for reason.
func (a *Arena) fail(b *models.Battle, kind, reason string, send func(Event) error) error {
	a.void(b, kind, reason)
	return send(Event{Kind: "error", Text: voidMessage(reason)})
}

// cut voids a battle whose stream's context ended: the voter left, or a
// shutdown cut the stream, which the voter is then told (the connection is
// still open).
func (a *Arena) cut(ctx context.Context, b *models.Battle, send func(Event) error) error {
	if errors.Is(context.Cause(ctx), errShutdownCut) {
		a.void(b, VoidShutdown, shutdownReason)
		send(Event{Kind: "error", Text: voidMessage(shutdownReason)})
		return ctx.Err()
	}
	a.void(b, VoidPageClosed, pageClosedReason)
	return ctx.Err()
}

// void marks the battle void, even if the request's context has ended;
// kind is the metrics' label for reason.
func (a *Arena) void(b *models.Battle, kind, reason string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if a.store.VoidBattle(ctx, b.ID, reason) == nil {
		a.obs.BattlesVoided(kind, 1)
	}
}

func voidMessage(reason string) string {
	return fmt.Sprintf("One of the answers failed (%s). This battle is void and counts for nothing; start a new one.", reason)
}

// replay sends the latest turn's finished answers at once, for a reload.
func (a *Arena) replay(ctx context.Context, b *models.Battle, send func(Event) error) error {
	turns, err := a.store.Turns(ctx, b.ID)
	if err != nil || len(turns) == 0 {
		return err
	}
	last := turns[len(turns)-1]
	for s, r := range []*models.Response{last.ResponseA, last.ResponseB} {
		if r != nil {
			if err := send(Event{Kind: "delta", Side: sideNames[s], Text: r.Text}); err != nil {
				return err
			}
		}
	}
	for s := range 2 {
		if err := send(Event{Kind: "done", Side: sideNames[s]}); err != nil {
			return err
		}
	}
	return nil
}
