// Command pdlcc is the PDLedger chaincode server (chaincode as a service). Each org runs
// its own: the peer dials it at the address in the org's package. Configuration comes
// from the environment: CORE_CHAINCODE_ID_NAME (package id), CHAINCODE_SERVER_ADDRESS,
// and with CORE_PEER_TLS_ENABLED=true the TLS pair in CORE_TLS_CLIENT_{CERT,KEY}_FILE and
// the peers' CA in CORE_PEER_TLS_ROOTCERT_FILE. The org's own settings (time window,
// replay, bench, bootstrap admin, channel orgs) come from PDL_* variables: see
// contracts.SettingsFromEnv.
package main

import (
	"log"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strconv"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/pdledger/pdledger/chaincode/contracts"
)

func main() {
	if os.Getenv("CORE_CHAINCODE_ID_NAME") == "" || os.Getenv("CHAINCODE_SERVER_ADDRESS") == "" {
		log.Fatal("pdlcc: set CORE_CHAINCODE_ID_NAME (the package id) and CHAINCODE_SERVER_ADDRESS (host:port)")
	}
	settings, err := contracts.SettingsFromEnv(os.Getenv)
	if err != nil {
		log.Fatalf("pdlcc: %v", err)
	}
	contracts.Configure(settings)
	cc, err := contracts.New()
	if err != nil {
		log.Fatalf("pdlcc: %v", err)
	}
	if sock := os.Getenv("PDL_PPROF_SOCKET"); sock != "" {
		servePprof(sock)
	}
	log.Printf("pdlcc: serving %s on %s (org %s): %s", os.Getenv("CORE_CHAINCODE_ID_NAME"), os.Getenv("CHAINCODE_SERVER_ADDRESS"), os.Getenv("PDL_ORG"), settings)
	if err := serve(cc); err != nil {
		log.Fatalf("pdlcc: %v", err)
	}
}

// serve serves the chaincode as contract-api's Start does (the same variables, the same
// TLS), but through contracts.BenchServed, which answers the plain-put baseline before
// contract-api sees the call — and refuses it with a stable code off bench mode, where
// contract-api would only say it does not know the function.
func serve(cc *contractapi.ContractChaincode) error {
	tls := shim.TLSProperties{Disabled: true}
	if on, _ := strconv.ParseBool(os.Getenv("CORE_PEER_TLS_ENABLED")); on {
		key, err := os.ReadFile(os.Getenv("CORE_TLS_CLIENT_KEY_FILE"))
		if err != nil {
			return err
		}
		cert, err := os.ReadFile(os.Getenv("CORE_TLS_CLIENT_CERT_FILE"))
		if err != nil {
			return err
		}
		tls = shim.TLSProperties{Key: key, Cert: cert}
		if root := os.Getenv("CORE_PEER_TLS_ROOTCERT_FILE"); root != "" {
			if tls.ClientCACerts, err = os.ReadFile(root); err != nil {
				return err
			}
		}
	}
	server := &shim.ChaincodeServer{CCID: os.Getenv("CORE_CHAINCODE_ID_NAME"), Address: os.Getenv("CHAINCODE_SERVER_ADDRESS"),
		CC: contracts.BenchServed(cc), TLSProps: tls}
	return server.Start()
}

// servePprof serves Go's profiles on a Unix socket (pdlnet sets PDL_PPROF_SOCKET in bench
// mode only): pdl bench profiles the chaincode servers at the load's peak. A socket in
// the run directory, not a port: only the machine's owner of that directory reaches it.
func servePprof(path string) {
	_ = os.Remove(path) // a socket a killed server left behind
	ln, err := net.Listen("unix", path)
	if err != nil {
		log.Printf("pdlcc: no profiles (%v)", err)
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() { log.Printf("pdlcc: profiles: %v", http.Serve(ln, mux)) }()
	log.Printf("pdlcc: profiles on %s", path)
}
