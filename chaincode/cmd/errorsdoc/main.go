// Command errorsdoc prints the message catalogue (every error code with its title, what
// was wrong, what is allowed and what to do, Chinese first) as Markdown:
//
//	go run ./chaincode/cmd/errorsdoc > docs/errors.md
package main

import (
	"fmt"
	"os"

	"github.com/pdledger/pdledger/chaincode/model"
)

func main() {
	if _, err := os.Stdout.WriteString(model.ErrorsMarkdown()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
