// Command pdl-ca manages the people of one organization with its fabric-ca-server
// (fabric-sdk-go's msp client): register, enroll, reenroll, revoke, gencrl, list. It is a binary
// of its own because fabric-sdk-go cannot share one with fabric-gateway (pdl).
//
// Exit codes as pdl's: 0 ok, 1 refused by the CA, 2 bad usage (nothing sent), 3 the CA
// could not be reached.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/pdledger/pdledger/client/ca"
	"github.com/pdledger/pdledger/client/ca/sdkca"
)

const usage = `pdl-ca — 机构人员身份管理 / an organization's person identities (Fabric CA)

usage: pdl-ca <command> --org ORG [flags]

  register  --id ID --participant PID [--role DUTY] [--attr pdl.k=v] [--secret S]
            登记人员（机构登记员）/ register a person (by the org's registrar); prints the secret
  enroll    --id ID --secret S --profile NAME [--pdl-role ROLE]
            领取证书并写出 pdl 配置 / enroll and write a pdl profile acting as the person
  reenroll  --profile NAME       到期前更新证书 / renew the person's certificates
  revoke    --id ID --reason R    吊销并生成 CRL / revoke every certificate, write the CRL
            (then: pdlnet crl ORG, so that peers refuse it)
  gencrl                          生成当前 CRL / write the CA's current CRL (renew it before it ends in a year)
  list                            列出已登记人员 / list registered people

common flags: --org ORG (a peer org of the topology: Bureau, Operator, SourceUnit, Exchange) or --info FILE (.run/ca/<org>/ca.json),
              --registrar ID --registrar-secret S (another registrar than the org's), --json
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		if len(args) == 0 {
			return ca.ExitUsage
		}
		return ca.ExitOK
	}
	cmd := args[0]
	fs := flag.NewFlagSet("pdl-ca "+cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	org := fs.String("org", "", "")
	info := fs.String("info", "", "")
	registrar := fs.String("registrar", "", "")
	registrarSecret := fs.String("registrar-secret", "", "")
	asJSON := fs.Bool("json", false, "")
	id := fs.String("id", "", "")
	secret := fs.String("secret", "", "")
	participant := fs.String("participant", "", "")
	duty := fs.String("role", "", "")
	profile := fs.String("profile", "", "")
	pdlRole := fs.String("pdl-role", "", "")
	reason := fs.String("reason", "", "")
	var attrs multi
	fs.Var(&attrs, "attr", "")
	fail := func(err error) int {
		var e *ca.Error
		if !errors.As(err, &e) {
			e = &ca.Error{Code: ca.ExitRefused, Key: "FAILED", Msg: err.Error()}
		}
		if *asJSON {
			_ = json.NewEncoder(stdout).Encode(map[string]any{"ok": false, "code": e.Key, "message": e.Msg})
		} else {
			fmt.Fprintf(stderr, "pdl-ca %s: %s: %s\n", cmd, e.Key, e.Msg)
		}
		return e.Code
	}
	usageErr := func(key, zh, en string) int {
		return fail(&ca.Error{Code: ca.ExitUsage, Key: key, Msg: zh + " / " + en})
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return ca.ExitOK
		}
		return usageErr("BAD_FLAG", "参数错误", err.Error()+" (pdl-ca --help)")
	}
	if fs.NArg() > 0 {
		return usageErr("BAD_FLAG", "多余的参数", fmt.Sprintf("unexpected arguments %q (pdl-ca --help)", fs.Args()))
	}
	need := func(flags ...string) int {
		for _, f := range flags {
			if fs.Lookup(f).Value.String() == "" {
				return usageErr("MISSING_FLAG", "缺少 --"+f, "--"+f+" is required for "+cmd)
			}
		}
		return 0
	}
	switch cmd {
	case "register", "enroll", "reenroll", "revoke", "gencrl", "list":
	default:
		return usageErr("UNKNOWN_COMMAND", "未知命令 "+cmd, "unknown command "+cmd+" (pdl-ca --help)")
	}
	path := *info
	if path == "" {
		if *org == "" {
			return usageErr("MISSING_FLAG", "缺少 --org", "--org (or --info) names the organization")
		}
		path = filepath.Join(runDir(), "ca", strings.ToLower(*org), "ca.json")
	}
	inf, err := ca.LoadInfo(path)
	if err != nil {
		return usageErr("NO_CA", "找不到该机构的证书颁发机构", fmt.Sprintf("no CA for %q: %v (is the network up?)", *org, err))
	}
	c := &sdkca.CA{Info: inf, Registrar: *registrar, RegistrarSecret: *registrarSecret}
	if (*registrar == "") != (*registrarSecret == "") {
		return usageErr("MISSING_FLAG", "--registrar 与 --registrar-secret 须同时给出", "--registrar and --registrar-secret go together")
	}
	var out any
	switch cmd {
	case "register":
		if code := need("id", "participant"); code != 0 {
			return code
		}
		a := map[string]string{ca.AttrParticipant: *participant}
		if *duty != "" {
			a[ca.AttrRole] = *duty
		}
		for _, kv := range attrs {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return usageErr("BAD_FLAG", "--attr 须为 名=值", fmt.Sprintf("--attr %q: want name=value", kv))
			}
			a[k] = v
		}
		s, err := c.Register(sdkca.RegisterRequest{ID: *id, Secret: *secret, Attrs: a})
		if err != nil {
			return fail(err)
		}
		out = map[string]any{"ok": true, "id": *id, "secret": s, "attrs": a}
		if !*asJSON {
			fmt.Fprintf(stdout, "registered %s (%s); enrollment secret: %s\n", *id, inf.MSPID, s)
			return ca.ExitOK
		}
	case "enroll":
		if code := need("id", "secret", "profile"); code != 0 {
			return code
		}
		e, err := c.Enroll(*id, *secret, *profile, *pdlRole)
		if err != nil {
			return fail(err)
		}
		out = e
		if !*asJSON {
			fmt.Fprintf(stdout, "enrolled %s as %s\nprofile %s (key 0600)\nnext: the bureau binds it: pdl --profile bureau participant bind-identity ...\n", *id, e.Subject, e.Profile)
			return ca.ExitOK
		}
	case "reenroll":
		if code := need("profile"); code != 0 {
			return code
		}
		e, err := c.Reenroll(*profile)
		if err != nil {
			return fail(err)
		}
		out = e
		if !*asJSON {
			fmt.Fprintf(stdout, "reenrolled profile %s: %s\n", *profile, e.Subject)
			return ca.ExitOK
		}
	case "revoke":
		if code := need("id", "reason"); code != 0 {
			return code
		}
		r, err := c.Revoke(*id, *reason)
		if err != nil {
			return fail(err)
		}
		out = r
		if !*asJSON {
			fmt.Fprintf(stdout, "revoked %s: serials %s\nCRL %s\nnext: pdlnet crl %s (peers refuse the certificate from that config block on)\n", *id, strings.Join(r.Serials, ", "), r.CRL, inf.Org)
			return ca.ExitOK
		}
	case "gencrl":
		path, err := c.GenCRL()
		if err != nil {
			return fail(err)
		}
		out = map[string]any{"ok": true, "crl": path}
		if !*asJSON {
			fmt.Fprintf(stdout, "CRL %s\nnext: pdlnet crl %s\n", path, inf.Org)
			return ca.ExitOK
		}
	case "list":
		ps, err := c.List()
		if err != nil {
			return fail(err)
		}
		out = ps
		if !*asJSON {
			fmt.Fprintf(stdout, "%-24s %-8s %-12s %s\n", "ID", "TYPE", "AFFILIATION", "ATTRIBUTES")
			for _, p := range ps {
				var kv []string
				for _, k := range []string{ca.AttrParticipant, ca.AttrRole} {
					if v, ok := p.Attrs[k]; ok {
						kv = append(kv, k+"="+v)
					}
				}
				fmt.Fprintf(stdout, "%-24s %-8s %-12s %s\n", p.ID, p.Type, p.Affiliation, strings.Join(kv, " "))
			}
			return ca.ExitOK
		}
	}
	if err := json.NewEncoder(stdout).Encode(out); err != nil {
		return ca.ExitRefused
	}
	return ca.ExitOK
}

// runDir is the network's run directory: $PDL_RUN, else .run found from the working
// directory upwards.
func runDir() string {
	if d := os.Getenv("PDL_RUN"); d != "" {
		return d
	}
	wd, _ := os.Getwd()
	for d := wd; ; d = filepath.Dir(d) {
		if st, err := os.Stat(filepath.Join(d, ".run")); err == nil && st.IsDir() {
			return filepath.Join(d, ".run")
		}
		if filepath.Dir(d) == d {
			return filepath.Join(wd, ".run")
		}
	}
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }
