package bench

import (
	"os"
	"sort"
	"strings"

	"github.com/google/pprof/profile"
)

// PhaseShare is the fraction of a CPU profile's samples that fell in one phase of the
// work (or, in Across, that passed through one kind of computation).
type PhaseShare struct {
	Phase string  `json:"phase"`
	Share float64 `json:"share"`
}

// phaseRules are the phases of the network's work, tried in this order: a sample
// belongs to the first phase one of whose patterns a function on its stack contains.
// The order puts what a transaction costs the committer (validation, then the ledger
// write) before what reached it through gossip or deliver, and endorsement before the
// gateway that asked for it, so that each sample lands where the transaction's work is
// done rather than where the goroutine started.
var phaseRules = []struct {
	phase    string
	patterns []string
}{
	{"garbage collection", []string{"runtime.gcBgMarkWorker", "runtime.gcAssistAlloc", "runtime.bgsweep", "runtime.bgscavenge", "runtime.gcDrain"}},
	{"validation", []string{"core/committer/txvalidator", "core/common/validation", "core/handlers/validation", "/statebased.", "core/common/privdata"}},
	{"ledger commit", []string{"kvledger.(*kvLedger).commit", "kvledger.(*kvLedger).CommitLegacy", "committer.(*LedgerCommitter)", "common/ledger/blkstorage", "pvtdatastorage", "core/transientstore", "multichannel.(*BlockWriter)"}},
	{"endorsement", []string{"core/endorser.", "core/chaincode.", "core/aclmgmt"}},
	{"gateway", []string{"internal/pkg/gateway"}},
	{"gossip", []string{"fabric/gossip/"}},
	{"deliver", []string{"common/deliver.", "core/peer.(*DeliverServer)", "deliverservice", "blocksprovider"}},
	{"raft", []string{"orderer/consensus/etcdraft", "go.etcd.io/etcd"}},
	{"broadcast (ordering)", []string{"orderer/common/broadcast", "orderer/common/msgprocessor", "blockcutter"}},
	{"chaincode dispatch", []string{"fabric-contract-api-go", "fabric-chaincode-go"}},
	{"gRPC and TLS", []string{"google.golang.org/grpc", "crypto/tls", "golang.org/x/net/http2"}},
	// the supervisor's health checks and metrics scrapes
	{"operations endpoint", []string{"fabric/core/middleware", "prometheus/promhttp", "fabric/core/operations"}},
	{"Go scheduler", []string{"runtime.mcall", "runtime.schedule", "runtime.findRunnable", "runtime.park_m", "runtime.gosched_m"}},
}

// contractPrefix names the chaincode's contract methods: a chaincode server's samples
// under one are that method's ("Logs.Append"), whatever else is on the stack.
const contractPrefix = "github.com/pdledger/pdledger/chaincode/contracts.(*"

// acrossRules are kinds of computation that cut across the phases.
var acrossRules = []struct {
	phase    string
	patterns []string
}{
	{"signature verification (ECDSA, SM2)", []string{"crypto/ecdsa.Verify", "crypto/ecdsa.verify", "ecdsa.VerifyASN1", "sm2.Verify", "sm2.(*PublicKey).Verify", "gm.Verify", "gm.(*PublicKey).Verify"}},
	{"signing (ECDSA, SM2)", []string{"crypto/ecdsa.Sign", "crypto/ecdsa.sign", "sm2.Sign", "gm.(*PrivateKey).Sign"}},
	{"hashing (SHA-2, SM3)", []string{"crypto/sha256", "crypto/sha512", "sm3."}},
	{"protobuf", []string{"google.golang.org/protobuf", "github.com/golang/protobuf"}},
	{"JSON", []string{"encoding/json"}},
	{"LevelDB", []string{"goleveldb"}},
}

// Phases reads a CPU profile and gives its samples' shares by phase (largest first)
// followed by the shares across phases, each marked with a leading "across: ".
// Shares within the phases sum to 1; "other" holds what no rule names.
func Phases(file string) ([]PhaseShare, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	p, err := profile.Parse(f)
	if err != nil {
		return nil, err
	}
	return phasesOf(p), nil
}

func phasesOf(p *profile.Profile) []PhaseShare {
	vi := len(p.SampleType) - 1 // cpu nanoseconds in a CPU profile, the count otherwise
	byPhase, across := map[string]int64{}, map[string]int64{}
	var total int64
	for _, s := range p.Sample {
		if vi < 0 || vi >= len(s.Value) {
			continue
		}
		v := s.Value[vi]
		total += v
		funcs := stackRootFirst(s)
		byPhase[phaseOf(funcs)] += v
		for _, r := range acrossRules {
			if anyContains(funcs, r.patterns) {
				across[r.phase] += v
			}
		}
	}
	if total == 0 {
		return nil
	}
	out := sharesOf(byPhase, total, "")
	return append(out, sharesOf(across, total, "across: ")...)
}

func sharesOf(m map[string]int64, total int64, prefix string) []PhaseShare {
	out := make([]PhaseShare, 0, len(m))
	for k, v := range m {
		out = append(out, PhaseShare{Phase: prefix + k, Share: float64(v) / float64(total)})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Share > out[j].Share || out[i].Share == out[j].Share && out[i].Phase < out[j].Phase
	})
	return out
}

// stackRootFirst lists a sample's function names from the goroutine's entry to the
// leaf, inlined calls included.
func stackRootFirst(s *profile.Sample) []string {
	var out []string
	for i := len(s.Location) - 1; i >= 0; i-- {
		ls := s.Location[i].Line
		for j := len(ls) - 1; j >= 0; j-- { // a location's last line is its outermost inlined call
			if ls[j].Function != nil {
				out = append(out, ls[j].Function.Name)
			}
		}
	}
	return out
}

func phaseOf(rootFirst []string) string {
	for _, r := range phaseRules[:1] { // collection work is collection wherever it is charged
		if anyContains(rootFirst, r.patterns) {
			return r.phase
		}
	}
	for _, fn := range rootFirst {
		m, ok := strings.CutPrefix(fn, contractPrefix)
		typ, method, isMethod := strings.Cut(m, "Contract).")
		if ok && isMethod {
			// "LogsContract).Append" → "Logs.Append"; "Append.func1" is Append's too
			return "contract " + typ + "." + strings.SplitN(method, ".", 2)[0]
		}
	}
	for _, r := range phaseRules[1:] {
		if anyContains(rootFirst, r.patterns) {
			return r.phase
		}
	}
	return "other"
}

func anyContains(funcs, patterns []string) bool {
	for _, fn := range funcs {
		for _, p := range patterns {
			if strings.Contains(fn, p) {
				return true
			}
		}
	}
	return false
}
