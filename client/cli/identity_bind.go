package cli

import (
	"encoding/json"

	"github.com/spf13/cobra"

	"github.com/pdledger/pdledger/client"
)

func init() { extraCommandFuncs = append(extraCommandFuncs, identityBindRequestCmd) }

// identityBindRequestCmd prints the bureau's request to bind the -p identity, certificate
// included, so a person enrolled with pdl-ca is bound without copying DNs and digests by
// hand, and a binding to another party than the certificate's CA attribute names is
// refused when it is made.
func identityBindRequestCmd(a *App) *cobra.Command {
	var participant, id string
	cmd := &cobra.Command{
		Use:   "bind-request",
		Short: a.tr("输出绑定 -p 身份所需的请求（含证书），交实施机构提交", "print the request that binds the -p identity (certificate included), for the bureau to submit"),
		Example: "  # then the bureau submits it: pdl -p bureau participant bind-identity -f bind.json\n" +
			"  pdl -p sourceunit-user1 identity bind-request --participant su-fgj",
		Args:        cobra.NoArgs,
		Annotations: map[string]string{"group": "identity"},
		RunE: func(cmd *cobra.Command, _ []string) error {
			if participant == "" {
				return usagef("%s", a.tr("需要 --participant 指定该身份代表的参与方", "--participant names the party the identity acts for"))
			}
			p, err := a.chosenProfile()
			if err != nil {
				return err
			}
			req, err := client.BindRequest(p, participant, id)
			if err != nil {
				return localf(err, "%v", err)
			}
			enc := json.NewEncoder(a.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(req)
		},
	}
	cmd.Flags().StringVar(&participant, "participant", "", a.tr("参与方标识", "participant id"))
	cmd.Flags().StringVar(&id, "id", "", a.tr("请求标识（省略时由 pdl 生成）", "request id (generated when left out)"))
	return cmd
}
