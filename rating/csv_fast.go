package rating

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"sync"
	"sync/atomic"
)

// readBlockSize is the nominal size of the blocks a battles file is read
// and parsed in: large enough that a block's bookkeeping is noise, small
// enough that a 50 MB file gives every core dozens of blocks to share.
const readBlockSize = 1 << 20

// source is the bytes of a battles file, read at offsets.
type source interface {
	size() int64
	// read returns bytes [off, off+n), fewer at the end of the data. It
	// reads into *buf (growing it) when it has to copy.
	read(buf *[]byte, off int64, n int) ([]byte, error)
	// reader reads the data from the start, for encoding/csv.
	reader() io.Reader
}

// memSource is data already in memory.
type memSource []byte

func (m memSource) size() int64 { return int64(len(m)) }

func (m memSource) read(_ *[]byte, off int64, n int) ([]byte, error) {
	return m[off:min(off+int64(n), int64(len(m)))], nil
}

func (m memSource) reader() io.Reader { return bytes.NewReader(m) }

// fileSource is the n bytes of a file from base on. Reading a 50 MB file
// into one buffer costs more than parsing it (every page of a new buffer
// is a page fault), so blocks are read into buffers each worker reuses.
type fileSource struct {
	r       io.ReaderAt
	base, n int64
}

func (f *fileSource) size() int64 { return f.n }

func (f *fileSource) read(buf *[]byte, off int64, n int) ([]byte, error) {
	n = int(min(int64(n), f.n-off))
	if cap(*buf) < n {
		*buf = make([]byte, n)
	}
	b := (*buf)[:n]
	k, err := f.r.ReadAt(b, f.base+off)
	if k == n {
		return b, nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF // the file shrank while being read
	}
	return nil, err
}

func (f *fileSource) reader() io.Reader { return io.NewSectionReader(f.r, f.base, f.n) }

// openSource reads a regular file in place from its current offset
// (leaving the offset at the end, as reading through would), and anything
// else whole into memory.
func openSource(r io.Reader) (source, error) {
	type file interface {
		io.ReaderAt
		io.Seeker
		Stat() (fs.FileInfo, error)
	}
	if f, ok := r.(file); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			if off, err := f.Seek(0, io.SeekCurrent); err == nil && off <= fi.Size() {
				if _, err := f.Seek(0, io.SeekEnd); err == nil {
					return &fileSource{r: f, base: off, n: fi.Size() - off}, nil
				}
			}
		}
	}
	data, err := readAll(r)
	if err != nil {
		return nil, err
	}
	return memSource(data), nil
}

// readSource reads a battles file. A quote-free file, the usual case, is
// split at '\n' and ',' directly, exactly as encoding/csv would split it
// ("\r\n" ends a line like "\n", empty lines are skipped, every row must
// have as many fields as the header), in blocks of about blockSize bytes
// on workers goroutines (0 means GOMAXPROCS):
//
//  1. block boundaries are moved to line starts, and a first pass counts
//     each block's lines and looks for quotes;
//  2. each block is parsed straight into its place in the result, with
//     models numbered per worker;
//  3. blocks are taken in file order to number models by first appearance
//     in the whole file, and each block's numbers are rewritten.
//
// So the result, errors included (the first bad line wins), is the same
// as reading line by line. A file with quotes goes to encoding/csv.
func readSource(src source, withStyle bool, blockSize, workers int) (*BattleSet, error) {
	p, quoted, err := startBlocks(src, withStyle, blockSize, workers)
	if err == nil && !quoted {
		quoted, err = p.countLines()
	}
	if err != nil {
		return nil, err
	}
	if quoted {
		return readBattlesCSVFrom(src.reader(), withStyle)
	}
	set := p.newSet()
	if err := p.parseBlocks(set); err != nil {
		return nil, err
	}
	if err := p.numberModels(set); err != nil {
		return nil, err
	}
	p.closeGaps(set)
	return set, nil
}

// parseBlock parses the rows of one block, whose first line is number
// line, into out (and style, when kept), returning how many it filled.
func parseBlock(c *battleBuilder, nFields int, data []byte, line int, names *nameIndex, rec [][]byte, out []Outcome, style []StyleCounts) (int, [][]byte, error) {
	rows := 0
	for ; len(data) > 0; line++ {
		var row []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			row, data = data[:i], data[i+1:]
		} else {
			row, data = data, nil
		}
		if n := len(row); n > 0 && row[n-1] == '\r' {
			row = row[:n-1]
		}
		if len(row) == 0 {
			continue
		}
		var fields int
		rec, fields = splitFieldsUpTo(rec[:0], row, c.maxCol)
		if fields != nFields {
			return rows, rec, &LineError{line, errors.New("wrong number of fields")}
		}
		o, s, err := c.parseRecord(rec, names)
		if err != nil {
			return rows, rec, &LineError{line, err}
		}
		out[rows] = o
		if style != nil {
			style[rows] = s
		}
		rows++
	}
	return rows, rec, nil
}

// readHeader finds the first non-empty line: the header, its line number,
// and the offset of the line after it. header is nil if there is none.
func readHeader(src source, buf *[]byte) (header []byte, line int, next int64, err error) {
	size := src.size()
	for line = 1; next < size; line++ {
		var row []byte
		row, next, err = readLine(src, buf, next)
		if err != nil {
			return nil, 0, 0, err
		}
		if row = bytes.TrimSuffix(row, []byte{'\r'}); len(row) > 0 {
			return bytes.Clone(row), line, next, nil
		}
	}
	return nil, 0, size, nil
}

// readLine reads the line starting at off, without its '\n', and returns
// the offset after it.
func readLine(src source, buf *[]byte, off int64) ([]byte, int64, error) {
	size := src.size()
	for n := 4096; ; n *= 2 {
		data, err := src.read(buf, off, n)
		if err != nil {
			return nil, 0, err
		}
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			return data[:i], off + int64(i) + 1, nil
		}
		if off+int64(len(data)) >= size {
			return data, size, nil
		}
	}
}

// lineStart is the first line start at or after off (past the header),
// or the end of the data.
func lineStart(src source, buf *[]byte, off int64) (int64, error) {
	size := src.size()
	if off >= size {
		return size, nil
	}
	// A line starts at off if the byte before it ends a line; otherwise
	// the next line starts after the line off is in.
	_, next, err := readLine(src, buf, off-1)
	return next, err
}

// forBlocks runs blocks 0..n-1 on workers goroutines, each with the state
// newWorker builds for worker w; it returns the first error.
func forBlocks(n, workers int, newWorker func(w int) func(k int) error) error {
	if workers <= 1 {
		do := newWorker(0)
		for k := range n {
			if err := do(k); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do := newWorker(w)
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				if err := do(k); err != nil {
					errs[w] = err
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
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

// splitFieldsUpTo splits a row's fields 0..last into rec and counts the
// rest without splitting them; it returns rec and the number of fields.
func splitFieldsUpTo(rec [][]byte, row []byte, last int) ([][]byte, int) {
	for len(rec) <= last {
		i := bytes.IndexByte(row, ',')
		if i < 0 {
			rec = append(rec, row)
			return rec, len(rec)
		}
		rec = append(rec, row[:i])
		row = row[i+1:]
	}
	return rec, len(rec) + 1 + bytes.Count(row, []byte{','})
}

// plainCSV reports whether data has no quotes, so that splitting lines at
// '\n' and fields at ',' is exactly what encoding/csv would do.
func plainCSV(data []byte) bool {
	return bytes.IndexByte(data, '"') < 0
}
