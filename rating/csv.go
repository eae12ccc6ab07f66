package rating

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Winner labels used in battle files.
const (
	WinnerA       = "model_a"
	WinnerB       = "model_b"
	WinnerTie     = "tie"
	WinnerBothBad = "tie (bothbad)"
)

// styleColumns are the optional per-answer style columns of a battles file,
// A then B for each feature, in StyleCounts order.
var styleColumns = [NumStyleFeatures][2]string{
	{"sum_assistant_a_tokens", "sum_assistant_b_tokens"},
	{"header_count_a", "header_count_b"},
	{"list_count_a", "list_count_b"},
	{"bold_count_a", "bold_count_b"},
}

// LineError locates a problem in a battles file by line, so a person can
// prefix the file name and find it.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("%d: %v", e.Line, e.Err) }
func (e *LineError) Unwrap() error { return e.Err }

// ReadBattles reads a battles CSV: a header naming model_a, model_b and
// winner (model_a, model_b, tie or "tie (bothbad)"), optionally all eight
// style columns, in any column order. Models are numbered in order of first
// appearance.
func ReadBattles(r io.Reader) (*BattleSet, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &LineError{1, errors.New("empty file, want a header with model_a,model_b,winner")}
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols, err := battleColumns(header)
	if err != nil {
		return nil, &LineError{1, err}
	}
	set := &BattleSet{}
	index := make(map[string]int)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return set, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if err := cols.add(set, index, rec); err != nil {
			return nil, &LineError{line, err}
		}
	}
}

// csvError turns encoding/csv's positioned errors into LineErrors.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{pe.Line, pe.Err}
	}
	return err
}

// columnIndex records where each known column sits in the file.
type columnIndex struct {
	a, b, winner int
	style        [NumStyleFeatures][2]int
	hasStyle     bool
}

// battleColumns finds the required columns and, if any style column is
// present, all of them.
func battleColumns(header []string) (*columnIndex, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := pos[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		pos[h] = i
	}
	c := &columnIndex{}
	for name, dst := range map[string]*int{"model_a": &c.a, "model_b": &c.b, "winner": &c.winner} {
		i, ok := pos[name]
		if !ok {
			return nil, fmt.Errorf("missing column %q (want model_a,model_b,winner)", name)
		}
		*dst = i
	}
	found := 0
	for k, pair := range styleColumns {
		for side, name := range pair {
			if i, ok := pos[name]; ok {
				c.style[k][side] = i
				found++
			}
		}
	}
	switch found {
	case 0:
	case 2 * NumStyleFeatures:
		c.hasStyle = true
	default:
		return nil, fmt.Errorf("found %d of the 8 style columns; give all of them or none", found)
	}
	return c, nil
}

// add appends one record to set.
func (c *columnIndex) add(set *BattleSet, index map[string]int, rec []string) error {
	for _, i := range []int{c.a, c.b, c.winner} {
		if i >= len(rec) {
			return fmt.Errorf("row has %d fields, want at least %d", len(rec), i+1)
		}
	}
	nameA, nameB := strings.TrimSpace(rec[c.a]), strings.TrimSpace(rec[c.b])
	if nameA == "" || nameB == "" {
		return errors.New("empty model name")
	}
	if nameA == nameB {
		return fmt.Errorf("model %q battles itself", nameA)
	}
	res, err := parseWinner(rec[c.winner])
	if err != nil {
		return err
	}
	var style StyleCounts
	if c.hasStyle {
		if style, err = c.parseStyle(rec); err != nil {
			return err
		}
	}
	o := Outcome{A: modelIndex(set, index, nameA), B: modelIndex(set, index, nameB), Result: res}
	set.Outcomes = append(set.Outcomes, o)
	if c.hasStyle {
		set.Style = append(set.Style, style)
	}
	return nil
}

// parseWinner maps a winner label to the outcome for A.
func parseWinner(s string) (float64, error) {
	switch strings.TrimSpace(s) {
	case WinnerA:
		return 1, nil
	case WinnerB:
		return 0, nil
	case WinnerTie, WinnerBothBad:
		return 0.5, nil
	}
	return 0, fmt.Errorf("unknown winner %q (want model_a, model_b, tie or tie (bothbad))", s)
}

// parseStyle reads the eight style counts, which must be finite and >= 0
// so that (a−b)/(a+b+1) is well defined.
func (c *columnIndex) parseStyle(rec []string) (StyleCounts, error) {
	var s StyleCounts
	for k, pair := range c.style {
		for side, i := range pair {
			if i >= len(rec) {
				return s, fmt.Errorf("row has %d fields, want at least %d", len(rec), i+1)
			}
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[i]), 64)
			if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
				return s, fmt.Errorf("%s: want a count >= 0, got %q", styleColumns[k][side], rec[i])
			}
			if side == 0 {
				s.A[k] = v
			} else {
				s.B[k] = v
			}
		}
	}
	return s, nil
}

// modelIndex returns the number of a model, adding it on first sight.
func modelIndex(set *BattleSet, index map[string]int, name string) int {
	i, ok := index[name]
	if !ok {
		i = len(set.Models)
		index[name] = i
		set.Models = append(set.Models, name)
	}
	return i
}

// WriteBattles writes set in the format ReadBattles reads, with the style
// columns when set has them.
func WriteBattles(w io.Writer, set *BattleSet) error {
	cw := csv.NewWriter(w)
	header := []string{"model_a", "model_b", "winner"}
	if set.Style != nil {
		for _, pair := range styleColumns {
			header = append(header, pair[0], pair[1])
		}
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(header))
	for i, o := range set.Outcomes {
		rec[0], rec[1], rec[2] = set.Models[o.A], set.Models[o.B], winnerLabel(o.Result)
		if set.Style != nil {
			s := set.Style[i]
			for k := range styleColumns {
				rec[3+2*k] = strconv.FormatFloat(s.A[k], 'f', -1, 64)
				rec[4+2*k] = strconv.FormatFloat(s.B[k], 'f', -1, 64)
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// winnerLabel is the file label for an outcome.
func winnerLabel(r float64) string {
	switch r {
	case 1:
		return WinnerA
	case 0:
		return WinnerB
	}
	return WinnerTie
}
