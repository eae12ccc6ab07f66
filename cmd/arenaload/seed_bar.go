package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
)

// seedBar is the seed's progress bar on a terminal and nothing elsewhere,
// so that logs and pipes keep only the progress lines.
type seedBar struct{ bar *progressbar.ProgressBar }

func newSeedBar(w io.Writer, total int) seedBar {
	f, ok := w.(*os.File)
	if !ok {
		return seedBar{}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return seedBar{}
	}
	return seedBar{bar: progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("votes"), progressbar.OptionShowCount(), progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("votes"), progressbar.OptionThrottle(200_000_000), progressbar.OptionClearOnFinish())}
}

func (b seedBar) add(n int) {
	if b.bar != nil {
		_ = b.bar.Add(n)
	}
}

func (b seedBar) finish() {
	if b.bar != nil {
		_ = b.bar.Finish()
	}
}
