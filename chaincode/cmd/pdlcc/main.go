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
	"os"

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
	log.Printf("pdlcc: serving %s on %s (org %s): %s", os.Getenv("CORE_CHAINCODE_ID_NAME"), os.Getenv("CHAINCODE_SERVER_ADDRESS"), os.Getenv("PDL_ORG"), settings)
	if err := cc.Start(); err != nil {
		log.Fatalf("pdlcc: %v", err)
	}
}
