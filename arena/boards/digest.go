package boards

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"

	"openarena.dev/arena/rating"
)

// Settings are everything besides the votes that decides a published
// board's numbers: with them and the counted outcomes anyone can compute
// the board again (`arena ratings --settings`). They are served at
// /api/v1/leaderboard/settings and hashed into the inputs digest, so the
// JSON field names are a published format: add fields, do not rename them.
type Settings struct {
	// Method is MethodBradleyTerry; CI and Level how the intervals are made.
	Method string  `json:"method"`
	CI     string  `json:"ci"`
	Level  float64 `json:"level"`
	// Rounds and Seed fix the bootstrap: the same seed draws the same
	// resamples on any number of cores.
	Rounds   int    `json:"rounds"`
	Seed     uint64 `json:"seed"`
	MinVotes int    `json:"min_votes"`
	// Anchor, when set, shifts the scores so one model has a fixed score;
	// nil means the scores average 1000.
	Anchor *AnchorSetting `json:"anchor"`
	// Style says the style-controlled view is computed too, from the
	// answers' length and Markdown counts.
	Style         bool   `json:"style"`
	Reweighting   bool   `json:"reweighting"`
	ReweightFloor int    `json:"reweight_floor"`
	Category      string `json:"category"`
	// EngineVersion is rating.EngineVersion of the server that computed
	// the board.
	EngineVersion string `json:"engine_version"`
}

// AnchorSetting pins one model's score.
type AnchorSetting struct {
	Model string  `json:"model"`
	Score float64 `json:"score"`
}

// digestHeader opens the digested text and names its layout, so a later
// layout can never collide with this one. Layout v1 hashed the outcome
// lines themselves, sorted, which costs a sort of every vote per board;
// v2 hashes their multiset sum, which the recomputer keeps up to date as
// votes come and go (see digestSum).
const digestHeader = "arena inputs digest v2\n"

// InputsDigest is the SHA-256, in hex, of the text
//
//	arena inputs digest v2
//	<the settings as compact JSON, fields in Settings order>
//	<the number of counted outcomes, in decimal>
//	<the sum modulo 2^256 of the SHA-256 of every outcome line, as 64 hex digits>
//
// each of the four ending in a newline, where an outcome line is model_a,
// model_b and the result (1 when A won, 0 when B won, 0.5 for a tie of
// either kind) separated by tabs and, when the settings ask for style
// control, followed by eight more tab-separated integers: tokens, headers,
// lists and bold of answer A, then of answer B; it ends in a newline. The
// SHA-256 of a line is read as a big-endian 256-bit number. A sum does not
// depend on the order the votes were read in, and it can be kept up to
// date vote by vote; counting every vote with weight 1 is implied
// (reweighting is a setting, applied after). names[i] is the slug of model
// index i of outcomes; style is read only with st.Style.
func InputsDigest(names []string, outcomes []rating.Outcome, style []rating.StyleCounts, st Settings) string {
	var sum digestSum
	var line []byte
	for i, o := range outcomes {
		var counts *[2 * rating.NumStyleFeatures]int64
		if st.Style && i < len(style) {
			counts = new([2 * rating.NumStyleFeatures]int64)
			for k := range rating.NumStyleFeatures {
				counts[k], counts[rating.NumStyleFeatures+k] = int64(style[i].A[k]), int64(style[i].B[k])
			}
		}
		line = appendOutcomeLine(line[:0], names[o.A], names[o.B], o.Result, counts)
		sum.add(sha256.Sum256(line))
	}
	return sum.digest(st)
}

// appendOutcomeLine appends one outcome line of the digest to buf.
func appendOutcomeLine(buf []byte, a, b string, result float64, counts *[2 * rating.NumStyleFeatures]int64) []byte {
	buf = append(buf, a...)
	buf = append(buf, '\t')
	buf = append(buf, b...)
	buf = append(buf, '\t')
	buf = strconv.AppendFloat(buf, result, 'f', -1, 64)
	if counts != nil {
		for _, v := range counts {
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, v, 10)
		}
	}
	return append(buf, '\n')
}

// digestSum is a multiset of outcome lines as InputsDigest hashes it: how
// many, and the sum of their SHA-256s modulo 2^256 (limb 0 the most
// significant 64 bits).
type digestSum struct {
	n   int64
	sum [4]uint64
}

// add puts one line's hash into the sum.
func (d *digestSum) add(h [32]byte) {
	d.n++
	var carry uint64
	for k := 3; k >= 0; k-- {
		d.sum[k], carry = bits.Add64(d.sum[k], binary.BigEndian.Uint64(h[8*k:]), carry)
	}
}

// sub takes one line's hash out of the sum.
func (d *digestSum) sub(h [32]byte) {
	d.n--
	var borrow uint64
	for k := 3; k >= 0; k-- {
		d.sum[k], borrow = bits.Sub64(d.sum[k], binary.BigEndian.Uint64(h[8*k:]), borrow)
	}
}

// merge adds another multiset.
func (d *digestSum) merge(o digestSum) {
	d.n += o.n
	var carry uint64
	for k := 3; k >= 0; k-- {
		d.sum[k], carry = bits.Add64(d.sum[k], o.sum[k], carry)
	}
}

// digest is InputsDigest of the lines summed, with the settings st.
func (d *digestSum) digest(st Settings) string {
	settings, _ := json.Marshal(st) // plain fields only: it cannot fail
	var total [32]byte
	for k, limb := range d.sum {
		binary.BigEndian.PutUint64(total[8*k:], limb)
	}
	h := sha256.New()
	h.Write([]byte(digestHeader))
	h.Write(settings)
	fmt.Fprintf(h, "\n%d\n%s\n", d.n, hex.EncodeToString(total[:]))
	return hex.EncodeToString(h.Sum(nil))
}
