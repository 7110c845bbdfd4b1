package cli

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/spf13/cobra"
)

func init() {
	for _, verb := range caVerbs {
		extraCommandFuncs = append(extraCommandFuncs, identityCACmd(verb))
	}
}

// caVerbs are pdl-ca's verbs that pdl offers under `pdl identity`: one CLI for users,
// while fabric-sdk-go stays out of pdl's binary (it would panic at start beside
// fabric-gateway).
var caVerbs = [][3]string{
	{"register", "登记人员（机构登记员）", "register a person with the org's CA (by its registrar)"},
	{"enroll", "领取证书并写出 pdl 配置", "enroll a registered person and write their pdl profile"},
	{"reenroll", "到期前更新证书", "renew a profile's certificates"},
	{"revoke", "吊销人员的全部证书并生成 CRL", "revoke a person's certificates and write the CA's CRL"},
	{"gencrl", "生成证书颁发机构当前的 CRL", "write the CA's current CRL"},
	{"list", "列出已登记人员", "list the people registered with the org's CA"},
}

// childExit is a subprocess's exit code, passed on as pdl's own: the child has printed
// its message already.
type childExit struct{ code int }

func (e *childExit) Error() string { return fmt.Sprintf("pdl-ca exited with %d", e.code) }

func identityCACmd(verb [3]string) func(*App) *cobra.Command {
	return func(a *App) *cobra.Command {
		return &cobra.Command{
			Use:                verb[0],
			Short:              a.tr(verb[1]+"（调用 pdl-ca）", verb[2]+" (runs pdl-ca)"),
			Long:               a.tr("运行 pdl-ca "+verb[0]+"，参数原样传递；pdl-ca --help 说明各参数。", "Runs pdl-ca "+verb[0]+" with the same arguments; pdl-ca --help explains them."),
			Example:            caExample(verb[0]),
			DisableFlagParsing: true,
			Annotations:        map[string]string{"group": "identity"},
			RunE: func(cmd *cobra.Command, args []string) error {
				exe, err := pdlCAPath()
				if err != nil {
					return localf(err, "%s", a.tr("找不到 pdl-ca：%v（make 会把它构建到 .bin/，或用 PDL_CA 指定）", "pdl-ca not found: %v (make builds it into .bin/; or name it with $PDL_CA)", err))
				}
				c := exec.CommandContext(cmd.Context(), exe, append([]string{verb[0]}, args...)...)
				c.Stdin, c.Stdout, c.Stderr = a.Stdin, a.Stdout, a.Stderr
				err = c.Run()
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					return &childExit{code: ee.ExitCode()}
				}
				if err != nil {
					return localf(err, "pdl-ca: %v", err)
				}
				return nil
			},
		}
	}
}

// caExample: list runs against the demo network's CA; the verbs that change identities
// show their flags.
func caExample(verb string) string {
	if verb == "list" {
		return "  pdl identity list --org SourceUnit"
	}
	return "  pdl identity " + verb + " --help"
}

// pdlCAPath finds pdl-ca: $PDL_CA, beside this executable, or on PATH.
func pdlCAPath() (string, error) {
	if p := os.Getenv("PDL_CA"); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "pdl-ca")
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return exec.LookPath("pdl-ca")
}
