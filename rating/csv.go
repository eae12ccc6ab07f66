package rating

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	return readBattles(r, true)
}

// ReadOutcomes is ReadBattles without the style columns, which it neither
// checks nor keeps: a plain board needs only who met whom and who won,
// and a million battles' style counts are 64 MB.
func ReadOutcomes(r io.Reader) (*BattleSet, error) {
	return readBattles(r, false)
}

// readBattles reads a battles file, with or without style. Files (and
// anything else that can be read at offsets and knows its size) are read in
// blocks on all cores without ever holding the whole file; other readers
// are read whole first.
func readBattles(r io.Reader, withStyle bool) (*BattleSet, error) {
	src, err := openSource(r)
	if err != nil {
		return nil, err
	}
	return readSource(src, withStyle, readBlockSize, 0)
}

// readAll reads r whole, sized up front when r can tell its size,
// sparing a large input a dozen grow-and-copy rounds.
func readAll(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	if st, ok := r.(interface{ Stat() (fs.FileInfo, error) }); ok {
		if fi, err := st.Stat(); err == nil && fi.Mode().IsRegular() {
			buf.Grow(int(fi.Size()) + 1)
		}
	}
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

// readBattlesCSV is the general reader, for files with quoted fields.
func readBattlesCSV(data []byte, withStyle bool) (*BattleSet, error) {
	return readBattlesCSVFrom(bytes.NewReader(data), withStyle)
}

// readBattlesCSVFrom reads a battles file with encoding/csv.
func readBattlesCSVFrom(r io.Reader, withStyle bool) (*BattleSet, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, &LineError{1, errors.New("empty file, want a header with model_a,model_b,winner")}
	}
	if err != nil {
		return nil, csvError(err)
	}
	b, err := newBattleBuilder(header, withStyle)
	if err != nil {
		return nil, &LineError{1, err}
	}
	names := newNameIndex()
	var fields [][]byte
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			b.set.Models = names.names
			return b.set, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		fields = fields[:0]
		for _, f := range rec {
			fields = append(fields, []byte(f))
		}
		o, style, err := b.parseRecord(fields, names)
		if err != nil {
			return nil, &LineError{line, err}
		}
		b.set.Outcomes = append(b.set.Outcomes, o)
		if b.hasStyle {
			b.set.Style = append(b.set.Style, style)
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

// battleBuilder turns records into battles, knowing where each column
// sits in the file; set collects them on the encoding/csv path.
type battleBuilder struct {
	a, b, winner int
	style        [NumStyleFeatures][2]int
	hasStyle     bool
	maxCol       int // highest column index a row must reach
	set          *BattleSet
}

// newBattleBuilder finds the required columns and, if any style column is
// present, all of them.
func newBattleBuilder(header []string, withStyle bool) (*battleBuilder, error) {
	pos := make(map[string]int, len(header))
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := pos[h]; dup {
			return nil, fmt.Errorf("column %q appears twice", h)
		}
		pos[h] = i
	}
	c := &battleBuilder{set: &BattleSet{}}
	for _, col := range []struct {
		name string
		dst  *int
	}{{"model_a", &c.a}, {"model_b", &c.b}, {"winner", &c.winner}} {
		name, dst := col.name, col.dst
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
	c.maxCol = max(c.a, c.b, c.winner)
	if !withStyle {
		return c, nil
	}
	switch found {
	case 0:
	case 2 * NumStyleFeatures:
		c.hasStyle = true
		for _, pair := range c.style {
			c.maxCol = max(c.maxCol, pair[0], pair[1])
		}
	default:
		return nil, fmt.Errorf("found %d of the 8 style columns; give all of them or none", found)
	}
	return c, nil
}

// parseRecord reads one record, numbering its models with names. Fields
// are byte slices so the fast reader's rows convert nothing; lookups and
// switches on string(b) do not allocate.
func (c *battleBuilder) parseRecord(rec [][]byte, names *nameIndex) (Outcome, StyleCounts, error) {
	var style StyleCounts
	if len(rec) <= c.maxCol {
		return Outcome{}, style, fmt.Errorf("row has %d fields, want at least %d", len(rec), c.maxCol+1)
	}
	nameA, nameB := bytes.TrimSpace(rec[c.a]), bytes.TrimSpace(rec[c.b])
	if len(nameA) == 0 || len(nameB) == 0 {
		return Outcome{}, style, errors.New("empty model name")
	}
	if bytes.Equal(nameA, nameB) {
		return Outcome{}, style, fmt.Errorf("model %q battles itself", nameA)
	}
	res, err := parseWinner(rec[c.winner])
	if err != nil {
		return Outcome{}, style, err
	}
	if c.hasStyle {
		if style, err = parseStyle(c, rec); err != nil {
			return Outcome{}, style, err
		}
	}
	a := names.id(nameA)
	return Outcome{A: a, B: names.id(nameB), Result: res}, style, nil
}

// nameIndex numbers model names in order of first appearance. For the
// block reader it also lists, per block, the names in the order the block
// first used them, so blocks read apart can be numbered as one file.
type nameIndex struct {
	index map[string]int
	names []string
	stamp []int // per name, the block that last used it
	block int   // the current block, from 1; 0 keeps no lists
	seen  []int // names the current block used, in first-use order
}

func newNameIndex() *nameIndex { return &nameIndex{index: make(map[string]int)} }

// id returns the number of a model, adding it on first sight.
func (x *nameIndex) id(name []byte) int {
	i, ok := x.index[string(name)]
	if !ok {
		i = len(x.names)
		s := string(name)
		x.index[s] = i
		x.names = append(x.names, s)
		x.stamp = append(x.stamp, 0)
	}
	if x.stamp[i] != x.block {
		x.stamp[i] = x.block
		x.seen = append(x.seen, i)
	}
	return i
}

// parseWinner maps a winner label to the outcome for A.
func parseWinner(b []byte) (float64, error) {
	switch string(bytes.TrimSpace(b)) {
	case WinnerA:
		return 1, nil
	case WinnerB:
		return 0, nil
	case WinnerTie, WinnerBothBad:
		return 0.5, nil
	}
	return 0, fmt.Errorf("unknown winner %q (want model_a, model_b, tie or tie (bothbad))", b)
}

// parseStyle reads the eight style counts, which must be finite and >= 0
// so that (a−b)/(a+b+1) is well defined.
func parseStyle(c *battleBuilder, rec [][]byte) (StyleCounts, error) {
	var s StyleCounts
	for k, pair := range c.style {
		for side, i := range pair {
			v, ok := parseCount(bytes.TrimSpace(rec[i]))
			if !ok {
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

// parseCount reads a non-negative finite number; plain digits, the usual
// case, skip strconv.
func parseCount(b []byte) (float64, bool) {
	if len(b) > 0 && len(b) < 16 {
		v := 0
		for _, ch := range b {
			if ch < '0' || ch > '9' {
				goto general
			}
			v = v*10 + int(ch-'0')
		}
		return float64(v), true
	}
general:
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, false
	}
	return v + 0, true // +0 folds −0 into 0
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
		// The reference data's order: all of A's columns, then all of B's.
		for side := range 2 {
			for _, pair := range styleColumns {
				header = append(header, pair[side])
			}
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
				rec[3+k] = strconv.FormatFloat(s.A[k], 'f', -1, 64)
				rec[3+NumStyleFeatures+k] = strconv.FormatFloat(s.B[k], 'f', -1, 64)
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
