package boards

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"openarena.dev/arena/arena/categories"
	"openarena.dev/arena/arena/style"
	"openarena.dev/arena/models"
	"openarena.dev/arena/rating"
)

// Method and interval names stored with each snapshot.
const (
	MethodBradleyTerry = "bradley_terry"
	MethodOnlineElo    = "online_elo"
)

// measureBatch bounds how many answers are measured per transaction.
const measureBatch = 500

// RecomputeRatings computes the boards now from every counted vote, one
// over all of them and one per category, stores each as a snapshot unless
// it is identical to its category's newest one, and returns the overall
// board. It waits for a computation already running in this process, and
// returns ErrRatingsBusy when another instance is computing.
func (s *Service) RecomputeRatings(ctx context.Context) (*RatedBoard, error) {
	return s.recompute(ctx, true)
}

// InvalidateRatings makes the next check recompute every board even if the
// votes read are unchanged, and wakes the recomputer. Changes to what is
// rated are seen without it through the ratings change log (by every
// instance, at its next check); call it to have them rated at once. It
// holds for this process; a board recomputed by it is seen by every
// instance.
func (s *Service) InvalidateRatings(ctx context.Context) error {
	s.stale.Store(true)
	s.kick()
	return ctx.Err()
}

// recompute computes under both locks. It first brings the votes held in
// memory up to date (see catchUp); unless forced, invalidated or changed
// by that, it compares them with the newest snapshot's and does nothing
// when they are the same, so wake-ups for votes already rated cost a few
// small queries; it then returns a nil board. Forced, it computes every
// board in full before returning; otherwise it computes the overall
// board's fast part and leaves the slow part and the categories to a
// background job when they are due (see slowview.go).
func (s *Service) recompute(ctx context.Context, force bool) (*RatedBoard, error) {
	s.computeMu.Lock()
	defer s.computeMu.Unlock()
	var out []*RatedBoard
	start := time.Now()
	ran, err := s.store.WithRatingLock(ctx, func(ctx context.Context) error {
		stale := s.stale.Swap(false)
		got, err := s.prepare(ctx)
		if err != nil {
			keepStale(s, stale)
			return err
		}
		stale = stale || got.changed || s.viewNew
		slow := force || s.categoriesDue(got)
		fresh := false
		if !force && !stale {
			if fresh, err = s.ratingsFresh(ctx); err != nil || (fresh && !(slow && s.catsBehind)) {
				return err
			}
		}
		if s.opt.OnCompute != nil {
			defer s.opt.OnCompute()()
		}
		boards, err := s.computeBoards(ctx, force, fresh, slow)
		if err == nil {
			err = s.storeBoards(ctx, boards)
		}
		if err != nil {
			keepStale(s, stale)
			return err
		}
		s.viewNew = false
		out = boards
		return nil
	})
	if err != nil {
		return nil, err
	}
	if !ran {
		return nil, ErrRatingsBusy
	}
	if len(out) == 0 {
		return nil, nil
	}
	s.remember(out)
	s.opt.Log.Info("ratings computed", "boards", len(out), "votes", out[0].Votes,
		"views_behind", out[0].ViewsAsOf != nil, "took", time.Since(start).Round(time.Millisecond))
	return out[0], nil
}

// prepare measures and categorises what is pending (so the votes read next
// carry real counts and categories), then catches up.
func (s *Service) prepare(ctx context.Context) (caught, error) {
	if err := s.measurePending(ctx); err != nil {
		return caught{}, err
	}
	if err := s.categorizePending(ctx); err != nil {
		return caught{}, err
	}
	if err := s.loadSlugs(ctx); err != nil {
		return caught{}, err
	}
	got, err := s.catchUp(ctx)
	if err != nil {
		return got, err
	}
	if got.changed || got.full {
		s.ratedGen++
	}
	if s.rated.missing {
		// A vote named a contender added since the slugs were read.
		if err := s.loadSlugs(ctx); err != nil {
			return got, err
		}
		s.rated.rehash(s.slugs)
	}
	return got, nil
}

// loadSlugs reads the contenders, which the computation that follows rates
// and whose slugs the inputs digest names them by. Slugs never change, so
// the digest sums already held stay right.
func (s *Service) loadSlugs(ctx context.Context) error {
	cs, err := s.store.Contenders(ctx)
	if err != nil {
		return err
	}
	slugs := make(map[uint32]string, len(cs))
	for _, c := range cs {
		slugs[uint32(c.ID)] = c.Slug
	}
	s.contenders, s.slugs = cs, slugs
	if s.rated != nil {
		s.rated.slugs = slugs
	}
	return nil
}

// storeBoards stores the boards, the overall one last: it is what
// ratingsFresh compares, so a computation cut short is redone in full.
func (s *Service) storeBoards(ctx context.Context, boards []*RatedBoard) error {
	created := false
	for i := len(boards) - 1; i >= 0; i-- {
		c, err := s.storeBoard(ctx, boards[i])
		if err != nil {
			return err
		}
		created = created || c
	}
	if created {
		return s.thinHistory(ctx, time.Now())
	}
	return nil
}

// keepStale sets the invalidation again when a computation it asked for
// failed, so the next check retries it.
func keepStale(s *Service, stale bool) {
	if stale {
		s.stale.Store(true)
	}
}

// ratingsFresh reports whether the newest snapshot rated exactly the
// counted votes held in memory (no snapshot and no votes count as fresh).
func (s *Service) ratingsFresh(ctx context.Context) (bool, error) {
	mark := s.rated.mark()
	head, err := s.store.LatestSnapshotHead(ctx, models.CategoryOverall)
	if errors.Is(err, models.ErrNotFound) {
		return mark.Count == 0, nil
	}
	if err != nil {
		return false, err
	}
	return mark.Count == head.VotesUsed && mark.LastID == head.LastVoteID, nil
}

// computeBoards rates the counted votes held. Forced, it rates every
// board in full, the overall one first, then the categories by name.
// Otherwise it rates the overall board, unless fresh says the stored one
// is current, and with slow the categories when they are behind. While the
// slow part is cheap (see slowCheap) the overall board is rated in full
// and the categories here and now; once it is not, only the overall
// board's fast part is rated here, carrying the newest slow view, and a
// background job rates the slow part and the categories.
func (s *Service) computeBoards(ctx context.Context, force, fresh, slow bool) ([]*RatedBoard, error) {
	// The contenders prepare read: a vote read after them naming a newer
	// one made prepare read them again (see ratedVotes.missing), so every
	// vote held has its contender here.
	cs := slices.Clone(s.contenders)
	// Models are numbered in slug order: the bootstrap resamples cells in
	// model order, so anyone rating the released battles with the same
	// seed (`arena ratings --settings`) draws the same resamples.
	slices.SortFunc(cs, func(x, y models.Contender) int { return cmp.Compare(x.Slug, y.Slug) })
	if force {
		return s.computeAll(ctx, cs)
	}
	cheap := s.slowCheap()
	in := s.cells.input(cs, s.rated, s.ratingOptions().Elo)
	if in.digest = s.rated.digestOf(nil); cheap || in.digest == nil {
		in = styledInput(cs, s.rated, voteSelection{})
		in.digest = s.rated.digestOf(nil)
	}
	var out []*RatedBoard
	if !fresh {
		overall, err := s.rateOverall(ctx, in, cheap)
		if err != nil {
			return nil, err
		}
		out = append(out, overall)
	}
	s.setSlowBehind()
	if !slow || !s.catsBehind || s.slowRunning {
		return out, nil
	}
	job, err := s.slowJobOf(ctx, cs)
	if err != nil {
		return nil, err
	}
	if !cheap {
		s.startSlow(ctx, job)
		return out, nil
	}
	cats, err := s.rateCategories(ctx, job, false, func() {})
	job.release()
	if err != nil {
		return nil, err
	}
	s.catsGen, s.catsAt = job.gen, time.Now()
	s.setSlowBehind()
	return append(out, cats...), nil
}

// rateOverall rates the overall board: in full when the slow part is
// cheap, else its fast part carrying the newest slow view.
func (s *Service) rateOverall(ctx context.Context, in ratingsInput, cheap bool) (*RatedBoard, error) {
	if cheap {
		start := time.Now()
		b, err := s.rateCategory(ctx, models.CategoryOverall, in, true)
		if err != nil {
			return nil, err
		}
		s.slowMu.Lock()
		s.slowTook = time.Since(start)
		s.slowMu.Unlock()
		s.view = viewOf(b)
		s.view.gen = s.ratedGen
		return b, nil
	}
	if err := s.loadView(ctx); err != nil {
		return nil, err
	}
	b, err := s.rateCategory(ctx, models.CategoryOverall, in, false)
	if err != nil {
		return nil, err
	}
	s.view.carry(b)
	return b, nil
}

// computeAll rates every board in full, now.
func (s *Service) computeAll(ctx context.Context, cs []models.Contender) ([]*RatedBoard, error) {
	job, err := s.slowJobOf(ctx, cs)
	if err != nil {
		return nil, err
	}
	out, err := s.rateJob(ctx, job, false)
	job.release()
	if err != nil {
		return nil, err
	}
	s.view = viewOf(out[0])
	s.view.gen, s.catsGen = job.gen, job.gen
	s.catsAt = time.Now()
	s.setSlowBehind()
	return out, nil
}

// maxCategoryLen is the longest category name a snapshot row holds; longer
// ones (from a hand-made bank file) get no board of their own.
const maxCategoryLen = 64

// boardCategories are the categories of a set that get a board.
func boardCategories(set []string) []string {
	var out []string
	for _, c := range set {
		if c == "" || c == models.CategoryOverall || len(c) > maxCategoryLen {
			continue
		}
		out = append(out, c)
	}
	return out
}

// categorySubsets lists, per category, the indices of the votes in it.
func categorySubsets(rv *ratedVotes) map[string][]int {
	named := make([][]string, len(rv.sets))
	for i, set := range rv.sets {
		named[i] = boardCategories(set)
	}
	out := map[string][]int{}
	for i, set := range rv.cat {
		for _, c := range named[set] {
			out[c] = append(out[c], i)
		}
	}
	return out
}

// rateCategory rates one category's input. Style control is part of the
// board; should its fit fail, the board is still published without it.
func (s *Service) rateCategory(ctx context.Context, category string, in ratingsInput, full bool) (*RatedBoard, error) {
	return s.rateWith(ctx, category, in, full, false)
}

// rateWith rates one category's input; without full only the fast part
// (no style control, no robustness). Its bootstrap rounds run on threads
// of lowered priority (see fastNice); in the background (bg) on one thread
// of the lowest.
func (s *Service) rateWith(ctx context.Context, category string, in ratingsInput, full, bg bool) (*RatedBoard, error) {
	ro := s.ratingOptions()
	if category == models.CategoryOverall && !bg {
		// A background job holds its bootstrap for minutes at its slow
		// pace: the overall board's computations would find the draws
		// taken all that time.
		ro.Draws = &s.draws
	}
	ro.Bootstrap.Workers = s.fastWorkers(time.Now())
	ro.Bootstrap.Worker = func() rating.WorkerHooks {
		lowerPriority(fastNice)
		return rating.WorkerHooks{Done: s.fastCPU.thread()}
	}
	if bg {
		ro.Bootstrap.Workers, ro.Bootstrap.Worker = slowWorkers, func() rating.WorkerHooks {
			lowerPriority(slowNice)
			return rating.WorkerHooks{Pause: s.slowPause(ctx), Done: s.slowCPU.thread()}
		}
	}
	b := &RatedBoard{
		Category: category, Method: MethodBradleyTerry, CI: string(ro.CI), Level: ro.Level,
		Rounds: ro.Bootstrap.Rounds, Seed: ro.Bootstrap.Seed, MinVotes: ro.MinVotes,
		StyleControl: true, Reweighted: ro.Reweight, EngineVersion: rating.EngineVersion,
		Votes: in.rated(), LastVoteID: in.mark.LastID, Models: []RatedRow{},
		votesRead: in.mark.Count,
	}
	if ro.Reweight {
		b.ReweightFloor = ro.MinPairCount
	}
	if st := b.Settings(); in.digest != nil && st.Style {
		b.InputsDigest = in.digest.digest(st)
	} else {
		b.InputsDigest = InputsDigest(in.names, in.outcomes, styleList(in.battles), st)
	}
	if in.rated() == 0 {
		return b, nil
	}
	board, err := plainBoard(ctx, in, ro)
	if err != nil {
		return nil, fmt.Errorf("compute ratings (%s): %w", category, err)
	}
	b.Pairs = in.pairs()
	robust := full && (category == models.CategoryOverall || len(board.Models) <= maxRobustnessModels)
	var cells []rating.Cell
	if robust {
		cells = rating.Cells(in.outcomes)
	}
	// The style fit reads the battles again from the votes held, so the
	// outcomes (24 bytes a vote) are not held while it runs.
	in.outcomes = nil
	if full {
		if err := addStyleView(ctx, b, board, &in, ro); err != nil {
			return nil, fmt.Errorf("compute ratings (%s): %w", category, err)
		}
	}
	for _, m := range board.Models {
		b.Models = append(b.Models, ratedRow(in.contenders[m.Index], m, in.tallies[m.Index]))
	}
	b.Style = styleEffects(board.Style)
	b.TieGroups, b.StyleTieGroups = tieGroups(board)
	if robust {
		if b.Robustness, err = topRobustness(cells, board); err != nil {
			return nil, fmt.Errorf("robustness of #1 (%s): %w", category, err)
		}
	}
	return b, nil
}

// plainBoard rates an input without style control: from its cells when it
// has them (the fast part), else from its outcomes.
func plainBoard(ctx context.Context, in ratingsInput, ro rating.Options) (*rating.Board, error) {
	ro.StyleControl = false
	if in.cells != nil {
		return rating.ComputePlainBoard(ctx, in.names, in.cells, in.elo, ro)
	}
	return rating.ComputeBoard(ctx, in.names, in.outcomes, nil, ro)
}

// addStyleView adds the style-controlled view to a board rated without
// it. Should its fit fail, the board is still published without it, saying
// why.
func addStyleView(ctx context.Context, b *RatedBoard, board *rating.Board, in *ratingsInput, ro rating.Options) error {
	if in.battles == nil {
		return errors.New("no style counts to rate with")
	}
	err := rating.AddStyle(ctx, board, len(in.names), in.battles, ro)
	if err != nil && ctx.Err() == nil {
		b.StyleError = err.Error()
		return nil
	}
	return err
}

// ratingOptions are the rating engine's options for every board.
func (s *Service) ratingOptions() rating.Options {
	ro := rating.DefaultOptions()
	ro.StyleControl = true
	ro.MinVotes = s.opt.MinVotes
	ro.Bootstrap.Rounds, ro.Bootstrap.Seed, ro.Bootstrap.Workers = s.opt.Rounds, s.opt.Seed, s.opt.Workers
	ro.Reweight, ro.MinPairCount = s.opt.Reweight, s.opt.ReweightFloor
	return ro
}

// categorizeBatch bounds how many prompts are categorised per transaction.
const categorizeBatch = 500

// categorizePending categorises the prompts stored without a language
// (before categories existed, or by a path that stores prompts without the
// store's categorizer), keeping any categories they already have.
func (s *Service) categorizePending(ctx context.Context) error {
	for {
		ps, err := s.store.UncategorizedPrompts(ctx, categorizeBatch)
		if err != nil || len(ps) == 0 {
			return err
		}
		labels := make(map[uint]models.PromptLabels, len(ps))
		for _, p := range ps {
			cats, lang := categories.Of(p.Text, 1)
			labels[p.ID] = models.PromptLabels{Categories: models.MergeCategories(p.Categories, cats), Language: lang}
		}
		if err := s.store.LabelPrompts(ctx, labels); err != nil {
			return err
		}
		if len(ps) < categorizeBatch {
			return nil
		}
	}
}

// measurePending fills in the style counts of answers stored without them
// (older imports, answers from code that did not measure), so every battle
// enters style control with real counts.
func (s *Service) measurePending(ctx context.Context) error {
	for {
		rs, err := s.store.UnmeasuredResponses(ctx, measureBatch)
		if err != nil || len(rs) == 0 {
			return err
		}
		counts := make(map[uint]models.StyleCounts, len(rs))
		for _, r := range rs {
			counts[r.ID] = style.Measure(r.Text)
		}
		if err := s.store.SetResponseStyles(ctx, counts); err != nil {
			return err
		}
		if len(rs) < measureBatch {
			return nil
		}
	}
}

// storeBoard saves b as a snapshot, or finds it equal to the newest, and
// fills in the snapshot's id and time.
func (s *Service) storeBoard(ctx context.Context, b *RatedBoard) (created bool, err error) {
	result, err := json.Marshal(b)
	if err != nil {
		return false, fmt.Errorf("encode ratings: %w", err)
	}
	sum := sha256.Sum256(result)
	snap := &models.RatingSnapshot{
		Category: b.Category, Method: b.Method, VotesUsed: b.votesRead, LastVoteID: b.LastVoteID,
		Result: string(result), ContentHash: hex.EncodeToString(sum[:]),
	}
	if created, err = s.store.CreateSnapshot(ctx, snap); err != nil {
		return false, err
	}
	b.SnapshotID, b.ComputedAt = snap.ID, snap.CreatedAt
	return created, nil
}

func ratedRow(c models.Contender, m rating.ModelRating, t tallies) RatedRow {
	row := RatedRow{
		ContenderID: c.ID, Slug: c.Slug, DisplayName: c.DisplayName, Organization: c.Organization,
		Country: c.Country, License: c.License, OpenWeights: c.OpenWeights,
		Score: m.Score, CILower: m.CI.Lower, CIUpper: m.CI.Upper, RankUB: m.RankUB,
		RankBest: m.RankBest, RankWorst: m.RankWorst,
		Votes: m.Battles, Wins: t.wins, Ties: t.ties, Losses: t.losses,
		OnlineElo: m.OnlineElo, Preliminary: m.Preliminary,
	}
	if s := m.Style; s != nil {
		row.Style = &RatedStyle{Score: s.Score, CILower: s.CI.Lower, CIUpper: s.CI.Upper, RankUB: s.RankUB,
			RankBest: s.RankBest, RankWorst: s.RankWorst}
	}
	return row
}

func styleEffects(s *rating.StyleSummary) *StyleEffects {
	if s == nil {
		return nil
	}
	vec := func(v [rating.NumStyleFeatures]float64) StyleVector {
		return StyleVector{Length: v[0], Header: v[1], List: v[2], Bold: v[3]}
	}
	e := &StyleEffects{Coefficients: vec(s.Coefficients)}
	if s.CI != nil {
		var lo, hi [rating.NumStyleFeatures]float64
		for k, iv := range s.CI {
			lo[k], hi[k] = iv.Lower, iv.Upper
		}
		l, h := vec(lo), vec(hi)
		e.CILower, e.CIUpper = &l, &h
	}
	return e
}

// RateReleased rates a set of released battles (see release.Outcomes) with
// the board's own settings, as `arena ratings --settings` would: models
// numbered by slug, the same rounds and seed. It fits the plain arena score
// only, the figure the transparency page sets beside the live board's.
func (s *Service) RateReleased(ctx context.Context, set *rating.BattleSet) (*rating.Board, error) {
	set.SortModels()
	opt := s.ratingOptions()
	opt.StyleControl = false
	return rating.ComputeBoard(ctx, set.Models, set.Outcomes, nil, opt)
}
