package integrity

import "time"

// Options tune the voter-integrity checks. Zero fields take
// DefaultOptions.
//
// A vote's risk score is the sum of the weights of the signals it shows:
//
//	fast      0.3  read for less than FastRead before voting
//	burst     0.3  the voter's BurstVotes-th or later vote within BurstWindow
//	shared    0.3  more than AddressVoters voter ids voted from the keyed
//	               address within AddressWindow
//	one-sided 0.3  of the voter's at least OneSidedMin decisive votes on
//	               battles with one contender, OneSidedShare or more went
//	               the same way (for it, or against it), and this one too
//	favours   0.4  the vote goes the way the voter's decisive votes about
//	               one contender go far more often than others' votes on
//	               the same pairs predict: with each vote's chance that
//	               the contender wins taken from the other voters' record
//	               of that pair ((wins + 1)/(decisive + 2)), the
//	               Poisson-binomial tail of the voter's wins (or losses)
//	               is below Alpha / (voters tested × contenders × 2)
//	selective 0.4  the vote involves a contender that is in far more of
//	               the voter's votes than in everyone else's: the binomial
//	               tail P(X ≥ k), X ~ Bin(n, share in others' votes), is
//	               below Alpha / (voters tested × contenders) — a voter who
//	               only votes when one model appears (and skips the rest)
//	anomalous 0.7  the voter fails the per-voter test (rating.TestVoters)
//	               at Alpha, Bonferroni-corrected over the voters tested
//	unusual   0.4  the voter fails the same test at Alpha uncorrected
//	               (not counted when anomalous applies)
//
// A vote whose score reaches Threshold (default 0.7: three of the weak
// signals, the corrected statistical test alone, or one of the 0.4
// signals with a weak one such as one-sided voting) is stored but left
// out of the ratings. Two weak signals are not enough on purpose: a quick reader
// behind a shared address (a campus, a mobile carrier) is common and
// honest. The first three signals are cheap and checked as the vote is
// cast; all five are checked by the sweep.
type Options struct {
	FastRead      time.Duration
	BurstWindow   time.Duration
	BurstVotes    int
	AddressWindow time.Duration
	AddressVoters int
	OneSidedMin   int
	OneSidedShare float64
	// Alpha is the family-wise false-alarm rate of the per-voter test.
	Alpha float64
	// MinTestVotes is how many counted votes a voter needs to be tested.
	MinTestVotes int
	Threshold    float64
}

// DefaultOptions are the documented defaults (README, ARENA_RISK_*).
var DefaultOptions = Options{
	FastRead: 3 * time.Second, BurstWindow: time.Hour, BurstVotes: 60,
	AddressWindow: 24 * time.Hour, AddressVoters: 5,
	OneSidedMin: 8, OneSidedShare: 0.9,
	Alpha: 0.05, MinTestVotes: 5, Threshold: 0.7,
}

// withDefaults fills zero fields from DefaultOptions.
func (o Options) withDefaults() Options {
	d := DefaultOptions
	if o.FastRead == 0 {
		o.FastRead = d.FastRead
	}
	if o.BurstWindow == 0 {
		o.BurstWindow = d.BurstWindow
	}
	if o.BurstVotes == 0 {
		o.BurstVotes = d.BurstVotes
	}
	if o.AddressWindow == 0 {
		o.AddressWindow = d.AddressWindow
	}
	if o.AddressVoters == 0 {
		o.AddressVoters = d.AddressVoters
	}
	if o.OneSidedMin == 0 {
		o.OneSidedMin = d.OneSidedMin
	}
	if o.OneSidedShare == 0 {
		o.OneSidedShare = d.OneSidedShare
	}
	if o.Alpha == 0 {
		o.Alpha = d.Alpha
	}
	if o.MinTestVotes == 0 {
		o.MinTestVotes = d.MinTestVotes
	}
	if o.Threshold == 0 {
		o.Threshold = d.Threshold
	}
	return o
}
