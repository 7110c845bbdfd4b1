package sdkca

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-sdk-go/pkg/client/msp"

	"github.com/pdledger/pdledger/client/ca"
)

var enrollmentID = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// CheckID validates an enrollment id (it becomes the certificate's CN and a file name).
func CheckID(id string) error {
	if !enrollmentID.MatchString(id) {
		return &ca.Error{Code: ca.ExitUsage, Key: "BAD_ID",
			Msg: fmt.Sprintf("身份标识 %q 无效 / enrollment id %q: 1-64 of a-z 0-9 . _ - starting with a letter or digit", id, id)}
	}
	return nil
}

// RegisterRequest registers a person with both CA instances under one secret.
type RegisterRequest struct {
	ID     string
	Secret string            // "" lets the CA choose one
	Attrs  map[string]string // ca.AttrParticipant (required), ca.AttrRole
}

// Register registers a person (by the org's registrar) and returns the enrollment secret.
// The attributes go into every enrollment certificate; the TLS instance gets none.
func (c *CA) Register(req RegisterRequest) (string, error) {
	if err := CheckID(req.ID); err != nil {
		return "", err
	}
	if req.Attrs[ca.AttrParticipant] == "" {
		return "", &ca.Error{Code: ca.ExitUsage, Key: "PARTICIPANT_REQUIRED",
			Msg: fmt.Sprintf("须指定 %s：证书代表哪个参与方 / %s is required: the participant the person acts for", ca.AttrParticipant, ca.AttrParticipant)}
	}
	names := make([]string, 0, len(req.Attrs))
	for k := range req.Attrs {
		names = append(names, k)
	}
	sort.Strings(names)
	var attrs []msp.Attribute
	for _, k := range names {
		if err := ca.CheckAttr(k, req.Attrs[k]); err != nil {
			return "", err
		}
		attrs = append(attrs, msp.Attribute{Name: k, Value: req.Attrs[k], ECert: true})
	}
	secret := req.Secret
	for _, inst := range []string{c.Info.CAName, c.Info.TLSCAName} {
		s, cl, err := c.registrar(inst)
		if err != nil {
			return "", err
		}
		defer s.close()
		r := &msp.RegistrationRequest{Name: req.ID, Type: "client", Affiliation: c.Info.Affiliation, Secret: secret, CAName: inst, MaxEnrollments: -1}
		if inst == c.Info.CAName {
			r.Attributes = attrs
		}
		got, err := cl.Register(r)
		if err != nil {
			return "", wrap(err)
		}
		secret = got
	}
	return secret, nil
}

// Enrolled is where an enrolled person's files are.
type Enrolled struct {
	Profile string `json:"profile"` // the pdl profile file
	Cert    string `json:"cert"`
	Key     string `json:"key"`
	TLSCert string `json:"tlsCert"`
	TLSKey  string `json:"tlsKey"`
	Subject string `json:"subject"`
}

// Enroll enrolls a registered person with both instances and writes their certificate,
// key (0600) and TLS pair under the identities directory, and a pdl profile named
// profile that acts as them. role is the profile's role hint.
func (c *CA) Enroll(id, secret, profile, role string) (*Enrolled, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	if err := CheckID(profile); err != nil {
		return nil, err
	}
	dir := filepath.Join(c.Info.IdentitiesDir, profile)
	if _, err := os.Stat(filepath.Join(c.Info.ProfilesDir, profile+".json")); err == nil {
		return nil, &ca.Error{Code: ca.ExitUsage, Key: "PROFILE_EXISTS",
			Msg: fmt.Sprintf("配置 %s 已存在 / profile %s exists already; choose another name or reenroll it", profile, profile)}
	}
	for _, inst := range []string{c.Info.CAName, c.Info.TLSCAName} {
		if err := c.enrollOne(dir, inst, id, secret, false); err != nil {
			return nil, err
		}
	}
	return c.writeProfile(dir, id, profile, role)
}

// Reenroll renews a profile's certificates (same key policy as a new enrollment: new
// keys) before they expire; the CA refuses a revoked or unknown person.
func (c *CA) Reenroll(profile string) (*Enrolled, error) {
	if err := CheckID(profile); err != nil {
		return nil, err
	}
	dir := filepath.Join(c.Info.IdentitiesDir, profile)
	raw, err := os.ReadFile(filepath.Join(dir, "id"))
	if err != nil {
		return nil, &ca.Error{Code: ca.ExitUsage, Key: "NOT_ENROLLED",
			Msg: fmt.Sprintf("配置 %s 不是由 pdl-ca 登记的身份 / profile %s was not enrolled by pdl-ca (%v)", profile, profile, err)}
	}
	id := strings.TrimSpace(string(raw))
	var p struct {
		Role string `json:"role"`
	}
	if b, err := os.ReadFile(filepath.Join(c.Info.ProfilesDir, profile+".json")); err == nil {
		_ = json.Unmarshal(b, &p)
	}
	for _, inst := range []string{c.Info.CAName, c.Info.TLSCAName} {
		if err := c.enrollOne(dir, inst, id, "", true); err != nil {
			return nil, err
		}
	}
	return c.writeProfile(dir, id, profile, p.Role)
}

// enrollOne enrolls (or reenrolls) id with one instance in its own SDK store and copies
// the certificate and key out of it.
func (c *CA) enrollOne(dir, inst, id, secret string, again bool) error {
	s, err := c.open(filepath.Join(dir, "sdk-"+inst))
	if err != nil {
		return err
	}
	defer s.close()
	cl, err := s.client(inst)
	if err != nil {
		return err
	}
	var opts []msp.EnrollmentOption
	if inst == c.Info.TLSCAName {
		opts = append(opts, msp.WithProfile("tls"), msp.WithCSR(&msp.CSRInfo{CN: id, Hosts: c.Info.Hosts}))
	}
	if again {
		err = cl.Reenroll(id, opts...)
	} else {
		err = cl.Enroll(id, append(opts, msp.WithSecret(secret))...)
	}
	if err != nil {
		return wrap(err)
	}
	si, err := cl.GetSigningIdentity(id)
	if err != nil {
		return wrap(err)
	}
	keyFile := filepath.Join(dir, "sdk-"+inst, "msp", "keystore", fmt.Sprintf("%x_sk", si.PrivateKey().SKI()))
	key, err := os.ReadFile(keyFile)
	if err != nil {
		return fmt.Errorf("the SDK stored no key for %s: %w", id, err)
	}
	certName, keyName := "cert.pem", "key.pem"
	if inst == c.Info.TLSCAName {
		certName, keyName = "tls.crt", "tls.key"
	}
	if err := os.WriteFile(filepath.Join(dir, certName), si.EnrollmentCertificate(), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, keyName), key, 0o600)
}

// writeProfile writes the person's pdl profile: the org's connection settings plus their
// identity files.
func (c *CA) writeProfile(dir, id, profile, role string) (*Enrolled, error) {
	if err := os.WriteFile(filepath.Join(dir, "id"), []byte(id+"\n"), 0o644); err != nil {
		return nil, err
	}
	var p map[string]any
	if err := json.Unmarshal(c.Info.Profile, &p); err != nil {
		return nil, fmt.Errorf("the CA info's profile: %w", err)
	}
	e := &Enrolled{
		Profile: filepath.Join(c.Info.ProfilesDir, profile+".json"),
		Cert:    filepath.Join(dir, "cert.pem"), Key: filepath.Join(dir, "key.pem"),
		TLSCert: filepath.Join(dir, "tls.crt"), TLSKey: filepath.Join(dir, "tls.key"),
	}
	p["name"], p["user"], p["role"] = profile, id, role
	p["cert"], p["key"], p["tlsClientCert"], p["tlsClientKey"] = e.Cert, e.Key, e.TLSCert, e.TLSKey
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.Info.ProfilesDir, 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(e.Profile, raw, 0o600); err != nil {
		return nil, err
	}
	if sub, err := subjectOf(e.Cert); err == nil {
		e.Subject = sub
	}
	return e, nil
}

// registrar opens the registrar's session with one CA instance. Each instance keeps its
// own store: the SDK files a registrar's certificate by name and MSP only, and the other
// instance does not trust it.
func (c *CA) registrar(inst string) (*session, *msp.Client, error) {
	// The org's registrar keeps its enrollment; another registrar (--registrar) enrolls
	// afresh in a store removed afterwards, so its secret is checked every time.
	store := filepath.Join(c.Info.StoreDir, c.Info.Registrar, inst)
	if c.Registrar != "" {
		tmp, err := os.MkdirTemp("", "pdl-ca-registrar")
		if err != nil {
			return nil, nil, err
		}
		store = tmp
	}
	s, err := c.open(store)
	if err != nil {
		return nil, nil, err
	}
	if c.Registrar != "" {
		s.temp = store
	}
	cl, err := s.client(inst)
	if err != nil {
		s.close()
		return nil, nil, err
	}
	return s, cl, nil
}

// Revoked is what a revocation did.
type Revoked struct {
	Serials []string `json:"serials"` // of the enrollment certificates, hex
	CRL     string   `json:"crl"`     // the org CA's CRL file after the revocation
}

// Reasons a revocation may give (RFC 5280's, as fabric-ca names them).
var Reasons = []string{"unspecified", "keycompromise", "affiliationchange", "superseded", "cessationofoperation", "certificatehold", "privilegewithdrawn"}

// Revoke revokes every certificate of a person with both instances and writes the org
// CA's CRL, which pdlnet puts into the channel configuration.
func (c *CA) Revoke(id, reason string) (*Revoked, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	ok := false
	for _, r := range Reasons {
		ok = ok || r == reason
	}
	if !ok {
		return nil, &ca.Error{Code: ca.ExitUsage, Key: "BAD_REASON",
			Msg: fmt.Sprintf("吊销原因 %q 无效 / reason %q: one of %s", reason, reason, strings.Join(Reasons, ", "))}
	}
	out := &Revoked{CRL: filepath.Join(filepath.Dir(c.Info.StoreDir), "crl.pem")}
	for _, inst := range []string{c.Info.CAName, c.Info.TLSCAName} {
		s, cl, err := c.registrar(inst)
		if err != nil {
			return nil, err
		}
		defer s.close()
		resp, err := cl.Revoke(&msp.RevocationRequest{Name: id, Reason: reason, CAName: inst, GenCRL: inst == c.Info.CAName})
		if err != nil {
			return nil, wrap(err)
		}
		if inst != c.Info.CAName {
			continue
		}
		for _, rc := range resp.RevokedCerts {
			out.Serials = append(out.Serials, rc.Serial)
		}
		crl := resp.CRL
		if b, _ := pem.Decode(crl); b == nil {
			crl = pem.EncodeToMemory(&pem.Block{Type: "X509 CRL", Bytes: crl})
		}
		if err := os.WriteFile(out.CRL, crl, 0o644); err != nil {
			return nil, err
		}
	}
	if len(out.Serials) == 0 {
		return nil, &ca.Error{Code: ca.ExitRefused, Key: "NOTHING_REVOKED",
			Msg: fmt.Sprintf("%s 没有可吊销的证书 / %s has no certificate to revoke (never enrolled, or revoked already)", id, id)}
	}
	return out, nil
}

// Person is a registered identity as list shows it.
type Person struct {
	ID          string            `json:"id"`
	Type        string            `json:"type"`
	Affiliation string            `json:"affiliation"`
	Attrs       map[string]string `json:"attrs"`
}

// List returns the people registered with the org's CA (its "ca" instance), by id.
func (c *CA) List() ([]Person, error) {
	s, cl, err := c.registrar(c.Info.CAName)
	if err != nil {
		return nil, err
	}
	defer s.close()
	ids, err := cl.GetAllIdentities()
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]Person, 0, len(ids))
	for _, r := range ids {
		p := Person{ID: r.ID, Type: r.Type, Affiliation: r.Affiliation, Attrs: map[string]string{}}
		for _, a := range r.Attributes {
			if strings.HasPrefix(a.Name, "pdl.") {
				p.Attrs[a.Name] = a.Value
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

var errNoPEM = errors.New("no PEM certificate")

func subjectOf(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	b, _ := pem.Decode(raw)
	if b == nil {
		return "", errNoPEM
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		return "", err
	}
	return cert.Subject.String(), nil
}
