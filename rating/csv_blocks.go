package rating

import (
	"bytes"
	"errors"
	"runtime"
	"sync/atomic"
)

// blockRead is one parallel read of a quote-free battles file (see
// readSource): the header's builder, the blocks' bounds, and what each
// pass leaves for the next.
type blockRead struct {
	src        source
	c          *battleBuilder
	nFields    int
	headerLine int
	// bounds[k] is where block k starts; bounds[len-1] is the end.
	bounds  []int64
	workers int
	// bufs is a read buffer per worker, shared by all passes: fresh memory
	// costs a page fault per 4 kB, more than parsing what goes in it.
	bufs [][]byte
	// Pass 1: '\n' count and line count (a last line may lack its '\n').
	newlines, lines []int
	// base[k] is where block k's rows go; first[k] its first line's number.
	base, first []int
	// Pass 2: per block, and each worker's model numbering.
	results     []blockResult
	workerNames []*nameIndex
}

// blockResult is what parsing one block gave.
type blockResult struct {
	rows   int
	worker int
	seen   []int // the worker's model numbers, in first use in the block
	err    error
}

// startBlocks reads the header and places the block bounds. quoted says
// the header has quotes, so that encoding/csv must read the file.
func startBlocks(src source, withStyle bool, blockSize, workers int) (*blockRead, bool, error) {
	var buf []byte
	header, headerLine, body, err := readHeader(src, &buf)
	if err != nil {
		return nil, false, err
	}
	if header == nil {
		return nil, false, &LineError{1, errors.New("empty file, want a header with model_a,model_b,winner")}
	}
	if bytes.IndexByte(header, '"') >= 0 {
		return nil, true, nil
	}
	rec := splitFields(nil, header)
	names := make([]string, len(rec))
	for i, f := range rec {
		names[i] = string(f)
	}
	c, err := newBattleBuilder(names, withStyle)
	if err != nil {
		return nil, false, &LineError{headerLine, err}
	}
	bounds, err := blockBounds(src, &buf, body, blockSize)
	if err != nil {
		return nil, false, err
	}
	nBlocks := len(bounds) - 1
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, nBlocks))
	return &blockRead{
		src: src, c: c, nFields: len(rec), headerLine: headerLine,
		bounds: bounds, workers: workers, bufs: make([][]byte, workers),
	}, false, nil
}

// blockBounds cuts the data from body on into blocks that start at line
// starts: bounds[k] is the first line start at or after body + k·blockSize.
func blockBounds(src source, buf *[]byte, body int64, blockSize int) ([]int64, error) {
	size := src.size()
	nBlocks := int(max(1, (size-body+int64(blockSize)-1)/int64(blockSize)))
	bounds := make([]int64, nBlocks+1)
	bounds[0], bounds[nBlocks] = body, size
	for k := 1; k < nBlocks; k++ {
		var err error
		if bounds[k], err = lineStart(src, buf, max(body+int64(k)*int64(blockSize), bounds[k-1])); err != nil {
			return nil, err
		}
	}
	return bounds, nil
}

// blocks is the number of blocks.
func (p *blockRead) blocks() int { return len(p.bounds) - 1 }

// block reads block k into worker w's buffer.
func (p *blockRead) block(w, k int) ([]byte, error) {
	return p.src.read(&p.bufs[w], p.bounds[k], int(p.bounds[k+1]-p.bounds[k]))
}

// countLines is pass 1: it counts each block's lines and reports whether
// there are quotes anywhere, then places each block's rows and numbers its
// first line.
func (p *blockRead) countLines() (quoted bool, err error) {
	nBlocks := p.blocks()
	p.newlines, p.lines = make([]int, nBlocks), make([]int, nBlocks)
	var anyQuote atomic.Bool
	err = forBlocks(nBlocks, p.workers, func(w int) func(k int) error {
		return func(k int) error {
			data, err := p.block(w, k)
			if err != nil {
				return err
			}
			if bytes.IndexByte(data, '"') >= 0 {
				anyQuote.Store(true)
			}
			p.newlines[k] = bytes.Count(data, []byte{'\n'})
			p.lines[k] = p.newlines[k]
			if len(data) > 0 && data[len(data)-1] != '\n' {
				p.lines[k]++
			}
			return nil
		}
	})
	if err != nil {
		return false, err
	}
	p.base, p.first = make([]int, nBlocks+1), make([]int, nBlocks)
	line := p.headerLine + 1
	for k := range nBlocks {
		p.base[k+1] = p.base[k] + p.lines[k]
		p.first[k] = line
		line += p.newlines[k]
	}
	return anyQuote.Load(), nil
}

// newSet allocates the result with room for every line.
func (p *blockRead) newSet() *BattleSet {
	n := p.base[p.blocks()]
	set := &BattleSet{Outcomes: make([]Outcome, n)}
	if p.c.hasStyle {
		set.Style = make([]StyleCounts, n)
	}
	return set
}

// parseBlocks is pass 2: each block is parsed in place, numbering models
// per worker. Blocks after one known to fail are not read: the first bad
// line wins anyway.
func (p *blockRead) parseBlocks(set *BattleSet) error {
	nBlocks := p.blocks()
	p.results = make([]blockResult, nBlocks)
	p.workerNames = make([]*nameIndex, p.workers)
	var failed atomic.Int64 // the earliest block known to have a bad line
	failed.Store(int64(nBlocks))
	return forBlocks(nBlocks, p.workers, func(w int) func(k int) error {
		var rec [][]byte
		names := newNameIndex()
		p.workerNames[w] = names
		return func(k int) error {
			if int64(k) > failed.Load() {
				return nil
			}
			data, err := p.block(w, k)
			if err != nil {
				return err
			}
			names.block, names.seen = k+1, nil
			lo, hi := p.base[k], p.base[k+1]
			var style []StyleCounts
			if p.c.hasStyle {
				style = set.Style[lo:hi]
			}
			r := &p.results[k]
			r.worker = w
			r.rows, rec, r.err = parseBlock(p.c, p.nFields, data, p.first[k], names, rec, set.Outcomes[lo:hi], style)
			r.seen = names.seen
			if r.err != nil {
				lowerTo(&failed, int64(k))
			}
			return nil
		}
	})
}

// lowerTo sets v to x unless it already holds less.
func lowerTo(v *atomic.Int64, x int64) {
	for f := v.Load(); x < f && !v.CompareAndSwap(f, x); f = v.Load() {
	}
}

// numberModels numbers models by first appearance across blocks, in file
// order, and rewrites the rows' numbers when a worker's differ. The first
// block with a bad line gives the error.
func (p *blockRead) numberModels(set *BattleSet) error {
	global := newNameIndex()
	remap := make([][]int, len(p.workerNames))
	for w, names := range p.workerNames {
		if names != nil {
			remap[w] = make([]int, len(names.names))
		}
	}
	identity := true
	for k := range p.results {
		r := &p.results[k]
		if r.err != nil {
			return r.err
		}
		for _, id := range r.seen {
			g := global.id([]byte(p.workerNames[r.worker].names[id]))
			remap[r.worker][id] = g
			identity = identity && g == id
		}
	}
	set.Models = global.names
	if identity {
		return nil
	}
	return forBlocks(p.blocks(), p.workers, func(int) func(k int) error {
		return func(k int) error {
			m := remap[p.results[k].worker]
			out := set.Outcomes[p.base[k] : p.base[k]+p.results[k].rows]
			for i := range out {
				out[i].A, out[i].B = m[out[i].A], m[out[i].B]
			}
			return nil
		}
	})
}

// closeGaps moves each block's rows up over the room its empty lines left.
func (p *blockRead) closeGaps(set *BattleSet) {
	n := 0
	for k, r := range p.results {
		if from := p.base[k]; n != from {
			copy(set.Outcomes[n:], set.Outcomes[from:from+r.rows])
			if set.Style != nil {
				copy(set.Style[n:], set.Style[from:from+r.rows])
			}
		}
		n += r.rows
	}
	set.Outcomes = set.Outcomes[:n]
	if set.Style != nil {
		set.Style = set.Style[:n]
	}
}
