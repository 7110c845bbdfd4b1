package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ProcessProfile is one profiled process's share of a run: the CPU time it used over the
// run, where its CPU profile was written, and where in its code the samples fell.
type ProcessProfile struct {
	Process    string  `json:"process"` // as its pid file is named: ccaas.bureau, peer0.bureau, orderer0
	CPUSeconds float64 `json:"cpuSeconds"`
	File       string  `json:"profile"`
	// Phases is the profile's samples by phase of the work (see Phases), largest first.
	Phases []PhaseShare `json:"phases,omitempty"`
}

// ProcessCPU is the CPU time one of the network's processes used over a profiled run.
type ProcessCPU struct {
	Name       string  `json:"name"`
	CPUSeconds float64 `json:"cpuSeconds"`
}

// Profile is where a load's CPU went: the processes that serve profiles with their
// profiles, and every process of the network (peers, orderers, chaincode servers,
// explorer, supervisor), each busiest first, over Seconds of wall time.
type Profile struct {
	Seconds   float64          `json:"seconds"`
	Profiled  []ProcessProfile `json:"profiled"`
	Processes []ProcessCPU     `json:"processes"`
}

// profileSource is a process that serves Go's profiles: over a Unix socket
// <run>/pprof/<process>.sock (the chaincode servers), or at the TCP address written in
// <run>/pprof/<process>.addr (peers and orderers, on their loopback).
type profileSource struct {
	process, network, addr string
}

func profileSources(run string) ([]profileSource, error) {
	var out []profileSource
	socks, _ := filepath.Glob(filepath.Join(run, "pprof", "*.sock"))
	for _, s := range socks {
		out = append(out, profileSource{process: strings.TrimSuffix(filepath.Base(s), ".sock"), network: "unix", addr: s})
	}
	addrs, _ := filepath.Glob(filepath.Join(run, "pprof", "*.addr"))
	for _, a := range addrs {
		raw, err := os.ReadFile(a)
		if err != nil {
			return nil, err
		}
		out = append(out, profileSource{process: strings.TrimSuffix(filepath.Base(a), ".addr"), network: "tcp", addr: strings.TrimSpace(string(raw))})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no process serves profiles in %s (pdlnet bench on starts them so)", filepath.Join(run, "pprof"))
	}
	return out, nil
}

// ProfileServers runs load while taking a CPU profile of d from every process that serves
// profiles in bench mode (see profileSources), and measures the CPU time of every process
// with a pid file in <run>/pids over the same window (/proc, Linux). The profiles go to
// outDir as <process>.cpu.pprof, each summarised by phase.
func ProfileServers(ctx context.Context, run, outDir string, d time.Duration, load func()) (*Profile, error) {
	srcs, err := profileSources(run)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	out := make([]ProcessProfile, len(srcs))
	procs := processTimes(run)
	for i, s := range srcs {
		if _, ok := procs[s.process]; !ok {
			return nil, fmt.Errorf("%s: no live process with the pid file %s", s.addr, filepath.Join(run, "pids", s.process+".pid"))
		}
		out[i] = ProcessProfile{Process: s.process, File: filepath.Join(outDir, s.process+".cpu.pprof")}
	}
	errs := make(chan error, len(srcs))
	start := time.Now()
	for i, s := range srcs {
		go func() { errs <- fetchProfile(ctx, s, d, out[i].File) }()
	}
	load()
	var first error
	for range srcs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	after := processTimes(run)
	for i := range out {
		out[i].CPUSeconds = after[out[i].Process] - procs[out[i].Process]
		if out[i].Phases, err = Phases(out[i].File); err != nil {
			return nil, fmt.Errorf("%s: %w", out[i].File, err)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].CPUSeconds > out[b].CPUSeconds })
	prof := &Profile{Seconds: time.Since(start).Seconds(), Profiled: out}
	for name, t := range after {
		if before, ok := procs[name]; ok {
			prof.Processes = append(prof.Processes, ProcessCPU{Name: name, CPUSeconds: t - before})
		}
	}
	sort.Slice(prof.Processes, func(a, b int) bool {
		pa, pb := prof.Processes[a], prof.Processes[b]
		return pa.CPUSeconds > pb.CPUSeconds || pa.CPUSeconds == pb.CPUSeconds && pa.Name < pb.Name
	})
	return prof, nil
}

// processTimes is the CPU time so far of every live process with a pid file in <run>/pids,
// by the pid file's name (peer0.bureau, orderer1, ccaas.operator, explorer...).
func processTimes(run string) map[string]float64 {
	out := map[string]float64{}
	files, _ := filepath.Glob(filepath.Join(run, "pids", "*.pid"))
	for _, f := range files {
		pid, err := pidOf(f)
		if err != nil {
			continue
		}
		if t, err := cpuSeconds(pid); err == nil {
			out[strings.TrimSuffix(filepath.Base(f), ".pid")] = t
		}
	}
	return out
}

func fetchProfile(ctx context.Context, src profileSource, d time.Duration, file string) error {
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, src.network, src.addr)
	}}}
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", src.process, int(d.Seconds())), nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("profile of %s from %s: %w", src.process, src.addr, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("profile of %s from %s: %s %s", src.process, src.addr, resp.Status, b)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func pidOf(pidFile string) (int, error) {
	raw, err := os.ReadFile(pidFile)
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(raw))
	if len(f) == 0 {
		return 0, fmt.Errorf("%s: empty", pidFile)
	}
	return strconv.Atoi(f[0])
}

// cpuSeconds is the user and system CPU time process pid has used (Linux /proc).
func cpuSeconds(pid int) (float64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// the command name (field 2) may hold spaces: count fields after its ')'
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", pid, len(f))
	}
	utime, err1 := strconv.ParseFloat(f[11], 64)
	stime, err2 := strconv.ParseFloat(f[12], 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: bad times", pid)
	}
	return (utime + stime) / clockTicks, nil
}

// clockTicks is USER_HZ, 100 on every Linux Go supports.
const clockTicks = 100
