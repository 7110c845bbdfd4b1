// Command rulesdoc prints the rule table (rule → seed article → test) as Markdown:
//
//	go run ./chaincode/cmd/rulesdoc > docs/rules.md
package main

import (
	"fmt"
	"os"

	"github.com/pdledger/pdledger/chaincode/contracts"
)

func main() {
	if _, err := os.Stdout.WriteString(contracts.RulesMarkdown()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
