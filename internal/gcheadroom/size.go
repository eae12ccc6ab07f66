package gcheadroom

import (
	"fmt"
	"strconv"
	"strings"
)

// units are the suffixes ParseSize takes, as GOMEMLIMIT writes them.
var units = []struct {
	suffix string
	bytes  int64
}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// ParseSize reads a headroom written as GOMEMLIMIT writes sizes (a whole
// number of B, KiB, MiB, GiB or TiB, such as 256MiB), or "off" or 0 for
// none.
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if t == "off" || t == "0" {
		return 0, nil
	}
	for _, u := range units {
		num, ok := strings.CutSuffix(t, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > (1<<62)/u.bytes {
			break
		}
		return n * u.bytes, nil
	}
	return 0, fmt.Errorf("%q is not a size: write a whole number with B, KiB, MiB, GiB or TiB, such as 256MiB, or off", s)
}
