package network

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// EvidenceKeep is how many evidence directories KeepEvidence leaves under reports/.
const EvidenceKeep = 10

// EvidenceDir is where failure evidence goes: reports/ at the repository root, outside the
// run directory, so `make down` (which removes .run/) leaves it alone. git ignores it.
func (l Layout) EvidenceDir() string { return filepath.Join(l.Root, "reports") }

// KeepEvidence copies what explains a failure to dir (created if needed; "" means a new
// reports/<UTC time>-<reason>/): the network's status report, every process log, the run
// state, the supervisor's record and the run's reports, plus the given extra files. It
// works on a half-dead or stopped run (whatever exists is copied) and returns the
// directory. Older evidence directories beyond EvidenceKeep are removed.
func (n *Net) KeepEvidence(dir, reason string, extra ...string) (string, error) {
	if dir == "" {
		dir = filepath.Join(n.L.EvidenceDir(), time.Now().UTC().Format("20060102T150405Z")+"-"+sanitize(reason))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var errs []error
	if _, err := os.Stat(n.L.Run); err == nil {
		rep, _ := n.Report()
		if st, err := n.LoadSupervisorStatus(); err == nil {
			for _, e := range st.Events {
				rep += fmt.Sprintf("supervisor %s %s %s: %s\n", e.Time.Format(time.RFC3339), strings.ToUpper(e.Kind), e.Node, e.Detail)
			}
		}
		errs = append(errs, os.WriteFile(filepath.Join(dir, "status.txt"), []byte(rep), 0o644))
		for _, sub := range []string{"logs", "reports"} {
			errs = append(errs, copyTree(filepath.Join(n.L.Run, sub), filepath.Join(dir, "network", sub)))
		}
		for _, f := range []string{"state.json", "supervisor.json"} {
			errs = append(errs, copyFile(filepath.Join(n.L.Run, f), filepath.Join(dir, "network", f)))
		}
	} else {
		errs = append(errs, os.WriteFile(filepath.Join(dir, "status.txt"), []byte("no run directory "+n.L.Run+"\n"), 0o644))
	}
	for _, f := range extra {
		errs = append(errs, copyFile(f, filepath.Join(dir, filepath.Base(f))))
	}
	pruneEvidence(filepath.Dir(dir), EvidenceKeep)
	return dir, errors.Join(errs...)
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '-'
	}, s)
}

var evidenceTime = regexp.MustCompile(`[0-9]{8}T[0-9]{6}Z`)

// pruneEvidence keeps the newest keep directories whose names carry a UTC time
// (reports/<time>-make-up, reports/test-<time>); other directories are left alone.
func pruneEvidence(root string, keep int) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return
	}
	type dir struct{ name, at string }
	var dirs []dir
	for _, e := range ents {
		if at := evidenceTime.FindString(e.Name()); e.IsDir() && at != "" {
			dirs = append(dirs, dir{e.Name(), at})
		}
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i].at < dirs[j].at })
	for len(dirs) > keep {
		_ = os.RemoveAll(filepath.Join(root, dirs[0].name))
		dirs = dirs[1:]
	}
}

// copyTree copies a directory's regular files; a missing source is not an error.
func copyTree(src, dst string) error {
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		return copyFile(path, filepath.Join(dst, rel))
	})
}

// copyFile copies one file; a missing source is not an error.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer in.Close()
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
