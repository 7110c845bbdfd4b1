package bench

import (
	"bytes"
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
// run directory (as pdlcc does in bench mode) and one at an address announced there (as
// peers and orderers do) are profiled while the load runs; the profiles are written and
// summarised, and each process's CPU time over the window is counted.
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
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// one process can run one CPU profile: the "peer" answers a recorded one
	var recorded bytes.Buffer
	if err := synthetic(map[string][]string{"s": {"runtime.goexit", "github.com/hyperledger/fabric/core/endorser.(*Endorser).ProcessProposal"}}, map[string]int64{"s": 7}).Write(&recorded); err != nil {
		t.Fatal(err)
	}
	srv2 := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/debug/pprof/profile" {
			http.NotFound(w, r)
			return
		}
		time.Sleep(time.Second)
		w.Write(recorded.Bytes())
	})}
	go srv2.Serve(tcp)
	defer srv2.Close()
	if err := os.WriteFile(filepath.Join(run, "pprof", "peer0.org1.addr"), []byte(tcp.Addr().String()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
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
	got := prof.Profiled
	if len(got) != 2 || prof.Seconds < 1 {
		t.Fatalf("profiles: %+v", prof)
	}
	names := map[string]bool{}
	for _, g := range got {
		names[g.Process] = true
		if g.CPUSeconds <= 0 || len(g.Phases) == 0 {
			t.Fatalf("%s: %+v", g.Process, g)
		}
		if fi, err := os.Stat(g.File); err != nil || fi.Size() == 0 || filepath.Base(g.File) != g.Process+".cpu.pprof" {
			t.Fatalf("profile file %s: %v", g.File, err)
		}
	}
	for _, g := range got {
		if g.Process == "peer0.org1" && (g.Phases[0].Phase != "endorsement" || g.Phases[0].Share != 1) {
			t.Fatalf("the recorded profile is all endorsement: %+v", g.Phases)
		}
	}
	if !names["ccaas.org1"] || !names["peer0.org1"] {
		t.Fatalf("profiled %v", names)
	}
	if len(prof.Processes) != 2 || prof.Processes[0].CPUSeconds <= 0 {
		t.Fatalf("processes: %+v", prof.Processes)
	}
	if _, err := ProfileServers(context.Background(), t.TempDir(), out, time.Second, busy); err == nil {
		t.Fatal("a run directory without profile sockets gave no error")
	}
}
