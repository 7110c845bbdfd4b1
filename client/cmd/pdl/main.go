// Command pdl is the PDLedger command line for every party: see `pdl --help`.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pdledger/pdledger/client/cli"
)

func main() {
	app := &cli.App{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Execute(ctx, app, os.Args[1:])
	stop()
	os.Exit(code)
}
