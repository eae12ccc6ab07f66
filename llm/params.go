package llm

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
)

// params reads a provider block's params map, which arrives from JSON (so
// numbers are float64 or json.Number) or from Go code (int…), collecting a
// readable error for every bad value instead of stopping at the first.
type params struct {
	m    map[string]any
	errs []error
}

func (p *params) fail(format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf(format, args...))
}

// known reports keys outside the allowed list, sorted for stable output.
func (p *params) known(allowed []string) {
	var unknown []string
	for k := range p.m {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		p.fail("unknown param %q (known: %s)", k, strings.Join(allowed, ", "))
	}
}

// float reads a number within [lo, hi]; nil when absent or bad.
func (p *params) float(key string, lo, hi float64) *float64 {
	v, ok := p.m[key]
	if !ok {
		return nil
	}
	f, isNum := number(v)
	if !isNum || math.IsNaN(f) || f < lo || f > hi {
		p.fail("params.%s must be a number from %g to %g, got %s", key, lo, hi, describe(v))
		return nil
	}
	return &f
}

// int reads a whole number within [lo, hi]; nil when absent or bad.
func (p *params) int(key string, lo, hi int64) *int64 {
	v, ok := p.m[key]
	if !ok {
		return nil
	}
	f, isNum := number(v)
	if !isNum || f != math.Trunc(f) || f < float64(lo) || f > float64(hi) {
		switch {
		case lo == 1 && hi >= 1_000_000:
			p.fail("params.%s must be a positive whole number, got %s", key, describe(v))
		case lo == math.MinInt64:
			p.fail("params.%s must be a whole number, got %s", key, describe(v))
		default:
			p.fail("params.%s must be a whole number from %d to %d, got %s", key, lo, hi, describe(v))
		}
		return nil
	}
	n := int64(f)
	return &n
}

// seconds reads a timeout given in seconds (fractions allowed), up to an hour.
func (p *params) seconds(key string) time.Duration {
	v, ok := p.m[key]
	if !ok {
		return 0
	}
	f, isNum := number(v)
	if !isNum || !(f > 0) || f > 3600 {
		p.fail("params.%s must be a number of seconds above 0 and at most 3600, got %s", key, describe(v))
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// number accepts every numeric type JSON decoding or Go literals produce.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int32:
		return float64(n), true
	case int64:
		return float64(n), true
	case uint:
		return float64(n), true
	case uint32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// describe shows a bad value briefly: numbers and short text as they are,
// anything else by its JSON type.
func describe(v any) string {
	if _, ok := number(v); ok {
		return fmt.Sprint(v)
	}
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		if len(x) > 40 {
			return "a long text"
		}
		return fmt.Sprintf("%q", x)
	case bool:
		return fmt.Sprint(x)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	return fmt.Sprintf("a %T", v)
}
