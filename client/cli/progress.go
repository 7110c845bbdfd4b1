package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progressBar draws one line on a terminal — bar, percentage, lines, lines per second
// and the time left — and nothing otherwise (pipes and logs get the final answer only).
type progressBar struct {
	w     io.Writer
	total int64
	label string
	on    bool
	start time.Time
	last  time.Time
	drawn bool
}

func newProgress(a *App, label string, total int64) *progressBar {
	on := false
	if f, ok := a.Stderr.(*os.File); ok && !a.Quiet {
		on = term.IsTerminal(int(f.Fd()))
	}
	return &progressBar{w: a.Stderr, total: total, label: label, on: on, start: time.Now()}
}

// line renders the progress line for done bytes and lines after elapsed.
func (p *progressBar) line(done int64, lines uint64, elapsed time.Duration) string {
	pct := 0.0
	if p.total > 0 {
		pct = min(1, float64(done)/float64(p.total))
	}
	const width = 24
	n := int(pct * width)
	rate, eta := "", ""
	if secs := elapsed.Seconds(); secs > 0.2 {
		rate = fmt.Sprintf("  %s lines/s", humanCount(float64(lines)/secs))
		if done > 0 && p.total > done {
			left := time.Duration(float64(p.total-done) / (float64(done) / secs) * float64(time.Second))
			eta = "  ETA " + clock(left)
		}
	}
	return fmt.Sprintf("%s [%s%s] %5.1f%%  %d lines%s%s", p.label, strings.Repeat("=", n), strings.Repeat(" ", width-n), pct*100, lines, rate, eta)
}

func (p *progressBar) update(done int64, lines uint64) {
	if !p.on || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r%s\033[K", p.line(done, lines, time.Since(p.start)))
	p.drawn = true
}

// clear removes the line so another message can be printed.
func (p *progressBar) clear() {
	if p != nil && p.on && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

func (p *progressBar) done() {
	if p.on && p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}

// humanCount renders 253412 as 253k.
func humanCount(x float64) string {
	switch {
	case x >= 1e6:
		return fmt.Sprintf("%.1fM", x/1e6)
	case x >= 1e4:
		return fmt.Sprintf("%.0fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// clock renders a duration as h:mm:ss or m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
