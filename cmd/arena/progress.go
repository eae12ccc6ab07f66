package main

import (
	"io"
	"os"

	"github.com/schollz/progressbar/v3"
)

// progress is a bar on a terminal and nothing elsewhere, so logs and pipes
// stay clean.
type progress struct{ bar *progressbar.ProgressBar }

func newProgress(w io.Writer, total int, what string) progress {
	f, ok := w.(*os.File)
	if !ok {
		return progress{}
	}
	if st, err := f.Stat(); err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return progress{}
	}
	return progress{bar: progressbar.NewOptions(total, progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what), progressbar.OptionShowCount(), progressbar.OptionClearOnFinish())}
}

func (p progress) step() {
	if p.bar != nil {
		p.bar.Add(1)
	}
}

func (p progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
