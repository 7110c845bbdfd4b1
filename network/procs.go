package network

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc is a process the network scripts started, known by name and pid file.
type Proc struct {
	Name string
	Pid  int
	Exe  string
}

// StartProc starts a detached process (own session, so it outlives `make up`) with its
// output appended to the run directory's log, and records its pid.
func StartProc(l Layout, name, exe string, args, env []string) (*Proc, error) {
	return StartProcIn(l, "", name, exe, args, env)
}

// StartProcIn is StartProc inside the Linux network namespace netns ("": the caller's),
// through `ip netns exec`, which enters it and execs exe in place: the recorded pid is
// exe's. It returns once the pid runs exe, so Alive never sees the launcher.
func StartProcIn(l Layout, netns, name, exe string, args, env []string) (*Proc, error) {
	prog := exe
	if netns != "" {
		if _, err := os.Stat(filepath.Join("/run/netns", netns)); err != nil {
			return nil, fmt.Errorf("start %s: network namespace %q (its org's netns in the topology) does not exist; create it with ip netns add, or remove netns from the topology", name, netns)
		}
		ip, err := exec.LookPath("ip")
		if err != nil {
			return nil, fmt.Errorf("start %s in network namespace %q: %w", name, netns, err)
		}
		args = append([]string{"netns", "exec", netns, exe}, args...)
		exe = ip
	}
	for _, d := range []string{filepath.Dir(l.LogFile(name)), filepath.Dir(l.PidFile(name))} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, err
		}
	}
	logf, err := os.OpenFile(l.LogFile(name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	fmt.Fprintf(logf, "\n=== %s start %s\n", name, time.Now().Format(time.RFC3339))
	cmd := exec.Command(exe, args...)
	cmd.Env = append(baseEnv(), env...)
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.Dir = l.Run
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &Proc{Name: name, Pid: cmd.Process.Pid, Exe: prog}
	exited := make(chan struct{})
	// Reap the child if we are still around when it exits; a detached child of an exited
	// parent is reaped by init.
	go func() { _ = cmd.Wait(); close(exited) }()
	if netns != "" {
		if err := waitExec(p, exited); err != nil {
			return nil, fmt.Errorf("start %s in network namespace %q: %w (see %s)", name, netns, err, l.LogFile(name))
		}
	}
	if err := os.WriteFile(l.PidFile(name), []byte(fmt.Sprintf("%d %s\n", p.Pid, p.Exe)), 0o644); err != nil {
		return nil, err
	}
	return p, nil
}

// waitExec waits until p's pid runs p.Exe (ip netns exec has exec'd it).
func waitExec(p *Proc, exited <-chan struct{}) error {
	deadline := time.Now().Add(5 * time.Second)
	for {
		select {
		case <-exited:
			return errors.New("ip netns exec exited")
		default:
		}
		if exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.Pid)); err == nil && filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == filepath.Base(p.Exe) {
			return nil
		}
		if time.Now().After(deadline) {
			return errors.New("ip netns exec did not exec the program within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// baseEnv keeps only what a node needs from the caller's environment, so a stray
// CORE_PEER_TLS_ENABLED or FABRIC_CFG_PATH in the shell cannot change a node.
func baseEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "PATH", "HOME", "USER", "TMPDIR", "LANG", "GOCOVERDIR":
			out = append(out, kv)
		}
	}
	return out
}

// ReadProc loads a pid file. A missing file is (nil, nil).
func ReadProc(l Layout, name string) (*Proc, error) {
	raw, err := os.ReadFile(l.PidFile(name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	f := strings.Fields(string(raw))
	if len(f) < 1 {
		return nil, fmt.Errorf("%s: empty pid file", l.PidFile(name))
	}
	pid, err := strconv.Atoi(f[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.PidFile(name), err)
	}
	p := &Proc{Name: name, Pid: pid}
	if len(f) > 1 {
		p.Exe = f[1]
	}
	return p, nil
}

// ListProcs returns every process with a pid file, sorted by name.
func ListProcs(l Layout) ([]*Proc, error) {
	ents, err := os.ReadDir(filepath.Dir(l.PidFile("x")))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []*Proc
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".pid")
		if !ok {
			continue
		}
		p, err := ReadProc(l, name)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Alive reports whether the pid still runs the executable we started (a recycled pid
// belonging to another program does not count).
func (p *Proc) Alive() bool {
	if p == nil || p.Pid <= 0 {
		return false
	}
	if err := syscall.Kill(p.Pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.Pid))
	if err == nil {
		// state is the field after the parenthesised command name; Z = zombie.
		if i := strings.LastIndexByte(string(stat), ')'); i > 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return false
		}
	}
	if p.Exe == "" {
		return true
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", p.Pid))
	if err != nil {
		return true // cannot tell; assume ours
	}
	exe = strings.TrimSuffix(exe, " (deleted)")
	return exe == p.Exe || filepath.Base(exe) == filepath.Base(p.Exe)
}

// Signal sends sig to the process (and its process group).
func (p *Proc) Signal(sig syscall.Signal) error {
	if !p.Alive() {
		return nil
	}
	// The process leads its own session (Setsid), so its group id is its pid: signal the
	// group to reach any children too. ESRCH means it is already gone.
	err := syscall.Kill(-p.Pid, sig)
	if err == syscall.ESRCH {
		err = syscall.Kill(p.Pid, sig)
	}
	if err == syscall.ESRCH {
		return nil
	}
	return err
}

// Stop terminates the process: SIGTERM, then SIGKILL after grace.
func (p *Proc) Stop(grace time.Duration) {
	if !p.Alive() {
		return
	}
	_ = p.Signal(syscall.SIGTERM)
	deadline := time.Now().Add(grace)
	for time.Now().Before(deadline) {
		if !p.Alive() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = p.Signal(syscall.SIGKILL)
	for i := 0; i < 100 && p.Alive(); i++ {
		time.Sleep(20 * time.Millisecond)
	}
}

// PortFree reports whether nothing listens on addr.
func PortFree(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return true
	}
	c.Close()
	return false
}

// WaitPortsFree waits until every address is free.
func WaitPortsFree(addrs []string, timeout time.Duration) []string {
	deadline := time.Now().Add(timeout)
	for {
		var busy []string
		for _, a := range addrs {
			if !PortFree(a) {
				busy = append(busy, a)
			}
		}
		if len(busy) == 0 || time.Now().After(deadline) {
			return busy
		}
		time.Sleep(100 * time.Millisecond)
	}
}
