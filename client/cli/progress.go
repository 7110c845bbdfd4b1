package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progressBar draws a one-line bar on a terminal, and nothing otherwise.
type progressBar struct {
	w     io.Writer
	total int64
	label string
	on    bool
	last  time.Time
}

func newProgress(a *App, label string, total int64) *progressBar {
	on := false
	if f, ok := a.Stderr.(*os.File); ok && !a.Quiet {
		on = term.IsTerminal(int(f.Fd()))
	}
	return &progressBar{w: a.Stderr, total: total, label: label, on: on}
}

func (p *progressBar) update(done int64, lines uint64) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	pct := 0.0
	if p.total > 0 {
		pct = float64(done) / float64(p.total)
	}
	const width = 30
	n := int(pct * width)
	fmt.Fprintf(p.w, "\r%s [%s%s] %5.1f%% %d lines", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), pct*100, lines)
}

func (p *progressBar) done() {
	if p.on {
		fmt.Fprintln(p.w)
	}
}
