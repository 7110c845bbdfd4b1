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

// ServerProfile is one chaincode server's share of a profiled run: the CPU time its
// process used over the run and where its CPU profile was written.
type ServerProfile struct {
	Org        string  `json:"org"`
	CPUSeconds float64 `json:"cpuSeconds"`
	File       string  `json:"profile"`
}

// ProcessCPU is the CPU time one of the network's processes used over a profiled run.
type ProcessCPU struct {
	Name       string  `json:"name"`
	CPUSeconds float64 `json:"cpuSeconds"`
}

// Profile is where a load's CPU went: the chaincode servers with their profiles, and every
// process of the network (peers, orderers, chaincode servers, explorer, supervisor), each
// busiest first, over Seconds of wall time.
type Profile struct {
	Seconds   float64         `json:"seconds"`
	Servers   []ServerProfile `json:"chaincodeServers"`
	Processes []ProcessCPU    `json:"processes"`
}

// ProfileServers runs load while taking a CPU profile of d from every chaincode server
// that serves profiles on a socket <run>/pprof/ccaas.<org>.sock (in bench mode), and
// measures the CPU time of every process with a pid file in <run>/pids over the same
// window (/proc, Linux). The profiles go to outDir as ccaas-<org>.cpu.pprof.
func ProfileServers(ctx context.Context, run, outDir string, d time.Duration, load func()) (*Profile, error) {
	socks, err := filepath.Glob(filepath.Join(run, "pprof", "ccaas.*.sock"))
	if err != nil || len(socks) == 0 {
		return nil, fmt.Errorf("no chaincode server serves profiles in %s (pdlnet bench on starts them so)", filepath.Join(run, "pprof"))
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return nil, err
	}
	out := make([]ServerProfile, len(socks))
	procs := processTimes(run)
	for i, s := range socks {
		// the socket is named as the server's process: ccaas.<org>.sock beside pids/ccaas.<org>.pid
		proc := strings.TrimSuffix(filepath.Base(s), ".sock")
		if _, ok := procs[proc]; !ok {
			return nil, fmt.Errorf("%s: no live process with the pid file %s", s, filepath.Join(run, "pids", proc+".pid"))
		}
		org := strings.TrimPrefix(proc, "ccaas.")
		out[i] = ServerProfile{Org: org, File: filepath.Join(outDir, "ccaas-"+org+".cpu.pprof")}
	}
	errs := make(chan error, len(socks))
	start := time.Now()
	for i, s := range socks {
		go func() { errs <- fetchProfile(ctx, s, d, out[i].File) }()
	}
	load()
	var first error
	for range socks {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		return nil, first
	}
	after := processTimes(run)
	for i := range out {
		proc := "ccaas." + out[i].Org
		out[i].CPUSeconds = after[proc] - procs[proc]
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].CPUSeconds > out[b].CPUSeconds })
	prof := &Profile{Seconds: time.Since(start).Seconds(), Servers: out}
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

func fetchProfile(ctx context.Context, sock string, d time.Duration, file string) error {
	hc := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, "unix", sock)
	}}}
	req, err := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("http://pdlcc/debug/pprof/profile?seconds=%d", int(d.Seconds())), nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("profile from %s: %w", sock, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("profile from %s: %s %s", sock, resp.Status, b)
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
