package sdkca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/msp"
)

// GenCRL asks the org's CA for its current CRL (every unexpired revoked certificate) and
// writes it where Revoke does, for pdlnet crl: a CRL is valid for a year, so an org
// renews it before then even when nobody was revoked. fabric-sdk-go's msp client has no
// gencrl call; this one signs fabric-ca's token (method, URI, body and certificate,
// ECDSA-SHA256, low S) with the registrar's enrollment from the SDK's store.
func (c *CA) GenCRL() (string, error) {
	s, cl, err := c.registrar(c.Info.CAName)
	if err != nil {
		return "", err
	}
	defer s.close()
	who := c.Registrar
	if who == "" {
		who = c.Info.Registrar
	}
	si, err := cl.GetSigningIdentity(who)
	if err != nil {
		// the SDK enrolls its registrar on first use only; gencrl may be that use
		secret := c.RegistrarSecret
		if secret == "" {
			raw, rerr := os.ReadFile(c.Info.RegistrarSecretFile)
			if rerr != nil {
				return "", rerr
			}
			secret = strings.TrimSpace(string(raw))
		}
		if err := cl.Enroll(who, msp.WithSecret(secret)); err != nil {
			return "", wrap(err)
		}
		if si, err = cl.GetSigningIdentity(who); err != nil {
			return "", wrap(err)
		}
	}
	keyPEM, err := os.ReadFile(filepath.Join(s.store, "msp", "keystore", fmt.Sprintf("%x_sk", si.PrivateKey().SKI())))
	if err != nil {
		return "", fmt.Errorf("the registrar's key: %w", err)
	}
	key, err := parseECKey(keyPEM)
	if err != nil {
		return "", err
	}
	body, _ := json.Marshal(map[string]string{"caname": c.Info.CAName})
	const uri = "/api/v1/gencrl"
	token, err := caToken(key, si.EnrollmentCertificate(), "POST", uri, body)
	if err != nil {
		return "", err
	}
	hc, err := c.httpClient()
	if err != nil {
		return "", err
	}
	req, err := http.NewRequest("POST", strings.TrimRight(c.Info.URL, "/")+uri, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Authorization", token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return "", wrap(err)
	}
	defer resp.Body.Close()
	var out struct {
		Success bool `json:"success"`
		Result  struct {
			CRL []byte `json:"CRL"`
		} `json:"result"`
		Errors []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return "", fmt.Errorf("gencrl answer (HTTP %d): %w", resp.StatusCode, err)
	}
	if !out.Success || len(out.Result.CRL) == 0 {
		msg := fmt.Sprintf("HTTP %d", resp.StatusCode)
		for _, e := range out.Errors {
			msg += fmt.Sprintf("; Error Code: %d - %s", e.Code, e.Message)
		}
		return "", wrap(errors.New(msg))
	}
	crl := out.Result.CRL
	if b, _ := pem.Decode(crl); b == nil {
		crl = pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crl})
	}
	path := filepath.Join(filepath.Dir(c.Info.StoreDir), "crl.pem")
	return path, os.WriteFile(path, crl, 0o644)
}

// caToken is fabric-ca's authorization token: b64(cert) "." b64(signature over
// method.b64(uri).b64(body).b64(cert)).
func caToken(key *ecdsa.PrivateKey, certPEM []byte, method, uri string, body []byte) (string, error) {
	b64 := base64.StdEncoding.EncodeToString
	b64cert := b64(certPEM)
	digest := sha256.Sum256([]byte(method + "." + b64([]byte(uri)) + "." + b64(body) + "." + b64cert))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		return "", err
	}
	// fabric-ca's BCCSP verifies low-S signatures only
	if half := new(big.Int).Rsh(key.Params().N, 1); s.Cmp(half) > 0 {
		s = new(big.Int).Sub(key.Params().N, s)
	}
	sig, err := asn1.Marshal(struct{ R, S *big.Int }{r, s})
	if err != nil {
		return "", err
	}
	return b64cert + "." + b64(sig), nil
}

func parseECKey(raw []byte) (*ecdsa.PrivateKey, error) {
	b, _ := pem.Decode(raw)
	if b == nil {
		return nil, errors.New("the registrar's key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		if ek, err2 := x509.ParseECPrivateKey(b.Bytes); err2 == nil {
			return ek, nil
		}
		return nil, err
	}
	ek, ok := k.(*ecdsa.PrivateKey)
	if !ok {
		return nil, errors.New("the registrar's key is not ECDSA")
	}
	return ek, nil
}

// httpClient trusts the CA's TLS root only.
func (c *CA) httpClient() (*http.Client, error) {
	root, err := os.ReadFile(c.Info.TLSRootCert)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(root) {
		return nil, fmt.Errorf("%s: no PEM certificate", c.Info.TLSRootCert)
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}, nil
}
