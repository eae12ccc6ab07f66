package arena

import (
	"cmp"
	"context"
	"io"
	"sync"
	"time"

	"openarena.dev/arena/arena/release"
	"openarena.dev/arena/rating"
)

// heldBackTTL is how long the count of battles held back from the release
// is reused: counting reads and screens every vote, as an export does.
const heldBackTTL = 10 * time.Minute

// countOnlyKey keys the pseudonyms of a count whose output is thrown away;
// it is no secret because nothing it makes is kept.
var countOnlyKey = []byte("arena release count only: output discarded")

// HeldBack says how many votes the public data release holds back, and
// why: what `arena export battles` would leave out now.
type HeldBack struct {
	At time.Time
	release.ExportStats
	// Released is the board of the battles the release holds, rated with
	// the live board's settings (plain score only); nil when it holds none.
	Released *rating.Board
}

type heldBackCache struct {
	mu sync.Mutex
	hb *HeldBack
}

// HeldBack counts the release as an export with the default options would
// make it, without writing it, and rates the battles it holds, reused for
// heldBackTTL.
func (a *Arena) HeldBack(ctx context.Context) (*HeldBack, error) {
	a.heldBack.mu.Lock()
	defer a.heldBack.mu.Unlock()
	if hb := a.heldBack.hb; hb != nil && a.now().Sub(hb.At) < heldBackTTL {
		return hb, nil
	}
	var out release.Outcomes
	var bad error
	each := func(b release.Battle) {
		if err := out.Add(b); err != nil && bad == nil {
			bad = err
		}
	}
	st, err := a.release.Export(ctx, io.Discard, release.ExportOptions{JudgeKey: countOnlyKey, Each: each})
	if err = cmp.Or(err, bad); err != nil {
		return nil, err
	}
	hb := &HeldBack{At: a.now(), ExportStats: st}
	if len(out.Set.Outcomes) > 0 {
		if hb.Released, err = a.boards.RateReleased(ctx, &out.Set); err != nil {
			return nil, err
		}
	}
	a.heldBack.hb = hb
	return hb, nil
}
