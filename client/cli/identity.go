package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/client"
)

func init() { extraCommandFuncs = append(extraCommandFuncs, identityExportCmd) }

// identityExportCmd writes the profile's identity as a PKCS#12 file for the browser: the
// web console's login is the identity's own certificate, as a U-Key login is.
func identityExportCmd(a *App) *cobra.Command {
	var out, passwordFile string
	cmd := &cobra.Command{
		Use:   "export",
		Short: a.tr("把身份（证书和私钥）导出为带口令的 PKCS#12 文件，导入浏览器后登录 Web 控制台", "export the identity (certificate and key) as a password-protected PKCS#12 file to log in to the web console"),
		Long: a.tr(`把 -p 指定身份的证书和私钥写入带口令保护的 PKCS#12 文件（AES-256）。口令取自 --password-file 指定的文件
（第一行）或环境变量 PDL_P12_PASSWORD，至少 8 个字符；不从命令行参数读取，以免留在命令历史中。

导入浏览器：Chromium/Chrome「设置 → 隐私和安全 → 安全 → 管理证书 → 您的证书 → 导入」，Firefox「设置 → 隐私与安全 →
证书 → 查看证书 → 您的证书 → 导入」。浏览器还须信任控制台的 TLS 证书颁发机构（make up 生成的 .run/explorer/tls/ca.pem，
在「授权机构」中导入）。之后打开控制台地址，浏览器询问时选择该证书即可。`,
			`Writes the certificate and private key of the -p identity to a password-protected PKCS#12 file (AES-256).
The password comes from the first line of --password-file or from $PDL_P12_PASSWORD, at least 8 characters; never
from an argument, which would stay in the shell history.

Import it in Chromium/Chrome under Settings → Privacy and security → Security → Manage certificates → Your
certificates → Import (Firefox: Settings → Privacy & Security → Certificates → View Certificates → Your
Certificates → Import). The browser must also trust the console's TLS certificate authority (.run/explorer/tls/ca.pem
written by make up, imported under Authorities). Then open the console and pick this certificate when asked.`),
		Example:     "  PDL_P12_PASSWORD=\"$(cat ~/.pdl-p12-password)\" pdl -p sourceunit-user1 identity export --p12 su-fgj.p12",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "identity"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return usagef("%s", a.tr("需要 --p12 指定输出文件", "--p12 names the file to write"))
			}
			password := os.Getenv("PDL_P12_PASSWORD")
			if passwordFile != "" {
				raw, err := os.ReadFile(passwordFile)
				if err != nil {
					return localf(err, "%s", a.tr("读取口令文件：%v", "password file: %v", err))
				}
				password, _, _ = strings.Cut(string(raw), "\n")
				password = strings.TrimRight(password, "\r")
			}
			if len([]rune(password)) < client.MinP12Password {
				return usagef("%s", a.tr("口令至少 %d 个字符：用 --password-file 或环境变量 PDL_P12_PASSWORD 提供", "the password needs at least %d characters: give it with --password-file or $PDL_P12_PASSWORD", client.MinP12Password))
			}
			p, err := a.chosenProfile()
			if err != nil {
				return err
			}
			der, cert, err := client.ExportPKCS12(p, password)
			if err != nil {
				return localf(err, "%v", err)
			}
			// a new file only: an existing one (or a link planted in its place) keeps its own
			// permissions and owner, which a private key must not inherit
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return localf(err, "%s", a.tr("写入 %s：%v（不覆盖已有文件）", "write %s: %v (an existing file is not overwritten)", out, err))
			}
			if _, err := f.Write(der); err != nil {
				f.Close()
				return localf(err, "%v", err)
			}
			if err := f.Close(); err != nil {
				return localf(err, "%v", err)
			}
			abs, _ := filepath.Abs(out)
			fmt.Fprintf(a.Stdout, a.tr("已写入 %s（证书主题 %s，颁发者 %s，有效期至 %s）\n", "wrote %s (subject %s, issuer %s, valid until %s)\n"),
				abs, cert.Subject.String(), cert.Issuer.CommonName, cstTable(cert.NotAfter))
			if p.Explorer != "" {
				fmt.Fprintf(a.Stdout, a.tr("导入浏览器后打开 %s/console/\n", "import it in your browser, then open %s/console/\n"), p.Explorer)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "p12", "", a.tr("输出的 PKCS#12 文件（.p12）", "PKCS#12 file to write (.p12)"))
	cmd.Flags().StringVar(&passwordFile, "password-file", "", a.tr("口令文件（取第一行）", "file whose first line is the password"))
	return cmd
}
