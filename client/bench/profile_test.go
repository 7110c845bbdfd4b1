package bench

import (
	"context"
	"crypto/sha256"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// TestProfileServers_ProfilesWhileLoadRuns: a server serving profiles on a socket in the
// run directory (as pdlcc does in bench mode) is profiled while the load runs; the
// profile is written and the process's CPU time over the window is counted.
func TestProfileServers_ProfilesWhileLoadRuns(t *testing.T) {
	run, out := t.TempDir(), t.TempDir()
	for _, d := range []string{"pprof", "pids"} {
		if err := os.MkdirAll(filepath.Join(run, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// a socket path short enough for the 108-byte limit, whatever TempDir gives
	sock := filepath.Join(run, "pprof", "ccaas.org1.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	defer srv.Close()
	// this test process stands for the chaincode server
	if err := os.WriteFile(filepath.Join(run, "pids", "ccaas.org1.pid"), []byte(strconv.Itoa(os.Getpid())+" pdlcc\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	busy := func() {
		sum := []byte("x")
		for end := time.Now().Add(1500 * time.Millisecond); time.Now().Before(end); {
			s := sha256.Sum256(sum)
			sum = s[:]
		}
	}
	// and a process of the network that is not a chaincode server (this one, again)
	if err := os.WriteFile(filepath.Join(run, "pids", "peer0.org1.pid"), []byte(strconv.Itoa(os.Getpid())+" peer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	prof, err := ProfileServers(context.Background(), run, out, time.Second, busy)
	if err != nil {
		t.Fatal(err)
	}
	got := prof.Servers
	if len(got) != 1 || got[0].Org != "org1" || got[0].CPUSeconds <= 0 || prof.Seconds < 1 {
		t.Fatalf("profiles: %+v", prof)
	}
	if fi, err := os.Stat(got[0].File); err != nil || fi.Size() == 0 {
		t.Fatalf("profile file %s: %v", got[0].File, err)
	}
	if len(prof.Processes) != 2 || prof.Processes[0].CPUSeconds <= 0 {
		t.Fatalf("processes: %+v", prof.Processes)
	}
	if _, err := ProfileServers(context.Background(), t.TempDir(), out, time.Second, busy); err == nil {
		t.Fatal("a run directory without profile sockets gave no error")
	}
}
