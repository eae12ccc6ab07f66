package boards

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"openarena.dev/arena/models"
)

// History is a category's published ratings over time, oldest first: one
// point per kept snapshot, thinned further to one a minute within the last
// hour (a chart has no use for a point every few seconds).
type History struct {
	Category string
	// NewestID is the newest snapshot the history was built from (0 when
	// there is none); a cache of anything drawn from it is keyed by it.
	NewestID uint
	Points   []HistoryPoint
}

// HistoryPoint is the board as one snapshot stored it, reduced to what a
// chart over time shows.
type HistoryPoint struct {
	SnapshotID uint
	At         time.Time
	Votes      int
	Models     []HistoryModel
}

// HistoryModel is one model in one snapshot. Its JSON names are those of
// RatedRow, so a snapshot decodes straight into it and everything else in
// the stored board (pairs, style) is skipped rather than built.
type HistoryModel struct {
	Slug         string  `json:"model"`
	DisplayName  string  `json:"display_name"`
	Organization string  `json:"organization"`
	Country      string  `json:"country"`
	OpenWeights  bool    `json:"open_weights"`
	Score        float64 `json:"score"`
	CILower      float64 `json:"ci_lower"`
	CIUpper      float64 `json:"ci_upper"`
	Votes        int     `json:"votes"`
}

// historyMinute is the spacing of points kept within the last hour.
const historyMinute = time.Minute

// historyCache keeps each category's history and the decoded points it was
// built from, so a new snapshot costs one decode, not one per snapshot.
type historyCache struct {
	mu  sync.Mutex
	cat map[string]*historyEntry
}

type historyEntry struct {
	hist      *History
	checkedAt time.Time
	decoded   map[uint]HistoryPoint
}

// RatingHistory returns the history of a category's published ratings. It
// is served from memory: the database is asked for the newest snapshot at
// most once per BoardCheck, and only snapshots not seen before are read
// and decoded.
func (s *Service) RatingHistory(ctx context.Context, category string) (*History, error) {
	c := &s.history
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(category)
	now := time.Now()
	if e.hist != nil && now.Sub(e.checkedAt) < s.opt.BoardCheck {
		return e.hist, nil
	}
	head, err := s.store.LatestSnapshotHead(ctx, category)
	if errors.Is(err, models.ErrNotFound) {
		e.hist, e.checkedAt, e.decoded = &History{Category: category}, now, map[uint]HistoryPoint{}
		return e.hist, nil
	}
	if err != nil {
		return nil, err
	}
	if e.hist != nil && e.hist.NewestID == head.ID {
		e.checkedAt = now
		return e.hist, nil
	}
	heads, err := s.store.SnapshotHeads(ctx, category, head.CreatedAt.Add(time.Second))
	if err != nil {
		return nil, err
	}
	keep := historyHeads(heads, s.now())
	if err := s.decodeMissing(ctx, e, keep); err != nil {
		return nil, err
	}
	h := &History{Category: category, Points: make([]HistoryPoint, 0, len(keep))}
	decoded := make(map[uint]HistoryPoint, len(keep))
	for _, k := range keep {
		p, ok := e.decoded[k.ID]
		if !ok {
			continue // deleted by thinning between the two reads
		}
		decoded[k.ID] = p
		h.Points = append(h.Points, p)
		h.NewestID = k.ID
	}
	// Dropping what thinning deleted keeps the cache as small as the history.
	e.hist, e.checkedAt, e.decoded = h, now, decoded
	return h, nil
}

// entry returns the cache entry of a category, made on first use; the
// caller holds c.mu.
func (c *historyCache) entry(category string) *historyEntry {
	if c.cat == nil {
		c.cat = make(map[string]*historyEntry)
	}
	e := c.cat[category]
	if e == nil {
		e = &historyEntry{decoded: make(map[uint]HistoryPoint)}
		c.cat[category] = e
	}
	return e
}

// decodeMissing reads and decodes the snapshots among keep that e has not
// decoded yet, adding them to e.decoded.
func (s *Service) decodeMissing(ctx context.Context, e *historyEntry, keep []models.SnapshotHead) error {
	var missing []uint
	for _, h := range keep {
		if _, ok := e.decoded[h.ID]; !ok {
			missing = append(missing, h.ID)
		}
	}
	// Only the start of each board is read, up to its pairs (most of its
	// bytes); a board the cut leaves unreadable is read again whole.
	snaps, err := s.store.SnapshotPrefixes(ctx, missing, `"pairs"`)
	if err != nil {
		return err
	}
	for _, snap := range snaps {
		p, err := decodeHistoryPoint(&snap)
		if err != nil {
			whole, rerr := s.store.SnapshotResults(ctx, []uint{snap.ID})
			if rerr != nil {
				return rerr
			}
			if len(whole) == 0 {
				continue // deleted by thinning meanwhile
			}
			if p, err = decodeHistoryPoint(&whole[0]); err != nil {
				return err
			}
		}
		e.decoded[snap.ID] = p
	}
	return nil
}

// historyHeads picks the snapshots a history shows among heads (oldest
// first): the newest of each minute within the last hour, of each hour
// within the last week, of each day before. Thinning keeps no more than
// that beyond the hour anyway, but runs only hourly, so up to an hour of
// snapshots older than an hour can still be waiting for it.
func historyHeads(heads []models.SnapshotHead, now time.Time) []models.SnapshotHead {
	out := make([]models.SnapshotHead, 0, len(heads))
	for i, h := range heads {
		bucket := historyMinute
		switch age := now.Sub(h.CreatedAt); {
		case age >= keepHourly:
			bucket = 24 * time.Hour
		case age >= keepAll:
			bucket = time.Hour
		}
		if i+1 < len(heads) && heads[i+1].CreatedAt.Truncate(bucket).Equal(h.CreatedAt.Truncate(bucket)) {
			continue
		}
		out = append(out, h)
	}
	return out
}

// decodeHistoryPoint reads the votes and the models of a stored board and
// stops there: the board is written in RatedBoard's field order, so the
// pairs (most of its bytes: 4,950 of them for 100 models) come after the
// models and are never scanned, and the result may be cut before them. A
// board written in another order is still read correctly when whole; cut
// before its models, it is an error.
func decodeHistoryPoint(s *models.RatingSnapshot) (HistoryPoint, error) {
	p := HistoryPoint{SnapshotID: s.ID, At: s.CreatedAt}
	fail := func(err error) (HistoryPoint, error) {
		return HistoryPoint{}, fmt.Errorf("rating snapshot %d: %w", s.ID, err)
	}
	d := json.NewDecoder(strings.NewReader(s.Result))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return fail(fmt.Errorf("not a JSON object (%v)", err))
	}
	var seenVotes, seenModels bool
	for d.More() && !(seenVotes && seenModels) {
		t, err := d.Token()
		if err != nil {
			return fail(err)
		}
		switch t {
		case "votes":
			err, seenVotes = d.Decode(&p.Votes), true
		case "models":
			err, seenModels = d.Decode(&p.Models), true
		default:
			var skip json.RawMessage
			err = d.Decode(&skip)
		}
		if err != nil {
			return fail(err)
		}
	}
	if !seenModels {
		// Every stored board has the key; a board cut short has not.
		return fail(errors.New("no models in the board"))
	}
	return p, nil
}
