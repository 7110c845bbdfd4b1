// Package sdkca is pdl-ca's engine: fabric-sdk-go's msp client against an organization's
// fabric-ca-server (its "ca" instance for enrollment certificates, "tlsca" for TLS client
// certificates). fabric-sdk-go registers the same protobuf names as fabric-gateway and
// contract-api v2, so this package must never be linked into pdl, pdlnet, the explorer or
// the chaincode server (TestLinking_SDKOnlyInPdlCA checks).
package sdkca

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/msp"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/config"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/logging/api"
	"github.com/hyperledger/fabric-sdk-go/pkg/core/logging/modlog"
	"github.com/hyperledger/fabric-sdk-go/pkg/fabsdk"

	"github.com/pdledger/pdledger/client/ca"
)

// CA is one organization's certificate authority as a registrar or a person reaches it.
type CA struct {
	Info *ca.Info
	// Registrar and RegistrarSecret override the org's registrar (tests of a wrong one).
	Registrar, RegistrarSecret string
}

func init() {
	// The SDK logs every retry and missing channel section at warning level to stderr;
	// pdl-ca reports errors itself.
	modlog.InitLogger(quiet{})
}

type quiet struct{}

func (quiet) GetLogger(string) api.Logger { return nopLogger{} }

type nopLogger struct{}

func (nopLogger) Fatal(v ...any)            { panic(fmt.Sprint(v...)) }
func (nopLogger) Fatalf(f string, v ...any) { panic(fmt.Sprintf(f, v...)) }
func (nopLogger) Fatalln(v ...any)          { panic(fmt.Sprint(v...)) }
func (nopLogger) Panic(v ...any)            { panic(fmt.Sprint(v...)) }
func (nopLogger) Panicf(f string, v ...any) { panic(fmt.Sprintf(f, v...)) }
func (nopLogger) Panicln(v ...any)          { panic(fmt.Sprint(v...)) }
func (nopLogger) Print(...any)              {}
func (nopLogger) Printf(string, ...any)     {}
func (nopLogger) Println(...any)            {}
func (nopLogger) Debug(...any)              {}
func (nopLogger) Debugf(string, ...any)     {}
func (nopLogger) Debugln(...any)            {}
func (nopLogger) Info(...any)               {}
func (nopLogger) Infof(string, ...any)      {}
func (nopLogger) Infoln(...any)             {}
func (nopLogger) Warn(...any)               {}
func (nopLogger) Warnf(string, ...any)      {}
func (nopLogger) Warnln(...any)             {}
func (nopLogger) Error(...any)              {}
func (nopLogger) Errorf(string, ...any)     {}
func (nopLogger) Errorln(...any)            {}

// session is one SDK instance with its own credential and key stores.
type session struct {
	sdk   *fabsdk.FabricSDK
	org   string
	store string // the credential and key stores' directory
	temp  string // a store to remove at close
}

func (s *session) close() {
	s.sdk.Close()
	if s.temp != "" {
		_ = os.RemoveAll(s.temp)
	}
}

// client returns the msp client of one CA instance.
func (s *session) client(instance string) (*msp.Client, error) {
	c, err := msp.New(s.sdk.Context(), msp.WithOrg(s.org), msp.WithCAInstance(instance))
	if err != nil {
		return nil, wrap(err)
	}
	return c, nil
}

// open builds an SDK session whose stores live in store (created 0700).
func (c *CA) open(store string) (*session, error) {
	if err := os.MkdirAll(store, 0o700); err != nil {
		return nil, err
	}
	registrar, secret := c.Registrar, c.RegistrarSecret
	if registrar == "" {
		registrar = c.Info.Registrar
		raw, err := os.ReadFile(c.Info.RegistrarSecretFile)
		if err != nil {
			return nil, &ca.Error{Code: ca.ExitUsage, Key: "NO_REGISTRAR_SECRET",
				Msg: fmt.Sprintf("读不到登记员口令 / cannot read the registrar's secret: %v", err)}
		}
		secret = strings.TrimSpace(string(raw))
	}
	org := strings.ToLower(c.Info.Org)
	var b strings.Builder
	w := func(f string, a ...any) { fmt.Fprintf(&b, f+"\n", a...) }
	w("version: 1.0.0")
	w("client:\n  organization: %s\n  logging:\n    level: error", org)
	w("  credentialStore:\n    path: %q\n    cryptoStore:\n      path: %q", filepath.Join(store, "state"), filepath.Join(store, "msp"))
	w("  BCCSP:\n    security:\n      enabled: true\n      default:\n        provider: SW\n      hashAlgorithm: SHA2\n      softVerify: true\n      level: 256")
	w("organizations:\n  %s:\n    mspid: %s\n    cryptoPath: %q\n    certificateAuthorities: [%s, %s]", org, c.Info.MSPID, filepath.Join(store, "msp"), c.Info.CAName, c.Info.TLSCAName)
	w("certificateAuthorities:")
	for _, inst := range []string{c.Info.CAName, c.Info.TLSCAName} {
		w("  %s:\n    url: %q\n    caName: %s\n    tlsCACerts:\n      path: %q", inst, c.Info.URL, inst, c.Info.TLSRootCert)
		w("    registrar:\n      enrollId: %q\n      enrollSecret: %q", registrar, secret)
	}
	sdk, err := fabsdk.New(config.FromRaw([]byte(b.String()), "yaml"))
	if err != nil {
		return nil, wrap(err)
	}
	return &session{sdk: sdk, org: org, store: store}, nil
}

// wrap turns an SDK error into pdl-ca's error family: the CA's refusals (its responses
// carry "Error Code: N") exit 1, an unreachable CA exits 3.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := err.(*ca.Error); ok {
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Error Code: 20"), strings.Contains(msg, "Authentication failure"):
		return &ca.Error{Code: ca.ExitRefused, Key: "AUTHENTICATION_FAILED", Msg: "证书颁发机构拒绝了身份或口令 / the CA refused the identity or secret: " + msg}
	case strings.Contains(msg, "Error Code: 71"), strings.Contains(msg, "Authorization failure"), strings.Contains(msg, "not authorized"):
		return &ca.Error{Code: ca.ExitRefused, Key: "NOT_AUTHORIZED", Msg: "调用者无权执行此操作 / the caller may not do this: " + msg}
	case strings.Contains(msg, "is already registered"):
		return &ca.Error{Code: ca.ExitRefused, Key: "ALREADY_REGISTERED", Msg: "该身份已登记 / the identity is registered already: " + msg}
	case strings.Contains(msg, "Error Code:"):
		return &ca.Error{Code: ca.ExitRefused, Key: "CA_REFUSED", Msg: "证书颁发机构拒绝 / the CA refused: " + msg}
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"), strings.Contains(msg, "i/o timeout"),
		strings.Contains(msg, "dial tcp"), strings.Contains(msg, "certificate signed by unknown authority"), strings.Contains(msg, "x509:"):
		return &ca.Error{Code: ca.ExitNetwork, Key: "CA_UNREACHABLE", Msg: "无法连接证书颁发机构 / cannot reach the CA: " + msg}
	}
	return &ca.Error{Code: ca.ExitRefused, Key: "CA_FAILED", Msg: "证书颁发机构操作失败 / the CA operation failed: " + msg}
}
