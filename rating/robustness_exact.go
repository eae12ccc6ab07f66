package rating

// leaves counts the flip sets of sizes 1..levels (net signed flips per
// pair), stopping once the count passes limit. A dynamic programme over
// pairs: ways[r] is the number of assignments to the pairs seen so far
// with r flips in all. O(pairs·levels²).
func (b *flipBoard) leaves(levels, limit int) int {
	if levels <= 0 {
		return 0
	}
	ways := make([]int, levels+1)
	next := make([]int, levels+1)
	ways[0] = 1
	for k := 0; k < len(b.base); k += 3 {
		down, up := int(b.base[k+2]), int(b.base[k])
		clear(next)
		for r, w := range ways {
			if w == 0 {
				continue
			}
			for s := 0; r+s <= levels; s++ {
				m := 1
				if s > 0 {
					m = btoi(s <= down) + btoi(s <= up)
				}
				next[r+s] = min(next[r+s]+w*m, limit+1)
			}
		}
		ways, next = next, ways
	}
	total := 0
	for _, w := range ways[1:] {
		total = min(total+w, limit+1)
	}
	return total
}

func btoi(v bool) int {
	if v {
		return 1
	}
	return 0
}

// exact tries every flip set of size 1, then 2, … up to levels, and
// returns the first size that dethrones the leader with its net flips, or
// 0 when none does. Every candidate is refitted from the original
// optimum, so the answer does not depend on the order of the search.
func (b *flipBoard) exact(levels int) (int, []int, error) {
	d := make([]int, len(b.cells)/3)
	theta := make([]float64, b.n)
	// room[k] is the most flips pairs k.. can take, to prune dead ends.
	b.room = make([]int, len(d)+1)
	for k := len(d) - 1; k >= 0; k-- {
		b.room[k] = b.room[k+1] + int(max(b.base[3*k], b.base[3*k+2]))
	}
	for size := 1; size <= levels; size++ {
		found, err := b.search(0, size, d, theta)
		if err != nil || found {
			return size, d, err
		}
	}
	return 0, nil, nil
}

// search assigns net flips to pairs k.. using exactly left flips, and
// reports whether some assignment dethrones the leader (d then holds it).
func (b *flipBoard) search(k, left int, d []int, theta []float64) (bool, error) {
	if k == len(d) {
		if left != 0 {
			return false, nil
		}
		copy(theta, b.theta0)
		if err := b.fit(d, theta); err != nil {
			return false, err
		}
		return b.dethroned(theta), nil
	}
	down, up := int(b.base[3*k+2]), int(b.base[3*k])
	if left > b.room[k] {
		return false, nil
	}
	for s := 0; s <= left; s++ {
		for _, v := range []int{s, -s}[:1+btoi(s > 0)] {
			if v > up || -v > down {
				continue
			}
			d[k] = v
			found, err := b.search(k+1, left-s, d, theta)
			if err != nil || found {
				return found, err
			}
		}
	}
	d[k] = 0
	return false, nil
}
