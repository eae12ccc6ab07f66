package boards

import (
	"context"
	"errors"
	"slices"
	"time"

	"openarena.dev/arena/arena/heavy"
	"openarena.dev/arena/models"
)

// slowJob is what a slow computation rates: the overall board and every
// category's, from a view of the votes held taken under computeMu (see
// ratedVotes.lend), so the votes held may change while it runs. Each
// board's input is built from the view when its turn comes and dropped
// once it is rated, so a job holds one input at a time.
type slowJob struct {
	taken time.Time
	gen   uint64
	cs    []models.Contender
	votes *ratedVotes
	// release gives the view back; call it once the job is rated.
	release func()
	// digest and catDigests are the inputs digest sums of the overall
	// board and of every category a vote held or an old board names.
	digest     *digestSum
	catDigests map[string]*digestSum
	// hadBoard names the categories with a stored board.
	hadBoard map[string]bool
}

// slowJobOf takes the inputs of a slow computation. Call it under
// computeMu.
func (s *Service) slowJobOf(ctx context.Context, cs []models.Contender) (slowJob, error) {
	previous, err := s.store.LatestSnapshotIDs(ctx)
	if err != nil {
		return slowJob{}, err
	}
	digests, had := map[string]*digestSum{}, map[string]bool{}
	for cat := range previous {
		if cat != models.CategoryOverall {
			digests[cat], had[cat] = s.rated.categoryDigest(cat), true
		}
	}
	for _, set := range s.rated.sets {
		for _, cat := range boardCategories(set) {
			if digests[cat] == nil {
				digests[cat] = s.rated.categoryDigest(cat)
			}
		}
	}
	votes, release := s.rated.lend()
	return slowJob{taken: time.Now(), gen: s.ratedGen, cs: cs, votes: votes, release: release,
		digest: s.rated.digestOf(nil), catDigests: digests, hadBoard: had}, nil
}

// overallInput is the job's overall board's input.
func (j *slowJob) overallInput() ratingsInput {
	in := styledInput(j.cs, j.votes, voteSelection{})
	in.digest = j.digest
	return in
}

// categoryInput is the input of one of the job's categories.
func (j *slowJob) categoryInput(cat string) ratingsInput {
	sets := make([]bool, len(j.votes.sets))
	for k, set := range j.votes.sets {
		sets[k] = slices.Contains(boardCategories(set), cat)
	}
	in := styledInput(j.cs, j.votes, voteSelection{sets: sets})
	in.digest = j.catDigests[cat]
	return in
}

// categories lists, by name, the categories of the votes in the view and
// those that had a board but have no votes left (they get an empty board,
// so their old one is not served).
func (j *slowJob) categories() []string {
	votes := make([]int, len(j.votes.sets))
	for _, k := range j.votes.cat {
		votes[k]++
	}
	with := map[string]bool{}
	for k, set := range j.votes.sets {
		for _, cat := range boardCategories(set) {
			with[cat] = with[cat] || votes[k] > 0
		}
	}
	var out []string
	for cat := range j.catDigests {
		if with[cat] || j.hadBoard[cat] {
			out = append(out, cat)
		}
	}
	slices.Sort(out)
	return out
}

// rateJob rates every board of a job in full: the overall board first,
// then the categories by name.
func (s *Service) rateJob(ctx context.Context, job slowJob, bg bool) ([]*RatedBoard, error) {
	// In the background, the job's own thread pauses between boards as
	// its rounds' threads do between rounds: building each board's input
	// and its fits outside the rounds read every vote too, and unpaced
	// they took a core from the votes each time.
	pause := func() {}
	if bg {
		pause = s.slowPause(ctx)
	}
	start := time.Now()
	overall, err := s.rateWith(ctx, models.CategoryOverall, job.overallInput(), true, bg)
	if err != nil {
		return nil, err
	}
	took := time.Since(start)
	pause()
	cats, err := s.rateCategories(ctx, job, bg, pause)
	if err != nil {
		return nil, err
	}
	s.slowMu.Lock()
	s.slowTook = took
	s.slowMu.Unlock()
	return append([]*RatedBoard{overall}, cats...), nil
}

// rateCategories rates a job's category boards in full, by name, one
// input at a time.
func (s *Service) rateCategories(ctx context.Context, job slowJob, bg bool, pause func()) ([]*RatedBoard, error) {
	var out []*RatedBoard
	for _, cat := range job.categories() {
		b, err := s.rateWith(ctx, cat, job.categoryInput(cat), true, bg)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
		pause()
	}
	return out, nil
}

// cheapSlow is how long the overall board's slow part may take for it to
// be computed with every overall board; cheapVotes how many votes are
// assumed to stay under it before it was ever timed.
const (
	cheapSlow  = 2 * time.Second
	cheapVotes = 200_000
)

// slowCheap says whether the slow part is cheap enough to compute with
// every overall board, from how long it last took. Call it under
// computeMu.
func (s *Service) slowCheap() bool {
	s.slowMu.Lock()
	took := s.slowTook
	s.slowMu.Unlock()
	if took == 0 {
		return s.rated.len() < cheapVotes
	}
	return took < cheapSlow
}

// slowWorkers is how many bootstrap rounds a background slow job runs at
// once: one, so that it never holds more than one core.
const slowWorkers = 1

// Thread priorities (nice values) of rating: the recomputer and the
// overall board's fast part yield to votes and pages, and the background
// slow job to all of them, so on a small server rating takes the CPU that
// serving leaves. The seed fixes the draws, so priorities and worker counts
// never change a result.
const (
	fastNice = 10
	slowNice = 19
)

// startSlow rates a job in the background and publishes it. Call it under
// computeMu.
func (s *Service) startSlow(ctx context.Context, job slowJob) {
	s.slowRunning = true
	s.slowJobs.Go(func() {
		lowerPriority(slowNice)
		boards, err := s.rateJobGated(ctx, &job)
		if err == nil {
			err = s.publishSlow(ctx, job, boards)
		}
		if err != nil {
			s.computeMu.Lock()
			s.slowRunning = false
			s.computeMu.Unlock()
			if ctx.Err() == nil && !errors.Is(err, heavy.ErrGaveWay) {
				s.opt.Log.Error("rate the category boards and the style-controlled view", "err", err)
			}
		}
		if errors.Is(err, heavy.ErrGaveWay) && s.opt.Gate.Idle(ctx) == nil {
			// Started again once the reports are built: the recomputer
			// finds the views still behind.
			s.opt.Log.Info("the category boards and the style-controlled view gave way to an integrity report; they are computed again now")
			s.kick()
		}
	})
}

// rateJobGated rates a background job once no integrity report is being
// built (see package heavy), and gives the job's view back. A report
// that begins meanwhile stops it: the error is then heavy.ErrGaveWay.
func (s *Service) rateJobGated(ctx context.Context, job *slowJob) ([]*RatedBoard, error) {
	// Publishing may wait for the ratings lock: the view must not keep
	// old columns alive meanwhile.
	defer func() {
		job.release()
		job.votes = nil
	}()
	jctx, letGo, err := s.opt.Gate.Background(ctx)
	if err != nil {
		return nil, err
	}
	defer letGo()
	stop := s.slowCPU.thread()
	boards, err := s.rateJob(jctx, *job, true)
	stop()
	if err != nil && heavy.GaveWay(jctx) {
		return nil, heavy.ErrGaveWay
	}
	return boards, err
}

// publishSlow stores a slow job's category boards and makes its overall
// board's slow part the view the next overall board carries, then wakes
// the recomputer to store that board. When another instance holds the
// ratings lock it tries again after Debounce.
func (s *Service) publishSlow(ctx context.Context, job slowJob, boards []*RatedBoard) error {
	for {
		ran, err := s.publishSlowOnce(ctx, job, boards)
		if ran || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(s.opt.Debounce):
		}
	}
}

func (s *Service) publishSlowOnce(ctx context.Context, job slowJob, boards []*RatedBoard) (bool, error) {
	s.computeMu.Lock()
	defer s.computeMu.Unlock()
	if s.view != nil && s.view.gen > job.gen {
		// A forced computation rated newer votes in full meanwhile.
		s.slowRunning = false
		return true, nil
	}
	ran, err := s.store.WithRatingLock(ctx, func(ctx context.Context) error {
		return s.storeBoards(ctx, boards[1:])
	})
	if !ran || err != nil {
		return ran, err
	}
	s.remember(boards[1:])
	s.opt.Log.Info("slow part of the ratings computed", "boards", len(boards), "votes", boards[0].Votes,
		"took", time.Since(job.taken).Round(time.Millisecond))
	s.jobTook = time.Since(job.taken)
	s.jobRest = restAfter(s.slowCPU.take(), s.jobTook, s.opt.CPU*slowShare)
	s.view = viewOf(boards[0])
	s.view.gen, s.catsGen = job.gen, job.gen
	s.viewNew, s.slowRunning, s.catsAt = true, false, time.Now()
	s.setSlowBehind()
	s.kick()
	return true, nil
}

// setSlowBehind records whether the slow part and the category boards
// rated older votes than those held. Call it under computeMu.
func (s *Service) setSlowBehind() {
	behind := s.view == nil || s.view.gen != s.ratedGen || s.catsGen != s.ratedGen
	s.catsBehind = behind
	s.catsLate.Store(behind)
}

// loadView takes the slow part of the newest stored overall board when this
// process has none yet (after a restart), so the first boards it stores
// carry it instead of leaving the style-controlled view out. It is current
// when that board rated exactly the votes held and carried no older view.
func (s *Service) loadView(ctx context.Context) error {
	if s.view != nil {
		return nil
	}
	boards, err := s.ratedBoards(ctx)
	if err != nil {
		return err
	}
	b := boards[models.CategoryOverall]
	if b == nil {
		return nil
	}
	s.view = viewOf(b)
	if s.view.mark == s.rated.mark() {
		s.view.gen, s.catsGen = s.ratedGen, s.ratedGen
	}
	return nil
}
