package boards

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

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
// layout can never collide with this one.
const digestHeader = "arena inputs digest v1\n"

// InputsDigest is the SHA-256, in hex, of the text
//
//	arena inputs digest v1
//	<the settings as compact JSON, fields in Settings order>
//	<one line per counted outcome, sorted bytewise>
//
// where an outcome line is model_a, model_b and the result (1 when A won,
// 0 when B won, 0.5 for a tie of either kind) separated by tabs and, when
// the settings ask for style control, followed by eight more tab-separated
// numbers: tokens, headers, lists and bold of answer A, then of answer B.
// Every line ends in a newline. Sorting makes the digest independent of
// the order the votes were read in; counting every vote with weight 1 is
// implied (reweighting is a setting, applied after). names[i] is the slug
// of model index i of outcomes; style is read only with st.Style.
func InputsDigest(names []string, outcomes []rating.Outcome, style []rating.StyleCounts, st Settings) string {
	lines := make([]string, len(outcomes))
	var b strings.Builder
	for i, o := range outcomes {
		b.Reset()
		b.WriteString(names[o.A])
		b.WriteByte('\t')
		b.WriteString(names[o.B])
		b.WriteByte('\t')
		b.WriteString(strconv.FormatFloat(o.Result, 'f', -1, 64))
		if st.Style && i < len(style) {
			for _, side := range [][rating.NumStyleFeatures]float64{style[i].A, style[i].B} {
				for _, v := range side {
					b.WriteByte('\t')
					b.WriteString(strconv.FormatFloat(v, 'f', -1, 64))
				}
			}
		}
		b.WriteByte('\n')
		lines[i] = b.String()
	}
	slices.Sort(lines)
	settings, _ := json.Marshal(st) // plain fields only: it cannot fail
	h := sha256.New()
	h.Write([]byte(digestHeader))
	h.Write(settings)
	h.Write([]byte{'\n'})
	for _, l := range lines {
		h.Write([]byte(l))
	}
	return hex.EncodeToString(h.Sum(nil))
}
