package sdkca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/pdledger/pdledger/client/ca"
)

// The token is what fabric-ca's server verifies: b64(cert) "." b64(sig) with sig an
// ECDSA-SHA256 signature, low S, over method.b64(uri).b64(body).b64(cert).
func TestGenCRL_TokenAsFabricCAVerifiesIt(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cert := []byte("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
	body := []byte(`{"caname":"ca"}`)
	half := new(big.Int).Rsh(elliptic.P256().Params().N, 1)
	for range 32 { // about half of raw signatures are high-S
		tok, err := caToken(key, cert, "POST", "/api/v1/gencrl", body)
		if err != nil {
			t.Fatal(err)
		}
		b64cert, b64sig, ok := strings.Cut(tok, ".")
		if !ok || b64cert != base64.StdEncoding.EncodeToString(cert) {
			t.Fatalf("token %q", tok)
		}
		raw, err := base64.StdEncoding.DecodeString(b64sig)
		if err != nil {
			t.Fatal(err)
		}
		var sig struct{ R, S *big.Int }
		if _, err := asn1.Unmarshal(raw, &sig); err != nil {
			t.Fatal(err)
		}
		b64 := base64.StdEncoding.EncodeToString
		digest := sha256.Sum256([]byte("POST." + b64([]byte("/api/v1/gencrl")) + "." + b64(body) + "." + b64cert))
		if !ecdsa.Verify(&key.PublicKey, digest[:], sig.R, sig.S) {
			t.Fatal("signature does not verify over the payload fabric-ca hashes")
		}
		if sig.S.Cmp(half) > 0 {
			t.Fatal("high-S signature: fabric-ca's BCCSP refuses it")
		}
	}
}

func TestWrap_CAAnswersToExitCodes(t *testing.T) {
	for msg, want := range map[string]struct {
		code int
		key  string
	}{
		"Response from server: Error Code: 20 - Authentication failure": {ca.ExitRefused, "AUTHENTICATION_FAILED"},
		"Response from server: Error Code: 71 - Authorization failure":  {ca.ExitRefused, "NOT_AUTHORIZED"},
		"Error Code: 74 - Identity 'x' is already registered":           {ca.ExitRefused, "ALREADY_REGISTERED"},
		"Error Code: 63 - Failed to get user":                           {ca.ExitRefused, "CA_REFUSED"},
		"dial tcp 127.0.0.1:1: connect: connection refused":             {ca.ExitNetwork, "CA_UNREACHABLE"},
		"x509: certificate signed by unknown authority":                 {ca.ExitNetwork, "CA_UNREACHABLE"},
		"something else entirely":                                       {ca.ExitRefused, "CA_FAILED"},
	} {
		var e *ca.Error
		if !errors.As(wrap(errors.New(msg)), &e) || e.Code != want.code || e.Key != want.key || !strings.Contains(e.Msg, " / ") {
			t.Errorf("%q → %+v, want %d %s with zh / en", msg, e, want.code, want.key)
		}
	}
	if wrap(nil) != nil {
		t.Fatal("wrap(nil)")
	}
}
