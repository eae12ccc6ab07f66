package rating

import (
	"bytes"
	"errors"
)

// plainCSV reports whether data has no quotes, so that splitting lines at
// '\n' and fields at ',' is exactly what encoding/csv would do. Battle
// files almost always qualify, and the split is several times faster.
func plainCSV(data []byte) bool {
	return bytes.IndexByte(data, '"') < 0
}

// readBattlesFast reads a quote-free battles file with encoding/csv's
// rules: "\r\n" ends a line like "\n", empty lines are skipped, and every
// row must have as many fields as the header.
func readBattlesFast(data []byte, withStyle bool) (*BattleSet, error) {
	var b *battleBuilder
	var rec [][]byte
	nFields := 0
	for line := 1; len(data) > 0; line++ {
		var row []byte
		row, data, _ = bytes.Cut(data, []byte{'\n'})
		row = bytes.TrimSuffix(row, []byte{'\r'})
		if len(row) == 0 {
			continue
		}
		rec = splitFields(rec[:0], row)
		if b == nil {
			header := make([]string, len(rec))
			for i, f := range rec {
				header[i] = string(f)
			}
			var err error
			if b, err = newBattleBuilder(header, withStyle); err != nil {
				return nil, &LineError{line, err}
			}
			nFields = len(rec)
			// One battle per line: size the slices once instead of
			// growing them through a million appends.
			rows := bytes.Count(data, []byte{'\n'}) + 1
			b.set.Outcomes = make([]Outcome, 0, rows)
			if b.hasStyle {
				b.set.Style = make([]StyleCounts, 0, rows)
			}
			continue
		}
		if len(rec) != nFields {
			return nil, &LineError{line, errors.New("wrong number of fields")}
		}
		if err := addRecord(b, rec); err != nil {
			return nil, &LineError{line, err}
		}
	}
	if b == nil {
		return nil, &LineError{1, errors.New("empty file, want a header with model_a,model_b,winner")}
	}
	return b.set, nil
}

// splitFields splits a row at commas into rec, reusing its storage.
func splitFields(rec [][]byte, row []byte) [][]byte {
	for {
		i := bytes.IndexByte(row, ',')
		if i < 0 {
			return append(rec, row)
		}
		rec = append(rec, row[:i])
		row = row[i+1:]
	}
}
