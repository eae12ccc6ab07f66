package rating

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ReadBootstrapCounts reads per-round bootstrap counts drawn elsewhere (the
// reference's bootstrap_counts.csv): a header model_a,model_b,outcome,count
// followed by one column per round, and one row per cell. Feeding these in
// reproduces another implementation's bootstrap without its random stream.
// models names the contenders; it returns the cells and rounds[r][cell].
func ReadBootstrapCounts(r io.Reader, models []string) ([]Cell, [][]int, error) {
	index := make(map[string]int, len(models))
	for i, m := range models {
		index[m] = i
	}
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err != nil {
		return nil, nil, csvError(err)
	}
	want := []string{"model_a", "model_b", "outcome", "count"}
	if len(header) < len(want) || strings.Join(header[:4], ",") != strings.Join(want, ",") {
		return nil, nil, &LineError{1, errors.New("want header model_a,model_b,outcome,count and then one round_NNN column per round (round_000, round_001, …)")}
	}
	nRounds := len(header) - len(want)
	rounds := make([][]int, nRounds)
	var cells []Cell
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return cells, rounds, nil
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		cell, counts, err := parseCountsRow(rec, index)
		if err != nil {
			return nil, nil, &LineError{line, err}
		}
		cells = append(cells, cell)
		for i, c := range counts {
			rounds[i] = append(rounds[i], c)
		}
	}
}

// parseCountsRow reads one cell and its per-round counts.
func parseCountsRow(rec []string, index map[string]int) (Cell, []int, error) {
	var c Cell
	var ok bool
	if c.A, ok = index[rec[0]]; !ok {
		return c, nil, fmt.Errorf("unknown model %q", rec[0])
	}
	if c.B, ok = index[rec[1]]; !ok {
		return c, nil, fmt.Errorf("unknown model %q", rec[1])
	}
	res, err := strconv.ParseFloat(rec[2], 64)
	if err != nil || (res != 0 && res != 0.5 && res != 1) {
		return c, nil, fmt.Errorf("outcome %q: want 0, 0.5 or 1", rec[2])
	}
	c.Result = res
	counts := make([]int, len(rec)-3)
	for i, s := range rec[3:] {
		if counts[i], err = strconv.Atoi(s); err != nil || counts[i] < 0 {
			return c, nil, fmt.Errorf("count %q: want an integer >= 0", s)
		}
	}
	c.Count = counts[0]
	return c, counts[1:], nil
}
