// Command pdl is the PDLedger command line for every party: see `pdl --help`.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/pdledger/pdledger/client"
	"github.com/pdledger/pdledger/client/cli"
)

func main() {
	app := &cli.App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	root := cli.Root(app)
	err := root.ExecuteContext(ctx)
	stop()
	app.Close()
	if err != nil {
		var re *client.RefusedError
		if errors.As(err, &re) {
			fmt.Fprintf(os.Stderr, "refused: %v\n", err)
		} else {
			fmt.Fprintf(os.Stderr, "pdl: %v\n", err)
		}
	}
	os.Exit(cli.ExitCode(err))
}
